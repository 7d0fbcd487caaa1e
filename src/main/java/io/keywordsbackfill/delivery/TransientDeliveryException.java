package io.keywordsbackfill.delivery;

/**
 * A request that kept failing in a way worth retrying (429, 5xx, timeouts, resets) until the retry
 * budget ran out. The step fails; a restart resumes from the last committed chunk.
 */
public class TransientDeliveryException extends RuntimeException {

	public TransientDeliveryException(String message, Throwable cause) {
		super(message, cause);
	}

}
