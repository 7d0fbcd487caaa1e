package io.keywordsbackfill.delivery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.keywordsbackfill.record.RejectReason;

/**
 * Sends again the rejects of a run that were refused on delivery ({@code api_rejected}) or left in doubt
 * by a killed run ({@code in_doubt}), after the cause is fixed: their stored payload is the exact log. It
 * goes through the ledger like any run, so a log that turns out to be accepted already is not sent twice.
 * <p>
 * Records rejected before delivery (no price, no timestamp, bad lines) have no final payload; fix the
 * configuration and run the same import with {@code --new-run}: the ledger skips everything already sent,
 * so only they go out.
 */
@Service
public class ReplayService {

	private static final Logger log = LoggerFactory.getLogger(ReplayService.class);

	static final Set<String> REPLAYED_FROM_PAYLOAD = Set.of(RejectReason.API_REJECTED.code(),
			RejectReason.IN_DOUBT.code());

	private final RejectStore rejects;

	private final Ledger ledger;

	private final TransactionTemplate transaction;

	public ReplayService(RejectStore rejects, Ledger ledger, TransactionTemplate transaction) {
		this.rejects = rejects;
		this.ledger = ledger;
		this.transaction = transaction;
	}

	/**
	 * @param jobExecutionId any execution of the run
	 * @param sink where to send (the Keywords AI client, or a dry-run file)
	 * @param maxBatchLogs logs per request
	 * @param maxBatchBytes bytes per request
	 * @param dryRun true to leave the ledger and the rejects as they are
	 */
	public ReplayResult replay(long jobExecutionId, LogSink sink, int maxBatchLogs, long maxBatchBytes,
			boolean dryRun) {
		List<RejectStore.StoredReject> candidates = new ArrayList<>();
		int notReplayable = 0;
		for (RejectStore.StoredReject reject : this.rejects.findByRun(jobExecutionId)) {
			if (reject.replayed()) {
				continue;
			}
			if (REPLAYED_FROM_PAYLOAD.contains(reject.reason()) && reject.payload() != null && reject.sourceId() != null) {
				candidates.add(reject);
			}
			else {
				notReplayable++;
			}
		}
		Set<String> accepted = this.ledger.findAccepted(candidates.stream().map(RejectStore.StoredReject::sourceId).toList());
		List<Long> settled = new ArrayList<>();
		List<OutgoingLog> outgoing = new ArrayList<>();
		List<RejectStore.StoredReject> sending = new ArrayList<>();
		for (RejectStore.StoredReject reject : candidates) {
			if (accepted.contains(reject.sourceId())) {
				settled.add(reject.rejectId());
			}
			else {
				sending.add(reject);
				outgoing.add(new OutgoingLog(reject.sourceId(), reject.payload().getBytes(StandardCharsets.UTF_8)));
			}
		}
		int sent = 0;
		int refused = 0;
		int offset = 0;
		for (List<OutgoingLog> batch : BatchCutter.cut(outgoing, maxBatchLogs, maxBatchBytes)) {
			List<LogResult> results = sink.send(batch);
			List<Ledger.AcceptedLog> acceptedNow = new ArrayList<>();
			for (int i = 0; i < batch.size(); i++) {
				RejectStore.StoredReject reject = sending.get(offset + i);
				if (results.get(i).accepted()) {
					acceptedNow.add(new Ledger.AcceptedLog(reject.sourceId(), results.get(i).logId()));
					settled.add(reject.rejectId());
					sent++;
				}
				else {
					refused++;
					log.warn("Replay of {}:{} refused again: {}", reject.file(), reject.line(), results.get(i).message());
				}
			}
			offset += batch.size();
			if (!dryRun) {
				this.transaction.executeWithoutResult(status -> this.ledger.recordAccepted(jobExecutionId, acceptedNow));
			}
		}
		if (!dryRun) {
			this.rejects.markReplayed(settled);
		}
		return new ReplayResult(sent, candidates.size() - sending.size(), refused, notReplayable);
	}

	/**
	 * @param sent logs accepted now
	 * @param alreadyAccepted logs found in the ledger (accepted meanwhile): marked replayed, not sent
	 * @param refusedAgain logs refused again (still in the rejects, not marked replayed)
	 * @param notReplayable rejects that need the import again with {@code --new-run} after a fix
	 */
	public record ReplayResult(int sent, int alreadyAccepted, int refusedAgain, int notReplayable) {
	}

}
