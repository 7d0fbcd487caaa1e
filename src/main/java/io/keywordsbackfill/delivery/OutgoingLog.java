package io.keywordsbackfill.delivery;

/**
 * One log serialised for sending.
 *
 * @param sourceId the ledger key of the log
 * @param json the log object's JSON bytes (UTF-8), exactly as it goes into {@code {"logs":[...]}}
 */
public record OutgoingLog(String sourceId, byte[] json) {
}
