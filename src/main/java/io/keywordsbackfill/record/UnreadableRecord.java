package io.keywordsbackfill.record;

/**
 * A line that a reader could not turn into a {@link UsageRecord}.
 *
 * @param position where it is
 * @param sourceId the source id if one could still be read, else null
 * @param reason why, as a stable code
 * @param message a human explanation (never the line's secrets)
 * @param excerpt the start of the raw line, for the rejects table (may be null)
 */
public record UnreadableRecord(SourcePosition position, String sourceId, RejectReason reason, String message,
		String excerpt) implements SourceItem {
}
