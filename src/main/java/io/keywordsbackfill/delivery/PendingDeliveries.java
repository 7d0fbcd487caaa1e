package io.keywordsbackfill.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import io.keywordsbackfill.mapping.MappedLog;

/**
 * Markers for logs whose request is in flight. They are committed before the request and removed, with
 * the ledger rows, as soon as its answer is known; a marker that survives belongs to a process killed
 * while waiting for an answer, and its log may or may not be stored. Callers run these methods in their
 * own short transactions.
 */
@Repository
public class PendingDeliveries {

	private final JdbcTemplate jdbc;

	private final Clock clock;

	public PendingDeliveries(JdbcTemplate jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	public void mark(long jobExecutionId, List<MappedLog> logs) {
		Timestamp now = Timestamp.from(clock.instant());
		jdbc.batchUpdate("INSERT INTO backfill_pending (source_id, job_execution_id, file, line, created_at) "
				+ "VALUES (?, ?, ?, ?, ?)", logs, logs.size(), (ps, log) -> {
					ps.setString(1, log.sourceId());
					ps.setLong(2, jobExecutionId);
					ps.setString(3, log.position().file());
					ps.setLong(4, log.position().line());
					ps.setTimestamp(5, now);
				});
	}

	public void clear(long jobExecutionId, Collection<String> sourceIds) {
		List<Object[]> args = new ArrayList<>(sourceIds.size());
		for (String id : sourceIds) {
			args.add(new Object[] { id, jobExecutionId });
		}
		jdbc.batchUpdate("DELETE FROM backfill_pending WHERE source_id = ? AND job_execution_id = ?", args);
	}

	/**
	 * Which of {@code sourceIds} were left in flight by another (dead or earlier) execution. Their logs
	 * may already be stored.
	 */
	public List<String> findInDoubt(long currentJobExecutionId, Collection<String> sourceIds) {
		if (sourceIds.isEmpty()) {
			return List.of();
		}
		List<String> found = new ArrayList<>();
		List<String> ids = new ArrayList<>(sourceIds);
		for (int from = 0; from < ids.size(); from += 1000) {
			List<String> slice = ids.subList(from, Math.min(ids.size(), from + 1000));
			List<Object> args = new ArrayList<>(slice);
			args.add(currentJobExecutionId);
			jdbc.query("SELECT DISTINCT source_id FROM backfill_pending WHERE source_id IN ("
					+ String.join(",", java.util.Collections.nCopies(slice.size(), "?"))
					+ ") AND job_execution_id <> ?", rs -> {
						found.add(rs.getString(1));
					}, args.toArray());
		}
		return found;
	}

	/** Removes every marker of {@code sourceIds}, whichever execution left it. */
	public void clearAll(Collection<String> sourceIds) {
		List<Object[]> args = sourceIds.stream().map(id -> new Object[] { id }).toList();
		jdbc.batchUpdate("DELETE FROM backfill_pending WHERE source_id = ?", args);
	}

}
