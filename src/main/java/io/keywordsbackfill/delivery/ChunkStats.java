package io.keywordsbackfill.delivery;

import java.math.BigDecimal;

/**
 * What one chunk did, as added to {@code backfill_step_stats}. {@code inDoubtResent} counts logs a killed run
 * had in flight that were sent again (not found in Keywords AI, or not looked for: then each a possible duplicate);
 * {@code outsideWindow} the records whose time is outside the run's import window (neither sent nor rejected);
 * {@code reconciled} the logs in doubt (after a kill or a lost answer) found stored in Keywords AI and not sent
 * again; {@code leftInDoubt} those set aside as {@code in_doubt} rejects; {@code sourceDuplicates} the records whose
 * id and content repeat a record the run already took (neither sent nor rejected).
 */
public record ChunkStats(long sent, long alreadySent, long rejected, long batches, long requests, long retries,
		long waitMillis, long promptTokens, long completionTokens, BigDecimal costUsd, long unpriced,
		long withoutTiming, long inDoubtResent, long outsideWindow, long reconciled, long leftInDoubt,
		long sourceDuplicates) {
}
