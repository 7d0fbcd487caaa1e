package io.keywordsbackfill.delivery;

import java.math.BigDecimal;

/** What one chunk did, as added to {@code backfill_step_stats}. */
public record ChunkStats(long sent, long alreadySent, long rejected, long batches, long requests, long retries,
		long waitMillis, long promptTokens, long completionTokens, BigDecimal costUsd, long unpriced,
		long withoutTiming) {
}
