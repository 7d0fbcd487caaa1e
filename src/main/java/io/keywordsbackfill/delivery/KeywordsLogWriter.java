package io.keywordsbackfill.delivery;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.batch.core.job.JobInterruptedException;
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
import io.keywordsbackfill.record.SourcePosition;

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

	/** Source ids that the run's partitions are delivering now, with the copy each sends (shared, thread-safe). */
	private final ConcurrentMap<String, SourceCopy> claims;

	/** The ids this partition took last, with their copies: repeats within a partition need no database. */
	private final RecentCopies recent = new RecentCopies(RECENT_IDS);

	private final DeliveryOptions options;

	private final long jobInstanceId;

	private final long jobExecutionId;

	private final long stepExecutionId;

	/** About 5 MB, allocated once per partition; far enough back for repeats inside one export. */
	static final int RECENT_IDS = 100_000;

	/**
	 * @param counters where the sink reports requests, retries and waits; drained into each chunk's statistics
	 * @param events told what each delivered chunk did (for metrics); {@link DeliveryEvents#NONE} for nothing
	 * @param throttle the run's rate and concurrency limits, shared by its partitions
	 * @param inDoubtSource gives the logs killed executions left in flight, with what reconciliation found, shared
	 * by the run's partitions (handled ones are taken out); called once, when the step opens
	 */
	public KeywordsLogWriter(Ledger ledger, PendingDeliveries pending, RejectStore rejects, StepStatsStore stats,
			LogSink sink, DeliveryCounters counters, DeliveryEvents events, TransactionTemplate ownTransaction,
			ExecutorService executor, DeliveryThrottle throttle, Callable<InDoubtLogs> inDoubtSource,
			ConcurrentMap<String, SourceCopy> claims, DeliveryOptions options, long jobInstanceId, long jobExecutionId,
			long stepExecutionId) {
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
		this.jobInstanceId = jobInstanceId;
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
		List<MappedLog> mapped = new ArrayList<>(chunk.size());
		long outsideWindow = 0;
		for (ProcessedItem item : chunk) {
			if (item instanceof MappedLog log) {
				mapped.add(log);
			}
			else if (item instanceof RejectedRecord rejected) {
				unsendable.add(rejected);
			}
			else if (item instanceof OutsideWindow) {
				outsideWindow++;
			}
		}
		// Encoded once, before the ledger is asked: the content hash tells a repeated record from another one
		// under the same id, and the same bytes are sent.
		List<LogJson.EncodedLog> encoded = LogJson.encode(mapped.stream().map(MappedLog::log).toList());
		Repeats repeats = new Repeats(unsendable);
		// The first copy of each id in the chunk goes on; further copies are judged against the copy that is
		// delivered, which is known only once the partition's memory, the other partitions and the ledger are asked.
		Map<String, Candidate> logs = new LinkedHashMap<>();
		List<Candidate> laterCopies = new ArrayList<>();
		for (int i = 0; i < mapped.size(); i++) {
			Candidate candidate = new Candidate(mapped.get(i), encoded.get(i));
			if (logs.putIfAbsent(candidate.sourceId(), candidate) != null) {
				laterCopies.add(candidate);
			}
		}
		Map<String, SourceCopy> delivered = new HashMap<>();
		for (Candidate candidate : logs.values()) {
			delivered.put(candidate.sourceId(), candidate.copy());
		}
		for (Iterator<Candidate> it = logs.values().iterator(); it.hasNext();) {
			Candidate candidate = it.next();
			SourceCopy earlier = this.recent.find(candidate.sourceId());
			if (earlier != null) {
				it.remove();
				repeats.of(candidate, earlier);
				delivered.put(candidate.sourceId(), earlier);
			}
		}
		List<String> claimed = claim(logs, repeats, delivered);
		try {
			deliver(chunk.size(), logs, laterCopies, delivered, repeats, outsideWindow);
		}
		catch (DeliveryStoppedException ex) {
			// what Spring Batch takes for a stop: the step ends STOPPED (restartable), not FAILED
			throw new JobInterruptedException(ex.getMessage());
		}
		finally {
			claimed.forEach(this.claims::remove);
		}
	}

	/**
	 * Claims the chunk's source ids for this partition while it delivers them; an id another partition of the run
	 * holds (the same call in another file of the run, read at the same moment) is a repeat of that partition's copy,
	 * as a repeat within a partition is. Without this, both found the id in neither the ledger nor their chunk, and
	 * both sent it. Claimed before the ledger is asked, so that an id whose claim another partition has released is
	 * found there: the ids a batch had accepted are committed to the ledger before its partition lets them go.
	 * @return the ids claimed, to release after delivery
	 */
	private List<String> claim(Map<String, Candidate> logs, Repeats repeats, Map<String, SourceCopy> delivered) {
		List<String> claimed = new ArrayList<>(logs.size());
		for (Iterator<Candidate> it = logs.values().iterator(); it.hasNext();) {
			Candidate candidate = it.next();
			SourceCopy holder = this.claims.putIfAbsent(candidate.sourceId(), candidate.copy());
			if (holder == null) {
				claimed.add(candidate.sourceId());
			}
			else {
				it.remove();
				repeats.of(candidate, holder);
				delivered.put(candidate.sourceId(), holder);
			}
		}
		return claimed;
	}

	/**
	 * @param logs the first copy of each id, not known to the partition or held by another one
	 * @param laterCopies further copies of ids of the chunk
	 * @param delivered for each id of the chunk, the copy delivered (the chunk's first, or an earlier one)
	 */
	private void deliver(int records, Map<String, Candidate> logs, List<Candidate> laterCopies,
			Map<String, SourceCopy> delivered, Repeats repeats, long outsideWindow) throws Exception {
		List<RejectedRecord> unsendable = repeats.rejects;
		long alreadySent = 0;
		Set<String> sentByOtherRuns = Set.of();
		long reconciled = 0;
		if (!options.resend() && !logs.isEmpty()) {
			Ledger.Lookup found = ledger.lookup(logs.keySet(), jobInstanceId);
			sentByOtherRuns = found.byOtherRuns();
			alreadySent = sentByOtherRuns.size();
			logs.keySet().removeAll(sentByOtherRuns);
			if (!inDoubt.isEmpty()) {
				// reconciliation put the logs it found stored in the ledger: they are already sent, and counted so
				reconciled = sentByOtherRuns.stream().filter(id -> inDoubt.take(id) == StoredLogs.Verdict.STORED).count();
			}
			for (Map.Entry<String, SourceCopy> sent : found.byThisRun().entrySet()) {
				Candidate candidate = logs.remove(sent.getKey());
				delivered.put(sent.getKey(), sent.getValue());
				if (sent.getValue().isAt(candidate.mapped().position())) {
					alreadySent++; // this very record, sent by an earlier execution of the run before a restart
				}
				else {
					repeats.of(candidate, sent.getValue());
				}
			}
		}
		for (Candidate later : laterCopies) {
			if (sentByOtherRuns.contains(later.sourceId())) {
				alreadySent++;
			}
			else {
				repeats.of(later, delivered.get(later.sourceId()));
			}
		}
		for (Map.Entry<String, SourceCopy> copy : delivered.entrySet()) {
			if (!sentByOtherRuns.contains(copy.getKey())) {
				this.recent.add(copy.getKey(), copy.getValue().contentHash(), copy.getValue().position());
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
					MappedLog mapped = logs.remove(sourceId).mapped();
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
				cost, unpriced, withoutTiming, inDoubtResent, outsideWindow, reconciled + requestCounts[3], leftInDoubt,
				repeats.duplicates);
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
	private List<BatchOutcome> sendAll(List<Candidate> logs) throws Exception {
		if (logs.isEmpty()) {
			return List.of();
		}
		Map<String, Candidate> bySourceId = new HashMap<>();
		List<OutgoingLog> outgoing = new ArrayList<>(logs.size());
		for (Candidate candidate : logs) {
			bySourceId.put(candidate.sourceId(), candidate);
			KeywordsLog log = candidate.mapped().log();
			outgoing.add(new OutgoingLog(candidate.sourceId(), candidate.encoded().json(), log.customIdentifier(),
					log.timestamp()));
		}
		List<List<OutgoingLog>> batches = BatchCutter.cut(outgoing, options.maxBatchLogs(), options.maxBatchBytes());
		List<Future<BatchOutcome>> futures = new ArrayList<>(batches.size());
		// The delivery threads log retries and splits: give them the run's log context (run, job, file).
		Map<String, String> logContext = MDC.getCopyOfContextMap();
		for (List<OutgoingLog> batch : batches) {
			List<Candidate> batchLogs = batch.stream().map(o -> bySourceId.get(o.sourceId())).toList();
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
				// A fatal failure (bad key) explains the run better than a stop, and a stop better than a transient one.
				if (failure == null || cause instanceof FatalDeliveryException
						|| (cause instanceof DeliveryStoppedException && !(failure instanceof FatalDeliveryException))) {
					failure = cause;
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
		return outcomes;
	}

	private BatchOutcome sendOne(List<Candidate> logs, List<OutgoingLog> batch) throws InterruptedException {
		counters.rateLimited(throttle.acquire(batch.size()));
		try {
			return sendAcquired(logs, batch);
		}
		finally {
			throttle.release();
		}
	}

	private BatchOutcome sendAcquired(List<Candidate> logs, List<OutgoingLog> batch) {
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
					accepted.add(new Ledger.AcceptedLog(ids.get(i), results.get(i).logId(), logs.get(i).copy()));
				}
			}
			ownTransaction.executeWithoutResult(status -> {
				ledger.recordAccepted(jobExecutionId, jobInstanceId, accepted);
				pending.clear(marker);
			});
		}
		return new BatchOutcome(logs.stream().map(Candidate::mapped).toList(), results);
	}

	/** Closes the sink (its HTTP connections, or the dry-run file) at the end of the step. */
	@Override
	public void close() {
		sink.close();
	}

	private record BatchOutcome(List<MappedLog> logs, List<LogResult> results) {
	}

	/** A log of the chunk with its encoded bytes and the copy it is (content hash, place). */
	private record Candidate(MappedLog mapped, LogJson.EncodedLog encoded) {

		String sourceId() {
			return this.mapped.sourceId();
		}

		SourceCopy copy() {
			return new SourceCopy(this.encoded.contentHash(), this.mapped.position());
		}

	}

	/**
	 * The one rule for a source id seen again in a run, in one file or across files: the same content is counted
	 * once, as a duplicate in the source; different content is a {@code DUPLICATE_SOURCE_ID} reject of the later
	 * copy, naming both places.
	 */
	private static final class Repeats {

		private final List<RejectedRecord> rejects;

		private long duplicates;

		Repeats(List<RejectedRecord> rejects) {
			this.rejects = rejects;
		}

		void of(Candidate later, SourceCopy earlier) {
			if (later.copy().contentHash() == earlier.contentHash()) {
				this.duplicates++;
				return;
			}
			SourcePosition first = earlier.position();
			this.rejects.add(new RejectedRecord(later.mapped().position(), later.sourceId(),
					RejectReason.DUPLICATE_SOURCE_ID,
					"source id " + later.sourceId() + " was read earlier in this run at " + first.file() + ":"
							+ first.line() + " with different content; that copy is the one delivered, this one at "
							+ later.mapped().position() + " was not sent",
					new String(later.encoded().json(), StandardCharsets.UTF_8)));
		}

	}

}
