package io.keywordsbackfill.delivery;

/**
 * What Keywords AI answered for one log of a batch.
 *
 * @param accepted true when stored
 * @param logId the id Keywords AI gave it, when it said
 * @param statusCode the HTTP status that carried the answer (for a rejection: of the request that isolated it)
 * @param message the server's message for a rejection, else null
 */
public record LogResult(boolean accepted, String logId, int statusCode, String message) {

	public static LogResult accepted(String logId, int statusCode) {
		return new LogResult(true, logId, statusCode, null);
	}

	public static LogResult rejected(int statusCode, String message) {
		return new LogResult(false, null, statusCode, message);
	}

}
