package io.keywordsbackfill.delivery;

/**
 * One log serialised for sending.
 *
 * @param sourceId the ledger key of the log
 * @param json the log object's JSON bytes (UTF-8), exactly as it goes into {@code {"logs":[...]}}
 * @param customIdentifier the log's {@code custom_identifier}, by which Keywords AI can be asked whether it stores
 * the log; null when it has none (or is not known here)
 * @param timestamp the log's {@code timestamp} (ISO-8601), which the question needs; null when not known
 */
public record OutgoingLog(String sourceId, byte[] json, String customIdentifier, String timestamp) {

	/** A log that cannot be looked up in Keywords AI (its identifier and time are not known here). */
	public OutgoingLog(String sourceId, byte[] json) {
		this(sourceId, json, null, null);
	}

	LogKey key() {
		return new LogKey(sourceId, customIdentifier, timestamp);
	}

}
