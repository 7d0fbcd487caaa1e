package io.keywordsbackfill.mapping;

import io.keywordsbackfill.record.SourcePosition;

/**
 * What the processor hands the writer for one source line: a log to send, or a rejection to record.
 * Rejections travel to the writer (instead of being thrown) so they are stored in the chunk's own
 * transaction and never put the step into scan mode.
 */
public sealed interface ProcessedItem permits MappedLog, RejectedRecord {

	SourcePosition position();

	String sourceId();

}
