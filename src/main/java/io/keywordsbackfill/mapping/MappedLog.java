package io.keywordsbackfill.mapping;

import io.keywordsbackfill.record.SourcePosition;

/**
 * A log ready to send, with what delivery needs to account for it.
 *
 * @param sourceId the ledger key
 * @param position where it was read
 * @param log the payload
 * @param pricing how its cost was found (for the run's summary)
 */
public record MappedLog(String sourceId, SourcePosition position, KeywordsLog log, PricingOutcome pricing)
		implements ProcessedItem {

	/** How the cost of a log was decided. */
	public enum PricingOutcome {
		/** Computed from the price catalog. */
		PRICED,
		/** Taken from the export. */
		FROM_EXPORT,
		/** No price known: sent without cost, Keywords AI prices it. */
		UNPRICED,
		/** No token counts (a failed call, or usage missing): nothing to price. */
		NO_USAGE
	}

}
