package io.keywordsbackfill.delivery;

/** A failure no retry can fix, such as a rejected API key: the job stops at once. Never holds a secret. */
public class FatalDeliveryException extends RuntimeException {

	private final int statusCode;

	public FatalDeliveryException(int statusCode, String message) {
		super(message);
		this.statusCode = statusCode;
	}

	public int statusCode() {
		return statusCode;
	}

}
