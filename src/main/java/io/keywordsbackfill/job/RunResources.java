package io.keywordsbackfill.job;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.keywordsbackfill.delivery.AdaptiveConcurrencyLimit;
import io.keywordsbackfill.delivery.DeliveryThrottle;
import io.keywordsbackfill.delivery.DryRunSink;
import io.keywordsbackfill.delivery.InDoubtLogs;
import io.keywordsbackfill.delivery.InDoubtReconciler;
import io.keywordsbackfill.delivery.KeywordsAiHttp;
import io.keywordsbackfill.delivery.KeywordsAiProperties;
import io.keywordsbackfill.delivery.Ledger;
import io.keywordsbackfill.delivery.LogSink;
import io.keywordsbackfill.delivery.PendingDeliveries;
import io.keywordsbackfill.delivery.RateLimiter;
import io.keywordsbackfill.delivery.RetryPolicy;
import io.keywordsbackfill.delivery.Sleeper;
import io.keywordsbackfill.delivery.SourceCopy;
import io.keywordsbackfill.delivery.StoppableSleeper;
import io.keywordsbackfill.delivery.StoredLogs;
import io.keywordsbackfill.pricing.PriceCatalog;
import io.keywordsbackfill.source.BatchInputIndexes;

/**
 * What the partitions of one running job execution share: the {@link DeliveryThrottle}, so rate limits and
 * the concurrency limit hold for the run as a whole, a dry run's output file, so their request bodies do
 * not interleave, and the logs killed runs left in doubt, reconciled once before any partition sends. (Not
 * job-scoped beans: partition and delivery threads have no job scope to resolve them in.)
 */
@Component
public class RunResources {

	private final BackfillProperties properties;

	private final Map<Long, DeliveryThrottle> throttles = new ConcurrentHashMap<>();

	private final Map<Long, DryRunSink> dryRunSinks = new ConcurrentHashMap<>();

	private final Map<Long, BatchInputIndexes> batchInputIndexes = new ConcurrentHashMap<>();

	private final Map<Long, InDoubtOnce> inDoubt = new ConcurrentHashMap<>();

	private final Map<Long, ConcurrentMap<String, SourceCopy>> claims = new ConcurrentHashMap<>();

	private final Map<Long, AtomicBoolean> serverAnswered = new ConcurrentHashMap<>();

	private final Map<Long, StoppableSleeper> retryWaits = new ConcurrentHashMap<>();

	private final Map<Long, PriceCatalog> priceCatalogs = new ConcurrentHashMap<>();

	private final PendingDeliveries pending;

	private final Ledger ledger;

	private final KeywordsAiProperties keywordsAi;

	private final KeywordsAiHttp http;

	private final TransactionTemplate ownTransaction;

	RunResources(BackfillProperties properties, PendingDeliveries pending, Ledger ledger,
			KeywordsAiProperties keywordsAi, KeywordsAiHttp http, PlatformTransactionManager transactionManager) {
		this.properties = properties;
		this.pending = pending;
		this.ledger = ledger;
		this.keywordsAi = keywordsAi;
		this.http = http;
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * The logs that killed executions left in flight, with what Keywords AI said of them, found once per run and
	 * shared by its partitions: the first partition asks (with {@code backfill.in-doubt=reconcile}), the others
	 * wait for its answer, so that none sends a log in doubt before it is settled.
	 * @param ask false for a dry run, which sends nothing and asks nothing
	 */
	InDoubtLogs inDoubt(long jobExecutionId, boolean ask) throws InterruptedException {
		return this.inDoubt.computeIfAbsent(jobExecutionId, id -> new InDoubtOnce()).get(() -> {
			StoredLogs storedLogs = ask ? storedLogs() : null;
			String fallback = this.properties.reconcile().fallback().name().toLowerCase(Locale.ROOT);
			return new InDoubtReconciler(this.pending, this.ledger, this.ownTransaction, storedLogs, fallback)
				.reconcile(jobExecutionId);
		});
	}

	/**
	 * How a run asks Keywords AI which logs it stores, with {@code backfill.in-doubt=reconcile}; null otherwise or
	 * without an API key (a dry run).
	 */
	StoredLogs storedLogs() {
		if (this.properties.inDoubt() != BackfillProperties.InDoubt.RECONCILE || !this.keywordsAi.hasApiKey()) {
			return null;
		}
		return new StoredLogs(this.keywordsAi, this.http.client(), RetryPolicy.of(this.keywordsAi.retry()),
				Sleeper.THREAD, this.properties.reconcile().settleTime());
	}

	/**
	 * The source ids the run's partitions are delivering at this moment (at most a chunk per partition), so that
	 * two partitions never send one id at once, with the copy each sends.
	 */
	ConcurrentMap<String, SourceCopy> claims(long jobExecutionId) {
		return this.claims.computeIfAbsent(jobExecutionId, id -> new ConcurrentHashMap<>());
	}

	/**
	 * Whether Keywords AI has answered a request of the run: until it has, a connection that cannot be made
	 * stops the run (see {@link io.keywordsbackfill.delivery.KeywordsAiClient}).
	 */
	AtomicBoolean serverAnswered(long jobExecutionId) {
		return this.serverAnswered.computeIfAbsent(jobExecutionId, id -> new AtomicBoolean());
	}

	/** The run's retry waits, which {@link #stop} cuts short. */
	StoppableSleeper retryWaits(long jobExecutionId) {
		return this.retryWaits.computeIfAbsent(jobExecutionId, id -> new StoppableSleeper());
	}

	/** Ends the run's retry waits, so that a stop does not wait for them: the chunk ends STOPPED at once. */
	void stop(long jobExecutionId) {
		retryWaits(jobExecutionId).stop();
	}

	/** The run's throttle, made with {@code limits} by the first partition of the run that asks. */
	DeliveryThrottle forRun(long jobExecutionId, RunLimits limits) {
		return this.throttles.computeIfAbsent(jobExecutionId, id -> new DeliveryThrottle(rate(limits.logsPerSecond()),
				rate(limits.requestsPerSecond()), new AdaptiveConcurrencyLimit(limits.concurrency(), 1,
						limits.maxConcurrency(), this.properties.adaptiveConcurrency(), System::nanoTime)));
	}

	/** The run's prices: the shipped catalog with the run's own price file over it, or {@code process}'s. */
	PriceCatalog priceCatalog(long jobExecutionId, RunSettings settings, PriceCatalog process) {
		if (settings.pricesFile() == null) {
			return process;
		}
		return this.priceCatalogs.computeIfAbsent(jobExecutionId, id -> PriceCatalog.load(settings.pricesFile()));
	}

	/** The run's dry-run output; partitions must not close it (the end of the run does). */
	LogSink dryRunSink(long jobExecutionId, Path file) {
		DryRunSink sink = this.dryRunSinks.computeIfAbsent(jobExecutionId, id -> new DryRunSink(file));
		return sink::send;
	}

	/** The run's Batch input indexes, built once per input file whatever the number of partitions joining with it. */
	BatchInputIndexes batchInputIndexes(long jobExecutionId) {
		return this.batchInputIndexes.computeIfAbsent(jobExecutionId, id -> new BatchInputIndexes());
	}

	/** Forgets what the partitions of a run shared: the end of the run, or of its last partition on a worker. */
	public void finished(long jobExecutionId) {
		BatchInputIndexes indexes = this.batchInputIndexes.remove(jobExecutionId);
		if (indexes != null) {
			indexes.close();
		}
		this.throttles.remove(jobExecutionId);
		this.inDoubt.remove(jobExecutionId);
		this.claims.remove(jobExecutionId);
		this.serverAnswered.remove(jobExecutionId);
		this.retryWaits.remove(jobExecutionId);
		this.priceCatalogs.remove(jobExecutionId);
		DryRunSink sink = this.dryRunSinks.remove(jobExecutionId);
		if (sink != null) {
			sink.close();
		}
	}

	/** A value computed by the first caller while the others wait for it. */
	private static final class InDoubtOnce {

		private InDoubtLogs logs;

		synchronized InDoubtLogs get(Computation computation) throws InterruptedException {
			if (this.logs == null) {
				this.logs = computation.compute();
			}
			return this.logs;
		}

	}

	@FunctionalInterface
	private interface Computation {

		InDoubtLogs compute() throws InterruptedException;

	}

	private static RateLimiter rate(double perSecond) {
		return perSecond <= 0 ? RateLimiter.UNLIMITED : new RateLimiter(perSecond, System::nanoTime, Sleeper.THREAD);
	}

}
