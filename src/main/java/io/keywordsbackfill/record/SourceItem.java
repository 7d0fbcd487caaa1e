package io.keywordsbackfill.record;

/**
 * What a reader yields for one line: a {@link UsageRecord}, or an {@link UnreadableRecord} for a line
 * that could not be understood. Readers never throw for bad input, so a bad line costs one reject and
 * nothing else.
 */
public sealed interface SourceItem permits UsageRecord, UnreadableRecord {

	SourcePosition position();

}
