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

	/** Ids per IN (...) query: far below every driver's parameter limit. */
	private static final int LOOKUP_SLICE = 1000;

	private final JdbcTemplate jdbc;

	private final String insertSql;

	private final Clock clock;

	public Ledger(JdbcTemplate jdbc, SqlDialect dialect, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.insertSql = dialect.insertIgnoringDuplicates("backfill_ledger", "source_id",
				List.of("source_id", "log_id", "job_execution_id", "accepted_at"));
	}

	/** Which of {@code sourceIds} were accepted before, by any run. */
	public Set<String> findAccepted(Collection<String> sourceIds) {
		Set<String> found = new HashSet<>();
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
