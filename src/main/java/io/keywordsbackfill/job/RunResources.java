package io.keywordsbackfill.job;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.keywordsbackfill.delivery.AdaptiveConcurrencyLimit;
import io.keywordsbackfill.delivery.DeliveryThrottle;
import io.keywordsbackfill.delivery.DryRunSink;
import io.keywordsbackfill.delivery.LogSink;
import io.keywordsbackfill.delivery.PendingDeliveries;
import io.keywordsbackfill.delivery.RateLimiter;
import io.keywordsbackfill.delivery.Sleeper;

/**
 * What the partitions of one running job execution share: the {@link DeliveryThrottle}, so rate limits and
 * the concurrency limit hold for the run as a whole, and a dry run's output file, so their request bodies do
 * not interleave. (Not job-scoped beans: partition and delivery threads have no job scope to resolve them in.)
 */
@Component
public class RunResources {

	private final BackfillProperties properties;

	private final Map<Long, DeliveryThrottle> throttles = new ConcurrentHashMap<>();

	private final Map<Long, DryRunSink> dryRunSinks = new ConcurrentHashMap<>();

	private final Map<Long, Set<String>> inDoubt = new ConcurrentHashMap<>();

	private final Map<Long, Set<String>> claims = new ConcurrentHashMap<>();

	private final PendingDeliveries pending;

	RunResources(BackfillProperties properties, PendingDeliveries pending) {
		this.properties = properties;
		this.pending = pending;
	}

	/** The ids that killed executions left in flight, read once per run and shared by its partitions. */
	Set<String> inDoubt(long jobExecutionId) {
		return this.inDoubt.computeIfAbsent(jobExecutionId, this.pending::inDoubt);
	}

	/**
	 * The source ids the run's partitions are delivering at this moment (at most a chunk per partition), so that
	 * two partitions never send one id at once.
	 */
	Set<String> claims(long jobExecutionId) {
		return this.claims.computeIfAbsent(jobExecutionId, id -> ConcurrentHashMap.newKeySet());
	}

	/** The run's throttle, made with {@code limits} by the first partition of the run that asks. */
	DeliveryThrottle forRun(long jobExecutionId, RunLimits limits) {
		return this.throttles.computeIfAbsent(jobExecutionId, id -> new DeliveryThrottle(rate(limits.logsPerSecond()),
				rate(limits.requestsPerSecond()), new AdaptiveConcurrencyLimit(limits.concurrency(), 1,
						limits.maxConcurrency(), this.properties.adaptiveConcurrency(), System::nanoTime)));
	}

	/** The run's dry-run output; partitions must not close it (the end of the run does). */
	LogSink dryRunSink(long jobExecutionId, Path file) {
		DryRunSink sink = this.dryRunSinks.computeIfAbsent(jobExecutionId, id -> new DryRunSink(file));
		return sink::send;
	}

	/** Forgets what the partitions of a run shared: the end of the run, or of its last partition on a worker. */
	public void finished(long jobExecutionId) {
		this.throttles.remove(jobExecutionId);
		this.inDoubt.remove(jobExecutionId);
		this.claims.remove(jobExecutionId);
		DryRunSink sink = this.dryRunSinks.remove(jobExecutionId);
		if (sink != null) {
			sink.close();
		}
	}

	private static RateLimiter rate(double perSecond) {
		return perSecond <= 0 ? RateLimiter.UNLIMITED : new RateLimiter(perSecond, System::nanoTime, Sleeper.THREAD);
	}

}
