package io.keywordsbackfill.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

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

	private static final String PG_INSERT = "INSERT INTO backfill_ledger (source_id, log_id, job_execution_id, accepted_at) "
			+ "SELECT s, l, ?, ? FROM unnest(?::varchar[], ?::varchar[]) AS t (s, l) ON CONFLICT (source_id) DO NOTHING";

	private final JdbcTemplate jdbc;

	private final boolean postgresql;

	private final String insertSql;

	private final Clock clock;

	public Ledger(JdbcTemplate jdbc, SqlDialect dialect, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.postgresql = dialect == SqlDialect.POSTGRESQL;
		this.insertSql = dialect.insertIgnoringDuplicates("backfill_ledger", "source_id",
				List.of("source_id", "log_id", "job_execution_id", "accepted_at"));
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

	/** Records accepted logs; an id already present is left as it is. */
	public void recordAccepted(long jobExecutionId, List<AcceptedLog> accepted) {
		if (accepted.isEmpty()) {
			return;
		}
		Timestamp now = Timestamp.from(clock.instant());
		if (this.postgresql) {
			String[] sourceIds = accepted.stream().map(AcceptedLog::sourceId).toArray(String[]::new);
			String[] logIds = accepted.stream().map(AcceptedLog::logId).toArray(String[]::new);
			jdbc.update(PG_INSERT, ps -> {
				ps.setLong(1, jobExecutionId);
				ps.setTimestamp(2, now);
				ps.setArray(3, ps.getConnection().createArrayOf("varchar", sourceIds));
				ps.setArray(4, ps.getConnection().createArrayOf("varchar", logIds));
			});
			return;
		}
		jdbc.batchUpdate(insertSql, accepted, accepted.size(), (ps, log) -> {
			ps.setString(1, log.sourceId());
			ps.setString(2, log.logId());
			ps.setLong(3, jobExecutionId);
			ps.setTimestamp(4, now);
		});
	}

	public long count() {
		Long n = jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class);
		return n == null ? 0 : n;
	}

	/** A source id with the id Keywords AI gave it (null when the response did not say). */
	public record AcceptedLog(String sourceId, String logId) {
	}

}
