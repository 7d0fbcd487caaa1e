package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Turns delivery events into Micrometer meters, then passes every event on to a delegate (the run's
 * {@link DeliveryCounters}). Every meter carries the tag {@code job}:
 * <ul>
 * <li>counters {@code backfill.records.read}, {@code backfill.logs.sent}, {@code backfill.logs.already_sent},
 * {@code backfill.records.rejected} (tag {@code reason}), {@code backfill.records.outside_window},
 * {@code backfill.batches}, {@code backfill.batches.split} (tag {@code status}), {@code backfill.retries} (tag
 * {@code reason}), {@code backfill.cost.usd};</li>
 * <li>timers {@code backfill.request.latency} (tag {@code status}) and {@code backfill.retry.wait} (tag
 * {@code reason}).</li>
 * </ul>
 * Record counts are added per delivered chunk, so they agree with {@code backfill_step_stats}; request, retry
 * and latency meters move as the requests happen. A dry run counts what it would send. Thread-safe.
 */
public class MetricsDeliveryEvents implements DeliveryEvents {

	private final DeliveryEvents delegate;

	private final MeterRegistry registry;

	private final String job;

	private final Counter recordsRead;

	private final Counter sent;

	private final Counter alreadySent;

	private final Counter outsideWindow;

	private final Counter batches;

	private final Counter costUsd;

	/**
	 * @param delegate receives every event after the meters were updated; {@link DeliveryEvents#NONE} for none
	 * @param registry where the meters live
	 * @param job the value of the {@code job} tag (the job or job definition name)
	 */
	public MetricsDeliveryEvents(DeliveryEvents delegate, MeterRegistry registry, String job) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.registry = Objects.requireNonNull(registry, "registry");
		this.job = Objects.requireNonNull(job, "job");
		this.recordsRead = Counter.builder("backfill.records.read")
			.description("Records read from the source files and delivered as logs or rejects")
			.tag("job", job)
			.register(registry);
		this.sent = Counter.builder("backfill.logs.sent")
			.description("Logs accepted by Keywords AI")
			.tag("job", job)
			.register(registry);
		this.alreadySent = Counter.builder("backfill.logs.already_sent")
			.description("Logs not sent because the ledger shows them accepted before")
			.tag("job", job)
			.register(registry);
		this.outsideWindow = Counter.builder("backfill.records.outside_window")
			.description("Records not sent because their time is outside the run's import window")
			.tag("job", job)
			.register(registry);
		this.batches = Counter.builder("backfill.batches")
			.description("Batches delivered to Keywords AI")
			.tag("job", job)
			.register(registry);
		this.costUsd = Counter.builder("backfill.cost.usd")
			.description("Cost of the logs sent, in US dollars")
			.baseUnit("usd")
			.tag("job", job)
			.register(registry);
	}

	@Override
	public void requestCompleted(int statusCode, Duration latency) {
		Timer.builder("backfill.request.latency")
			.description("Time of one batch request to Keywords AI, by HTTP status")
			.tags("job", job, "status", String.valueOf(statusCode))
			.register(registry)
			.record(latency);
		delegate.requestCompleted(statusCode, latency);
	}

	@Override
	public void retryScheduled(String reason, Duration wait) {
		Counter.builder("backfill.retries")
			.description("Batch requests retried, by HTTP status or error class")
			.tags("job", job, "reason", reason)
			.register(registry)
			.increment();
		Timer.builder("backfill.retry.wait")
			.description("Time waited before retrying a batch request")
			.tags("job", job, "reason", reason)
			.register(registry)
			.record(wait);
		delegate.retryScheduled(reason, wait);
	}

	@Override
	public void foundStored(int count) {
		delegate.foundStored(count);
	}

	@Override
	public void batchSplit(int statusCode, int size) {
		Counter.builder("backfill.batches.split")
			.description("Batches split in two to isolate the logs Keywords AI refused")
			.tags("job", job, "status", String.valueOf(statusCode))
			.register(registry)
			.increment();
		delegate.batchSplit(statusCode, size);
	}

	@Override
	public void chunkDelivered(int records, ChunkStats stats, Map<String, Long> rejectedByReason) {
		recordsRead.increment(records);
		sent.increment(stats.sent());
		alreadySent.increment(stats.alreadySent());
		outsideWindow.increment(stats.outsideWindow());
		batches.increment(stats.batches());
		costUsd.increment(stats.costUsd().doubleValue());
		rejectedByReason.forEach((reason, count) -> Counter.builder("backfill.records.rejected")
			.description("Records not delivered, by reason code")
			.tags("job", job, "reason", reason)
			.register(registry)
			.increment(count));
		delegate.chunkDelivered(records, stats, rejectedByReason);
	}

}
