package io.keywordsbackfill.delivery;

/**
 * Keywords AI cannot be asked which logs it stores: its list endpoint answered 403 or 404 (a plan without it, or
 * an API that moved), or another answer that a retry would not change. Logs in doubt then take the configured
 * fallback ({@code resend} or {@code reject}).
 */
public class LogListUnavailableException extends RuntimeException {

	private final int statusCode;

	public LogListUnavailableException(int statusCode, String message) {
		super(message);
		this.statusCode = statusCode;
	}

	public int statusCode() {
		return statusCode;
	}

}
