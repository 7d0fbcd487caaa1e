package io.keywordsbackfill.source;

import io.keywordsbackfill.record.RejectReason;

/**
 * A field of an otherwise readable record holds a value that can never be sent (a negative token count,
 * an impossible date). Readers catch it and yield an {@link io.keywordsbackfill.record.UnreadableRecord};
 * it never leaves the package.
 */
final class BadFieldException extends Exception {

	private final RejectReason reason;

	BadFieldException(RejectReason reason, String message) {
		super(message, null, false, false);
		this.reason = reason;
	}

	BadFieldException(String message) {
		this(RejectReason.INVALID_FIELD, message);
	}

	RejectReason reason() {
		return this.reason;
	}

}
