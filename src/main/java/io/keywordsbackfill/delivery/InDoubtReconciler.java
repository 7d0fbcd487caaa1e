package io.keywordsbackfill.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import io.keywordsbackfill.delivery.StoredLogs.Verdict;

/**
 * At the start of a run, settles what killed executions left in flight: asks Keywords AI which of those logs it
 * stores ({@link StoredLogs}), records the stored ones in the ledger so that no partition sends them again, and
 * hands the partitions a verdict on each of the rest. Markers stay until the run completes and finds their logs
 * in the ledger ({@link PendingDeliveries#clearSettled}).
 */
public final class InDoubtReconciler {

	private static final Logger log = LoggerFactory.getLogger(InDoubtReconciler.class);

	private final PendingDeliveries pending;

	private final Ledger ledger;

	private final TransactionTemplate transaction;

	private final StoredLogs storedLogs;

	private final String fallback;

	/**
	 * @param storedLogs how to ask Keywords AI, or null not to ask (every log in doubt is then {@code UNKNOWN})
	 * @param fallback the name of what happens to {@code UNKNOWN} logs ({@code resend} or {@code reject}), for the
	 * warning
	 */
	public InDoubtReconciler(PendingDeliveries pending, Ledger ledger, TransactionTemplate transaction,
			StoredLogs storedLogs, String fallback) {
		this.pending = pending;
		this.ledger = ledger;
		this.transaction = transaction;
		this.storedLogs = storedLogs;
		this.fallback = fallback;
	}

	/**
	 * @param jobExecutionId the run starting; its own markers are not in doubt
	 * @throws TransientDeliveryException when Keywords AI could not be asked within the retry budget (the run fails
	 * and can be restarted, rather than send anything twice)
	 */
	public InDoubtLogs reconcile(long jobExecutionId) throws InterruptedException {
		List<PendingDeliveries.PendingBatch> batches = pending.inDoubt(jobExecutionId);
		Map<String, Verdict> verdicts = new HashMap<>();
		List<List<LogKey>> asking = new ArrayList<>();
		for (PendingDeliveries.PendingBatch batch : batches) {
			Set<String> accepted = ledger.findAccepted(batch.logs().stream().map(LogKey::sourceId).toList());
			List<LogKey> open = batch.logs().stream().filter(key -> !accepted.contains(key.sourceId())).toList();
			open.forEach(key -> verdicts.put(key.sourceId(), Verdict.UNKNOWN));
			if (!open.isEmpty()) {
				asking.add(open);
			}
		}
		if (storedLogs == null || asking.isEmpty()) {
			return new InDoubtLogs(verdicts);
		}
		int logs = verdicts.size();
		StoredLogs.Answer answer;
		try {
			answer = storedLogs.check(asking);
		}
		catch (LogListUnavailableException ex) {
			log.warn("Cannot reconcile {} log(s) in doubt of {} batch(es) a killed run left in flight: {}. They fall "
					+ "back to backfill.reconcile.fallback={}{}", logs, asking.size(), ex.getMessage(), fallback,
					"resend".equals(fallback) ? " (sent again: each one that had arrived becomes a duplicate)"
							: " (set aside as in_doubt rejects: check them, then 'replay')");
			return new InDoubtLogs(verdicts);
		}
		List<Ledger.AcceptedLog> stored = new ArrayList<>();
		answer.verdicts().forEach((sourceId, verdict) -> {
			verdicts.put(sourceId, verdict);
			if (verdict == Verdict.STORED) {
				stored.add(new Ledger.AcceptedLog(sourceId, answer.logIds().get(sourceId)));
			}
		});
		transaction.executeWithoutResult(status -> ledger.recordAccepted(jobExecutionId, stored));
		long unknown = answer.count(Verdict.UNKNOWN);
		log.info("Reconciled {} log(s) in doubt of {} batch(es) a killed run left in flight: {} stored in Keywords AI "
				+ "(not sent again), {} not found (sent again), {} could not be looked up", logs, asking.size(),
				stored.size(), answer.count(Verdict.NOT_STORED), unknown);
		if (unknown > 0) {
			log.warn("{} log(s) in doubt could not be looked up in Keywords AI (no custom_identifier or timestamp, or "
					+ "a listed log without metadata that several could be); they fall back to "
					+ "backfill.reconcile.fallback={}", unknown, fallback);
		}
		return new InDoubtLogs(verdicts);
	}

}
