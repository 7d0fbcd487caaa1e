package io.keywordsbackfill.mapping;

import io.keywordsbackfill.record.SourcePosition;

/**
 * What the processor hands the writer for one source line: a log to send, a rejection to record, or a log
 * outside the import window to count. Rejections travel to the writer (instead of being thrown) so they are
 * stored in the chunk's own transaction and never put the step into scan mode; records outside the window
 * travel there too, so the chunk's counts account for every line.
 */
public sealed interface ProcessedItem permits MappedLog, RejectedRecord, OutsideWindow {

	SourcePosition position();

	String sourceId();

}
