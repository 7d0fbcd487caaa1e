package io.keywordsbackfill.delivery;

import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

import io.keywordsbackfill.record.SourcePosition;
import io.keywordsbackfill.store.SqlDialect;

/**
 * The source ids that Keywords AI has accepted, across all runs. Keywords AI has no idempotency key, so
 * this table is what keeps a re-run, an overlapping export or a restart from storing a call twice.
 */
@Repository
public class Ledger {

	/** Ids per IN (...) query on H2: far below its parameter limit. */
	private static final int LOOKUP_SLICE = 1000;

	// On PostgreSQL a chunk's lookup and a batch's insert are one statement each, whatever their size: the ids
	// travel as arrays. A JDBC batch of one INSERT per log cost more CPU than reading and mapping the log.
	// One index probe per id, whatever the planner thinks of the ledger's size: for `source_id = ANY (?)` it
	// prefers reading the whole table once the ledger has a few hundred thousand rows (65 ms a chunk at
	// 200,000 rows against 9 ms of probes), and keeps that until the table is several times larger. OFFSET 0
	// keeps the subquery from being flattened into a join, which the planner would make a hash join over
	// the whole table.
	static final String PG_FIND = "SELECT found.source_id FROM unnest(?::varchar[]) AS wanted (id) "
			+ "CROSS JOIN LATERAL (SELECT source_id FROM backfill_ledger WHERE source_id = wanted.id OFFSET 0) AS found";

	static final String PG_FIND_COPIES = "SELECT found.source_id, found.job_instance_id, found.content_hash, "
			+ "found.source_file, found.source_line FROM unnest(?::varchar[]) AS wanted (id) CROSS JOIN LATERAL "
			+ "(SELECT source_id, job_instance_id, content_hash, source_file, source_line FROM backfill_ledger "
			+ "WHERE source_id = wanted.id OFFSET 0) AS found";

	private static final String PG_INSERT = "INSERT INTO backfill_ledger (source_id, log_id, job_execution_id, "
			+ "accepted_at, job_instance_id, content_hash, source_file, source_line) "
			+ "SELECT s, l, ?, ?, ?, h, f, n FROM unnest(?::varchar[], ?::varchar[], ?::bigint[], ?::varchar[], ?::bigint[]) "
			+ "AS t (s, l, h, f, n) ON CONFLICT (source_id) DO NOTHING";

	private static final List<String> COLUMNS = List.of("source_id", "log_id", "job_execution_id", "accepted_at",
			"job_instance_id", "content_hash", "source_file", "source_line");

	private final JdbcTemplate jdbc;

	private final boolean postgresql;

	private final String insertSql;

	private final Clock clock;

	public Ledger(JdbcTemplate jdbc, SqlDialect dialect, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.postgresql = dialect == SqlDialect.POSTGRESQL;
		this.insertSql = dialect.insertIgnoringDuplicates("backfill_ledger", "source_id", COLUMNS);
	}

	/** Which of {@code sourceIds} were accepted before, by any run. */
	public Set<String> findAccepted(Collection<String> sourceIds) {
		Set<String> found = new HashSet<>();
		if (sourceIds.isEmpty()) {
			return found;
		}
		if (this.postgresql) {
			String[] ids = sourceIds.toArray(String[]::new);
			jdbc.query(PG_FIND, ps -> ps.setArray(1, ps.getConnection().createArrayOf("varchar", ids)),
					rs -> {
						found.add(rs.getString(1));
					});
			return found;
		}
		List<String> ids = new ArrayList<>(sourceIds);
		for (int from = 0; from < ids.size(); from += LOOKUP_SLICE) {
			List<String> slice = ids.subList(from, Math.min(ids.size(), from + LOOKUP_SLICE));
			String marks = String.join(",", java.util.Collections.nCopies(slice.size(), "?"));
			jdbc.query("SELECT source_id FROM backfill_ledger WHERE source_id IN (" + marks + ")",
					rs -> {
						found.add(rs.getString(1));
					}, slice.toArray());
		}
		return found;
	}

	/**
	 * Which of {@code sourceIds} were accepted before: by the run {@code jobInstanceId} itself (with the copy it
	 * sent, so that a repeat can be told from another record under the same id), or by any other run.
	 */
	public Lookup lookup(Collection<String> sourceIds, long jobInstanceId) {
		Set<String> byOtherRuns = new HashSet<>();
		Map<String, SourceCopy> byThisRun = new HashMap<>();
		if (sourceIds.isEmpty()) {
			return new Lookup(byOtherRuns, byThisRun);
		}
		RowCallbackHandler row = rs -> {
			long instance = rs.getLong(2);
			boolean thisRun = !rs.wasNull() && instance == jobInstanceId;
			long hash = rs.getLong(3);
			if (thisRun && !rs.wasNull()) {
				byThisRun.put(rs.getString(1),
						new SourceCopy(hash, new SourcePosition(rs.getString(4), rs.getLong(5), -1)));
			}
			else {
				byOtherRuns.add(rs.getString(1));
			}
		};
		if (this.postgresql) {
			String[] ids = sourceIds.toArray(String[]::new);
			jdbc.query(PG_FIND_COPIES, ps -> ps.setArray(1, ps.getConnection().createArrayOf("varchar", ids)), row);
			return new Lookup(byOtherRuns, byThisRun);
		}
		List<String> ids = new ArrayList<>(sourceIds);
		for (int from = 0; from < ids.size(); from += LOOKUP_SLICE) {
			List<String> slice = ids.subList(from, Math.min(ids.size(), from + LOOKUP_SLICE));
			String marks = String.join(",", java.util.Collections.nCopies(slice.size(), "?"));
			jdbc.query("SELECT source_id, job_instance_id, content_hash, source_file, source_line FROM backfill_ledger "
					+ "WHERE source_id IN (" + marks + ")", row, slice.toArray());
		}
		return new Lookup(byOtherRuns, byThisRun);
	}

	/**
	 * @param byOtherRuns ids accepted by earlier runs (or before copies were recorded)
	 * @param byThisRun ids this run has sent already, with the copy it sent
	 */
	public record Lookup(Set<String> byOtherRuns, Map<String, SourceCopy> byThisRun) {
	}

	/** Records accepted logs; an id already present is left as it is. */
	public void recordAccepted(long jobExecutionId, List<AcceptedLog> accepted) {
		recordAccepted(jobExecutionId, null, accepted);
	}

	/**
	 * Records accepted logs of the run {@code jobInstanceId} (null when unknown, as for a replay); an id already
	 * present is left as it is.
	 */
	public void recordAccepted(long jobExecutionId, Long jobInstanceId, List<AcceptedLog> accepted) {
		if (accepted.isEmpty()) {
			return;
		}
		Timestamp now = Timestamp.from(clock.instant());
		if (this.postgresql) {
			String[] sourceIds = accepted.stream().map(AcceptedLog::sourceId).toArray(String[]::new);
			String[] logIds = accepted.stream().map(AcceptedLog::logId).toArray(String[]::new);
			Long[] hashes = accepted.stream().map(a -> (a.copy() != null) ? a.copy().contentHash() : null)
				.toArray(Long[]::new);
			String[] files = accepted.stream().map(a -> (a.copy() != null) ? a.copy().position().file() : null)
				.toArray(String[]::new);
			Long[] lines = accepted.stream().map(a -> (a.copy() != null) ? a.copy().position().line() : null)
				.toArray(Long[]::new);
			jdbc.update(PG_INSERT, ps -> {
				ps.setLong(1, jobExecutionId);
				ps.setTimestamp(2, now);
				ps.setObject(3, jobInstanceId, Types.BIGINT);
				ps.setArray(4, ps.getConnection().createArrayOf("varchar", sourceIds));
				ps.setArray(5, ps.getConnection().createArrayOf("varchar", logIds));
				ps.setArray(6, ps.getConnection().createArrayOf("bigint", hashes));
				ps.setArray(7, ps.getConnection().createArrayOf("varchar", files));
				ps.setArray(8, ps.getConnection().createArrayOf("bigint", lines));
			});
			return;
		}
		jdbc.batchUpdate(insertSql, accepted, accepted.size(), (ps, log) -> {
			ps.setString(1, log.sourceId());
			ps.setString(2, log.logId());
			ps.setLong(3, jobExecutionId);
			ps.setTimestamp(4, now);
			ps.setObject(5, jobInstanceId, Types.BIGINT);
			ps.setObject(6, (log.copy() != null) ? log.copy().contentHash() : null, Types.BIGINT);
			ps.setString(7, (log.copy() != null) ? log.copy().position().file() : null);
			ps.setObject(8, (log.copy() != null) ? log.copy().position().line() : null, Types.BIGINT);
		});
	}

	public long count() {
		Long n = jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class);
		return n == null ? 0 : n;
	}

	/**
	 * A source id with the id Keywords AI gave it (null when the response did not say) and the copy that was sent
	 * (null when unknown).
	 */
	public record AcceptedLog(String sourceId, String logId, SourceCopy copy) {

		public AcceptedLog(String sourceId, String logId) {
			this(sourceId, logId, null);
		}

	}

}
