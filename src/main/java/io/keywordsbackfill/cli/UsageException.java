package io.keywordsbackfill.cli;

/** A command was asked for something it cannot do as asked (missing file, missing key): exit code 2. */
class UsageException extends RuntimeException {

	UsageException(String message) {
		super(message);
	}

}
