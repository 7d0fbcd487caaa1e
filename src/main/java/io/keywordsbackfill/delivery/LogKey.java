package io.keywordsbackfill.delivery;

/**
 * What it takes to find one log in Keywords AI's list of stored logs.
 *
 * @param sourceId the ledger key; a listed log is this one when its {@code metadata.backfill_source_id} says so
 * @param customIdentifier the log's {@code custom_identifier}, by which the list is filtered (several logs may share
 * one); null when the log has none
 * @param timestamp the log's {@code timestamp} as sent (ISO-8601); null when not known
 */
public record LogKey(String sourceId, String customIdentifier, String timestamp) {
}
