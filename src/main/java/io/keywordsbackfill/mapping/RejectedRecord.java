package io.keywordsbackfill.mapping;

import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SourcePosition;

/**
 * A record that will not be sent, with why.
 *
 * @param position where it was read
 * @param sourceId its source id when known, else null
 * @param reason the reason code
 * @param message what was wrong, for a person
 * @param payload the mapped log or the raw line (secrets removed), for inspection and replay; may be null
 */
public record RejectedRecord(SourcePosition position, String sourceId, RejectReason reason, String message,
		String payload) implements ProcessedItem {
}
