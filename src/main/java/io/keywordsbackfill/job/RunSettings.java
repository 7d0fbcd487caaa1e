package io.keywordsbackfill.job;

import java.nio.file.Path;

/**
 * What a job definition sets for its runs over the process's configuration: its {@code destination} and its
 * {@code pricing.prices-file}. Carried in the run's job parameters (not identifying), so that {@code run},
 * {@code schedule} and {@code restart ID} all deliver a definition's runs as it says, and two definitions run by
 * one {@code schedule} process each with their own.
 *
 * @param maxBatchLogs logs per request, or null for {@code keywordsai.max-batch-logs}
 * @param concurrency requests in flight at the start, or null for {@code backfill.concurrency}
 * @param logsPerSecond a ceiling on logs per second, or null for {@code backfill.rate-limit.logs-per-second}
 * @param requestsPerSecond a ceiling on requests per second, or null for
 * {@code backfill.rate-limit.requests-per-second}
 * @param pricesFile a price file over the shipped catalog, or null for {@code backfill.prices-file}
 */
public record RunSettings(Integer maxBatchLogs, Integer concurrency, Double logsPerSecond, Double requestsPerSecond,
		Path pricesFile) {

	/** Everything from the process's configuration: an ad hoc import. */
	public static final RunSettings NONE = new RunSettings(null, null, null, null, null);

	static final String MAX_BATCH_LOGS = "destination.maxBatchLogs";

	static final String CONCURRENCY = "destination.concurrency";

	static final String LOGS_PER_SECOND = "destination.rateLimit.logsPerSecond";

	static final String REQUESTS_PER_SECOND = "destination.rateLimit.requestsPerSecond";

	static final String PRICES_FILE = "pricing.pricesFile";

}
