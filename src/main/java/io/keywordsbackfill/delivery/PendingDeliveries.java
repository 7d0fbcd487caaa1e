package io.keywordsbackfill.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Markers for batches whose request is in flight, one row per batch holding its logs' source ids, custom
 * identifiers and timestamps. A marker is committed before the request and removed, with the ledger rows, as soon as
 * the answer is known; a marker that survives belongs to a process killed while waiting for an answer (or to a
 * batch whose answer was lost until its retries ran out), and its logs may or may not be stored. Callers run these
 * methods in their own short transactions.
 */
@Repository
public class PendingDeliveries {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
	};

	private final JdbcTemplate jdbc;

	private final Clock clock;

	public PendingDeliveries(JdbcTemplate jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/** @return the marker's id, for {@link #clear(String)} */
	public String mark(long jobExecutionId, List<LogKey> logs) {
		String batchId = UUID.randomUUID().toString();
		jdbc.update("INSERT INTO backfill_pending (batch_id, job_execution_id, logs, source_ids, custom_identifiers, "
				+ "log_timestamps, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", batchId, jobExecutionId, logs.size(),
				JSON.writeValueAsString(logs.stream().map(LogKey::sourceId).toList()),
				JSON.writeValueAsString(logs.stream().map(LogKey::customIdentifier).toList()),
				JSON.writeValueAsString(logs.stream().map(LogKey::timestamp).toList()), Timestamp.from(clock.instant()));
		return batchId;
	}

	public void clear(String batchId) {
		jdbc.update("DELETE FROM backfill_pending WHERE batch_id = ?", batchId);
	}

	/**
	 * The batches that other (dead, or earlier) executions left in flight. Read once per run: new ones can only
	 * come from another process killed meanwhile. A marker written before custom identifiers and timestamps were
	 * recorded has null ones.
	 */
	public List<PendingBatch> inDoubt(long currentJobExecutionId) {
		return jdbc.query("SELECT batch_id, source_ids, custom_identifiers, log_timestamps FROM backfill_pending "
				+ "WHERE job_execution_id <> ? ORDER BY created_at, batch_id", (rs, i) -> {
					List<String> ids = JSON.readValue(rs.getString(2), STRINGS);
					List<String> customIds = rs.getString(3) == null ? null : JSON.readValue(rs.getString(3), STRINGS);
					List<String> timestamps = rs.getString(4) == null ? null : JSON.readValue(rs.getString(4), STRINGS);
					List<LogKey> logs = new ArrayList<>(ids.size());
					for (int n = 0; n < ids.size(); n++) {
						logs.add(new LogKey(ids.get(n), customIds == null ? null : customIds.get(n),
								timestamps == null ? null : timestamps.get(n)));
					}
					return new PendingBatch(rs.getString(1), logs);
				}, currentJobExecutionId);
	}

	/**
	 * Removes the markers of other executions whose every log is now in the ledger: they are settled. Called
	 * when a run completes; markers of logs set aside as {@code in_doubt} stay until those are replayed.
	 */
	public void clearSettled(long currentJobExecutionId, Ledger ledger) {
		for (PendingBatch batch : inDoubt(currentJobExecutionId)) {
			List<String> ids = batch.logs().stream().map(LogKey::sourceId).toList();
			if (ledger.findAccepted(ids).size() == ids.size()) {
				clear(batch.batchId());
			}
		}
	}

	/** A batch another execution left in flight. */
	public record PendingBatch(String batchId, List<LogKey> logs) {
	}

}
