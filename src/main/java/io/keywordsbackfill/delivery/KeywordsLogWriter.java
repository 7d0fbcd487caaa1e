package io.keywordsbackfill.delivery;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.transaction.support.TransactionTemplate;

import io.keywordsbackfill.mapping.KeywordsLog;
import io.keywordsbackfill.mapping.LogJson;
import io.keywordsbackfill.mapping.MappedLog;
import io.keywordsbackfill.mapping.OutsideWindow;
import io.keywordsbackfill.mapping.ProcessedItem;
import io.keywordsbackfill.mapping.RejectedRecord;
import io.keywordsbackfill.record.RejectReason;

/**
 * Delivers one chunk: drops what the ledger says was already accepted, sends the rest in batches, and
 * records per-log outcomes. Records outside the import window ({@link OutsideWindow}) are only counted.
 * <p>
 * It never throws for a single bad record, so the step never falls into Spring Batch's scan mode (which
 * would resend every good record of the chunk one by one). It throws only when a whole request failed:
 * {@link FatalDeliveryException} (bad key: stop) or {@link TransientDeliveryException} (retries exhausted:
 * fail, restartable).
 * <p>
 * Ledger rows are committed per batch as soon as Keywords AI answers, in their own transaction, together
 * with the removal of the batch's in-flight markers; so a failure later in the chunk, or a kill before the
 * chunk commits, cannot make a restart send an accepted log again. Counters, rejects and the reader
 * position commit with the chunk.
 */
public class KeywordsLogWriter implements ItemWriter<ProcessedItem>, ItemStream {

	private static final Logger log = LoggerFactory.getLogger(KeywordsLogWriter.class);

	private final Ledger ledger;

	private final PendingDeliveries pending;

	private final RejectStore rejects;

	private final StepStatsStore stats;

	private final LogSink sink;

	private final DeliveryCounters counters;

	private final DeliveryEvents events;

	private final TransactionTemplate ownTransaction;

	private final ExecutorService executor;

	private final DeliveryThrottle throttle;

	/** Finds the logs that killed executions left in flight (see {@link InDoubtReconciler}) when the step opens. */
	private final Callable<InDoubtLogs> inDoubtSource;

	/** Logs that killed executions left in flight, shared by the run's partitions; set by {@link #open}. */
	private InDoubtLogs inDoubt = new InDoubtLogs(Map.of());

	/** Source ids that the run's partitions are delivering now (shared, thread-safe). */
	private final Set<String> claims;

	private final DeliveryOptions options;

	private final long jobExecutionId;

	private final long stepExecutionId;

	/**
	 * @param counters where the sink reports requests, retries and waits; drained into each chunk's statistics
	 * @param events told what each delivered chunk did (for metrics); {@link DeliveryEvents#NONE} for nothing
	 * @param throttle the run's rate and concurrency limits, shared by its partitions
	 * @param inDoubtSource gives the logs killed executions left in flight, with what reconciliation found, shared
	 * by the run's partitions (handled ones are taken out); called once, when the step opens
	 */
	public KeywordsLogWriter(Ledger ledger, PendingDeliveries pending, RejectStore rejects, StepStatsStore stats,
			LogSink sink, DeliveryCounters counters, DeliveryEvents events, TransactionTemplate ownTransaction,
			ExecutorService executor, DeliveryThrottle throttle, Callable<InDoubtLogs> inDoubtSource, Set<String> claims,
			DeliveryOptions options, long jobExecutionId, long stepExecutionId) {
		this.ledger = ledger;
		this.pending = pending;
		this.rejects = rejects;
		this.stats = stats;
		this.sink = sink;
		this.counters = counters;
		this.events = events;
		this.ownTransaction = ownTransaction;
		this.executor = executor;
		this.inDoubtSource = inDoubtSource;
		this.claims = claims;
		this.throttle = throttle;
		this.options = options;
		this.jobExecutionId = jobExecutionId;
		this.stepExecutionId = stepExecutionId;
	}

	/** Settles the logs in doubt before the first chunk, so that a failure to do so fails the step (restartable). */
	@Override
	public void open(ExecutionContext executionContext) {
		try {
			this.inDoubt = this.inDoubtSource.call();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ItemStreamException("Interrupted while reconciling the logs a killed run left in flight", ex);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new ItemStreamException("Could not reconcile the logs a killed run left in flight", ex);
		}
	}

	@Override
	public void write(Chunk<? extends ProcessedItem> chunk) throws Exception {
		List<RejectedRecord> unsendable = new ArrayList<>();
		Map<String, MappedLog> logs = new LinkedHashMap<>();
		long outsideWindow = 0;
		for (ProcessedItem item : chunk) {
			if (item instanceof MappedLog mapped) {
				if (logs.putIfAbsent(mapped.sourceId(), mapped) != null) {
					// never two logs under one id in a request: the ledger could not tell them apart
					unsendable.add(new RejectedRecord(mapped.position(), mapped.sourceId(), RejectReason.DUPLICATE_SOURCE_ID,
							"the same source id appears earlier in this chunk", LogJson.toJson(mapped.log())));
				}
			}
			else if (item instanceof RejectedRecord rejected) {
				unsendable.add(rejected);
			}
			else if (item instanceof OutsideWindow) {
				outsideWindow++;
			}
		}
		List<String> claimed = claim(logs, unsendable);
		try {
			deliver(chunk.size(), logs, unsendable, outsideWindow);
		}
		finally {
			claimed.forEach(this.claims::remove);
		}
	}

	/**
	 * Claims the chunk's source ids for this partition while it delivers them; an id another partition of the run
	 * holds (the same call in another file of the run, read at the same moment) becomes a
	 * {@code DUPLICATE_SOURCE_ID} reject, as a repeat within a partition does: the other partition sends or rejects
	 * its copy. Without this, both found the id in neither the ledger nor their chunk, and both sent it. Claimed
	 * before the ledger is asked, so that an id whose claim another partition has released is found there: the
	 * ids a batch had accepted are committed to the ledger before its partition lets them go.
	 * @return the ids claimed, to release after delivery
	 */
	private List<String> claim(Map<String, MappedLog> logs, List<RejectedRecord> unsendable) {
		List<String> claimed = new ArrayList<>(logs.size());
		for (Iterator<MappedLog> it = logs.values().iterator(); it.hasNext();) {
			MappedLog mapped = it.next();
			if (this.claims.add(mapped.sourceId())) {
				claimed.add(mapped.sourceId());
			}
			else {
				it.remove();
				unsendable.add(new RejectedRecord(mapped.position(), mapped.sourceId(), RejectReason.DUPLICATE_SOURCE_ID,
						"the same source id is being sent by another partition of this run (another file holds it too)",
						LogJson.toJson(mapped.log())));
			}
		}
		return claimed;
	}

	private void deliver(int records, Map<String, MappedLog> logs, List<RejectedRecord> unsendable, long outsideWindow)
			throws Exception {
		long alreadySent = 0;
		long reconciled = 0;
		if (!options.resend() && !logs.isEmpty()) {
			Set<String> accepted = ledger.findAccepted(logs.keySet());
			alreadySent = accepted.size();
			logs.keySet().removeAll(accepted);
			if (!inDoubt.isEmpty()) {
				// reconciliation put the logs it found stored in the ledger: they are already sent, and counted so
				reconciled = accepted.stream().filter(id -> inDoubt.take(id) == StoredLogs.Verdict.STORED).count();
			}
		}
		long inDoubtResent = 0;
		long leftInDoubt = 0;
		if (!options.dryRun() && !logs.isEmpty() && !inDoubt.isEmpty()) {
			List<String> unknown = new ArrayList<>();
			for (String sourceId : logs.keySet()) {
				StoredLogs.Verdict verdict = inDoubt.take(sourceId);
				if (verdict == StoredLogs.Verdict.NOT_STORED) {
					inDoubtResent++;
				}
				else if (verdict == StoredLogs.Verdict.UNKNOWN) {
					unknown.add(sourceId);
				}
			}
			if (options.resendInDoubt()) {
				// Nothing says whether they arrived: sending them again loses none, at the price of a duplicate
				// for each one that did (at most the batches that were in flight when the process died).
				inDoubtResent += unknown.size();
				if (!unknown.isEmpty()) {
					log.warn("Sending again {} log(s) that a killed run had in flight; those it had stored become duplicates",
							unknown.size());
				}
			}
			else {
				leftInDoubt = unknown.size();
				for (String sourceId : unknown) {
					MappedLog mapped = logs.remove(sourceId);
					unsendable.add(new RejectedRecord(mapped.position(), sourceId, RejectReason.IN_DOUBT,
							"an earlier run was stopped while this log was in flight; it may already be stored in Keywords AI, "
									+ "so it was not sent again (check, then 'replay' it if it is missing)",
							LogJson.toJson(mapped.log())));
				}
			}
		}

		List<BatchOutcome> outcomes = sendAll(new ArrayList<>(logs.values()));

		List<RejectedRecord> apiRejects = new ArrayList<>();
		long sent = 0;
		long promptTokens = 0;
		long completionTokens = 0;
		long unpriced = 0;
		long withoutTiming = 0;
		BigDecimal cost = BigDecimal.ZERO;
		Map<Integer, List<RejectedRecord>> rejectsByStatus = new HashMap<>();
		Map<String, StepStatsStore.ModelStats> models = new TreeMap<>();
		for (BatchOutcome outcome : outcomes) {
			for (int i = 0; i < outcome.logs().size(); i++) {
				MappedLog mapped = outcome.logs().get(i);
				LogResult result = outcome.results().get(i);
				if (result.accepted()) {
					sent++;
					KeywordsLog payload = mapped.log();
					StepStatsStore.ModelStats model = models.computeIfAbsent(
							payload.model() == null ? "(none)" : payload.model(), m -> new StepStatsStore.ModelStats());
					model.logs++;
					model.promptTokens += payload.promptTokens() == null ? 0 : payload.promptTokens();
					model.completionTokens += payload.completionTokens() == null ? 0 : payload.completionTokens();
					model.costUsd = payload.cost() == null ? model.costUsd : model.costUsd.add(payload.cost());
					model.unpriced += mapped.pricing() == MappedLog.PricingOutcome.UNPRICED ? 1 : 0;
					promptTokens += payload.promptTokens() == null ? 0 : payload.promptTokens();
					completionTokens += payload.completionTokens() == null ? 0 : payload.completionTokens();
					cost = payload.cost() == null ? cost : cost.add(payload.cost());
					unpriced += mapped.pricing() == MappedLog.PricingOutcome.UNPRICED ? 1 : 0;
					withoutTiming += payload.generationTimeSeconds() == null ? 1 : 0;
				}
				else {
					RejectedRecord reject = new RejectedRecord(mapped.position(), mapped.sourceId(),
							RejectReason.API_REJECTED, result.message(), LogJson.toJson(mapped.log()));
					apiRejects.add(reject);
					rejectsByStatus.computeIfAbsent(result.statusCode(), s -> new ArrayList<>()).add(reject);
				}
			}
		}
		rejects.save(jobExecutionId, stepExecutionId, unsendable, null);
		rejectsByStatus.forEach((status, list) -> rejects.save(jobExecutionId, stepExecutionId, list, status));
		stats.addModels(jobExecutionId, stepExecutionId, models);
		long[] requestCounts = counters.drain();
		ChunkStats chunkStats = new ChunkStats(sent, alreadySent, unsendable.size() + apiRejects.size(),
				outcomes.size(), requestCounts[0], requestCounts[1], requestCounts[2], promptTokens, completionTokens,
				cost, unpriced, withoutTiming, inDoubtResent, outsideWindow, reconciled + requestCounts[3], leftInDoubt);
		stats.add(stepExecutionId, chunkStats);
		Map<String, Long> rejectedByReason = new TreeMap<>();
		for (RejectedRecord reject : unsendable) {
			rejectedByReason.merge(reject.reason().code(), 1L, Long::sum);
		}
		if (!apiRejects.isEmpty()) {
			rejectedByReason.merge(RejectReason.API_REJECTED.code(), (long) apiRejects.size(), Long::sum);
		}
		events.chunkDelivered(records, chunkStats, rejectedByReason);
		if (!apiRejects.isEmpty()) {
			log.warn("Keywords AI rejected {} log(s) of this chunk; see 'rejects {}'", apiRejects.size(),
					jobExecutionId);
		}
	}

	/** Sends the logs in batches, up to {@code concurrency} at a time, and returns the outcomes in order. */
	private List<BatchOutcome> sendAll(List<MappedLog> logs) throws Exception {
		if (logs.isEmpty()) {
			return List.of();
		}
		Map<String, MappedLog> bySourceId = new HashMap<>();
		List<OutgoingLog> outgoing = new ArrayList<>(logs.size());
		List<byte[]> json = LogJson.toJsonBytes(logs.stream().map(MappedLog::log).toList());
		for (int i = 0; i < logs.size(); i++) {
			MappedLog mapped = logs.get(i);
			bySourceId.put(mapped.sourceId(), mapped);
			outgoing.add(new OutgoingLog(mapped.sourceId(), json.get(i), mapped.log().customIdentifier(),
					mapped.log().timestamp()));
		}
		List<List<OutgoingLog>> batches = BatchCutter.cut(outgoing, options.maxBatchLogs(), options.maxBatchBytes());
		List<Future<BatchOutcome>> futures = new ArrayList<>(batches.size());
		// The delivery threads log retries and splits: give them the run's log context (run, job, file).
		Map<String, String> logContext = MDC.getCopyOfContextMap();
		for (List<OutgoingLog> batch : batches) {
			List<MappedLog> batchLogs = batch.stream().map(o -> bySourceId.get(o.sourceId())).toList();
			futures.add(executor.submit(() -> {
				if (logContext != null) {
					MDC.setContextMap(logContext);
				}
				try {
					return sendOne(batchLogs, batch);
				}
				finally {
					MDC.clear();
				}
			}));
		}
		List<BatchOutcome> outcomes = new ArrayList<>(batches.size());
		Exception failure = null;
		for (Future<BatchOutcome> future : futures) {
			try {
				outcomes.add(future.get());
			}
			catch (ExecutionException ex) {
				Exception cause = ex.getCause() instanceof Exception e ? e : ex;
				// A fatal failure (bad key) explains the run better than a transient one.
				if (failure == null || cause instanceof FatalDeliveryException) {
					failure = cause;
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
		return outcomes;
	}

	private BatchOutcome sendOne(List<MappedLog> logs, List<OutgoingLog> batch) throws InterruptedException {
		counters.rateLimited(throttle.acquire(batch.size()));
		try {
			return sendAcquired(logs, batch);
		}
		finally {
			throttle.release();
		}
	}

	private BatchOutcome sendAcquired(List<MappedLog> logs, List<OutgoingLog> batch) {
		List<String> ids = batch.stream().map(OutgoingLog::sourceId).toList();
		String marker = options.dryRun() ? null
				: ownTransaction.execute(status -> pending.mark(jobExecutionId, batch.stream().map(OutgoingLog::key).toList()));
		List<LogResult> results;
		try {
			results = sink.send(batch);
		}
		catch (RuntimeException ex) {
			if (ex instanceof FatalDeliveryException fatal) {
				throttle.fatal(fatal);
			}
			// The request failed as a whole. Unless an attempt may have reached Keywords AI before its answer was
			// lost, nothing of this batch is stored; if one may have, the marker stays for the restart to reconcile.
			boolean mayBeStored = ex instanceof TransientDeliveryException retriesExhausted && retriesExhausted.mayHaveArrived();
			if (!options.dryRun() && !mayBeStored) {
				ownTransaction.executeWithoutResult(status -> pending.clear(marker));
			}
			throw ex;
		}
		if (results.size() != batch.size()) {
			throw new IllegalStateException("delivery returned " + results.size() + " results for " + batch.size()
					+ " logs");
		}
		if (!options.dryRun()) {
			List<Ledger.AcceptedLog> accepted = new ArrayList<>();
			for (int i = 0; i < batch.size(); i++) {
				if (results.get(i).accepted()) {
					accepted.add(new Ledger.AcceptedLog(ids.get(i), results.get(i).logId()));
				}
			}
			ownTransaction.executeWithoutResult(status -> {
				ledger.recordAccepted(jobExecutionId, accepted);
				pending.clear(marker);
			});
		}
		return new BatchOutcome(logs, results);
	}

	/** Closes the sink (its HTTP connections, or the dry-run file) at the end of the step. */
	@Override
	public void close() {
		sink.close();
	}

	private record BatchOutcome(List<MappedLog> logs, List<LogResult> results) {
	}

}
