package io.keywordsbackfill.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Markers for batches whose request is in flight, one row per batch holding its source ids. A marker is
 * committed before the request and removed, with the ledger rows, as soon as the answer is known; a marker
 * that survives belongs to a process killed while waiting for an answer, and its logs may or may not be
 * stored. Callers run these methods in their own short transactions.
 */
@Repository
public class PendingDeliveries {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TypeReference<List<String>> IDS = new TypeReference<>() {
	};

	private final JdbcTemplate jdbc;

	private final Clock clock;

	public PendingDeliveries(JdbcTemplate jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/** @return the marker's id, for {@link #clear(String)} */
	public String mark(long jobExecutionId, List<String> sourceIds) {
		String batchId = UUID.randomUUID().toString();
		jdbc.update("INSERT INTO backfill_pending (batch_id, job_execution_id, logs, source_ids, created_at) "
				+ "VALUES (?, ?, ?, ?, ?)", batchId, jobExecutionId, sourceIds.size(), JSON.writeValueAsString(sourceIds),
				Timestamp.from(clock.instant()));
		return batchId;
	}

	public void clear(String batchId) {
		jdbc.update("DELETE FROM backfill_pending WHERE batch_id = ?", batchId);
	}

	/**
	 * The source ids that other (dead, or earlier) executions left in flight. Read once per run: new ones can
	 * only come from another process killed meanwhile.
	 * @return a thread-safe set the partitions of the run share and take ids out of
	 */
	public Set<String> inDoubt(long currentJobExecutionId) {
		Set<String> ids = ConcurrentHashMap.newKeySet();
		jdbc.query("SELECT source_ids FROM backfill_pending WHERE job_execution_id <> ?", rs -> {
			ids.addAll(JSON.readValue(rs.getString(1), IDS));
		}, currentJobExecutionId);
		return ids;
	}

	/**
	 * Removes the markers of other executions whose every log is now in the ledger: they are settled. Called
	 * when a run completes; markers of logs set aside as {@code in_doubt} stay until those are replayed.
	 */
	public void clearSettled(long currentJobExecutionId, Ledger ledger) {
		List<String[]> rows = jdbc.query("SELECT batch_id, source_ids FROM backfill_pending WHERE job_execution_id <> ?",
				(rs, i) -> new String[] { rs.getString(1), rs.getString(2) }, currentJobExecutionId);
		for (String[] row : rows) {
			List<String> ids = JSON.readValue(row[1], IDS);
			if (ledger.findAccepted(ids).size() == ids.size()) {
				clear(row[0]);
			}
		}
	}

}
