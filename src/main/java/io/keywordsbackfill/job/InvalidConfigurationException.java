package io.keywordsbackfill.job;

/**
 * Properties that are each valid but do not work together; the message names them. The command line reports
 * it as a bad usage (exit 2), in one line.
 */
public class InvalidConfigurationException extends RuntimeException {

	public InvalidConfigurationException(String message) {
		super(message);
	}

}
