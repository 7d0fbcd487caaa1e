package io.keywordsbackfill.mapping;

import java.time.Instant;

/**
 * How records become logs.
 *
 * @param fallbackCompletedAt the time used for a record that has none (error lines of a Batch file);
 * the CLI's {@code --batch-completed-at}; null to reject such records as {@code MISSING_TIMESTAMP}
 * @param exportedCostPolicy what to do with a cost present in the export
 * @param unpricedModelPolicy what to do with a model that has no price in the catalog
 * @param fallbackSource where {@code fallbackCompletedAt} came from, put in {@code metadata.backfill_timestamp} of the
 * logs that use it
 * @param window the logs sent are those whose timestamp is inside it; null means {@link ImportWindow#NONE}
 */
public record MappingOptions(Instant fallbackCompletedAt, ExportedCostPolicy exportedCostPolicy,
		UnpricedModelPolicy unpricedModelPolicy, String fallbackSource, ImportWindow window) {

	/** Where a given {@code fallbackCompletedAt} comes from unless said otherwise. */
	public static final String GIVEN_COMPLETION = "batch completion time given with --batch-completed-at";

	public MappingOptions(Instant fallbackCompletedAt, ExportedCostPolicy exportedCostPolicy,
			UnpricedModelPolicy unpricedModelPolicy) {
		this(fallbackCompletedAt, exportedCostPolicy, unpricedModelPolicy, GIVEN_COMPLETION);
	}

	public MappingOptions(Instant fallbackCompletedAt, ExportedCostPolicy exportedCostPolicy,
			UnpricedModelPolicy unpricedModelPolicy, String fallbackSource) {
		this(fallbackCompletedAt, exportedCostPolicy, unpricedModelPolicy, fallbackSource, ImportWindow.NONE);
	}

	public static final MappingOptions DEFAULTS = new MappingOptions(null, ExportedCostPolicy.FILL_MISSING,
			UnpricedModelPolicy.SEND_WITHOUT_COST, GIVEN_COMPLETION);

	public MappingOptions {
		exportedCostPolicy = (exportedCostPolicy != null) ? exportedCostPolicy : ExportedCostPolicy.FILL_MISSING;
		unpricedModelPolicy = (unpricedModelPolicy != null) ? unpricedModelPolicy
				: UnpricedModelPolicy.SEND_WITHOUT_COST;
		window = (window != null) ? window : ImportWindow.NONE;
	}

	/** These options with the logs sent limited to {@code window}. */
	public MappingOptions withWindow(ImportWindow window) {
		return new MappingOptions(fallbackCompletedAt, exportedCostPolicy, unpricedModelPolicy, fallbackSource, window);
	}

	/** What to do with a cost that the export already carries. */
	public enum ExportedCostPolicy {

		/** Send the exported cost; never compute one (a record without one is sent without cost). */
		KEEP,
		/** Ignore the exported cost; always compute from the catalog. */
		RECOMPUTE,
		/** Send the exported cost when there is one, else compute from the catalog. */
		FILL_MISSING

	}

	/** What to do with a record whose model has no price on the day of the call. */
	public enum UnpricedModelPolicy {

		/** Send it without {@code cost}, so Keywords AI prices it from its own table; counted as unpriced. */
		SEND_WITHOUT_COST,
		/** Reject it as {@code UNKNOWN_MODEL_PRICE} (replayable once the catalog has the price). */
		REJECT

	}

}
