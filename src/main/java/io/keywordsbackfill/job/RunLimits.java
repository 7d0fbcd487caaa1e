package io.keywordsbackfill.job;

import java.util.Optional;

import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The pace of a run: rate limits and the concurrency limit, for all its partitions together. A remote run
 * gives each partition its workers' share in the partition's execution context (keys {@code limits.*}); a
 * worker paces the partitions of a run it runs by that share instead of its own configuration.
 *
 * @param logsPerSecond 0 = no limit
 * @param requestsPerSecond 0 = no limit
 * @param concurrency requests in flight at the start
 * @param maxConcurrency the most requests in flight adaptive concurrency may reach
 */
public record RunLimits(double logsPerSecond, double requestsPerSecond, int concurrency, int maxConcurrency) {

	private static final String PREFIX = "limits.";

	public static RunLimits of(BackfillProperties properties) {
		return of(properties, RunSettings.NONE);
	}

	/** The process's limits, with a job definition's destination (carried by the run) over them where it says. */
	public static RunLimits of(BackfillProperties properties, RunSettings settings) {
		BackfillProperties.RateLimit rates = properties.rateLimit();
		double logsPerSecond = (settings.logsPerSecond() != null) ? settings.logsPerSecond() : rates.logsPerSecond();
		double requestsPerSecond = (settings.requestsPerSecond() != null) ? settings.requestsPerSecond()
				: rates.requestsPerSecond();
		int concurrency = (settings.concurrency() != null) ? settings.concurrency() : properties.concurrency();
		return new RunLimits(logsPerSecond, requestsPerSecond, concurrency,
				Math.max(concurrency, properties.maxConcurrency()));
	}

	/**
	 * One of {@code workers} equal shares: rates divided, and concurrency divided but never below one request
	 * (so with more workers than the ceiling allows requests, the ceiling is exceeded by the difference).
	 */
	public RunLimits share(int workers) {
		if (workers <= 1) {
			return this;
		}
		int max = Math.max(1, maxConcurrency / workers);
		return new RunLimits(logsPerSecond / workers, requestsPerSecond / workers,
				Math.min(max, Math.max(1, concurrency / workers)), max);
	}

	public void writeTo(ExecutionContext context) {
		context.putDouble(PREFIX + "logsPerSecond", logsPerSecond);
		context.putDouble(PREFIX + "requestsPerSecond", requestsPerSecond);
		context.putInt(PREFIX + "concurrency", concurrency);
		context.putInt(PREFIX + "maxConcurrency", maxConcurrency);
	}

	/** The limits a remote run gave the partition, or empty for a partition of a local run. */
	static Optional<RunLimits> readFrom(ExecutionContext context) {
		if (!context.containsKey(PREFIX + "maxConcurrency")) {
			return Optional.empty();
		}
		return Optional.of(new RunLimits(context.getDouble(PREFIX + "logsPerSecond"),
				context.getDouble(PREFIX + "requestsPerSecond"), context.getInt(PREFIX + "concurrency"),
				context.getInt(PREFIX + "maxConcurrency")));
	}

}
