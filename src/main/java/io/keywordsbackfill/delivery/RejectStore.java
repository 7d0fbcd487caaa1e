package io.keywordsbackfill.delivery;

import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import io.keywordsbackfill.mapping.RejectedRecord;
import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SecretRedactor;

/**
 * The dead-letter table: every record that was not delivered, with file, line, reason, status code and
 * payload. Payloads and messages pass through {@link SecretRedactor} before they are stored.
 */
@Repository
public class RejectStore {

	static final int MESSAGE_LIMIT = 2000;

	private final JdbcTemplate jdbc;

	private final Clock clock;

	public RejectStore(JdbcTemplate jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/**
	 * Stores rejects in the caller's transaction.
	 * @param statusCode the HTTP status that rejected them, or null for records that never left
	 */
	public void save(long jobExecutionId, long stepExecutionId, List<RejectedRecord> rejects, Integer statusCode) {
		if (rejects.isEmpty()) {
			return;
		}
		Timestamp now = Timestamp.from(clock.instant());
		jdbc.batchUpdate("INSERT INTO backfill_reject (job_execution_id, step_execution_id, file, line, source_id, "
				+ "reason, status_code, message, payload, replayable, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				rejects, rejects.size(), (ps, reject) -> {
					ps.setLong(1, jobExecutionId);
					ps.setLong(2, stepExecutionId);
					ps.setString(3, reject.position().file());
					ps.setLong(4, reject.position().line());
					ps.setString(5, reject.sourceId());
					ps.setString(6, reject.reason().code());
					if (statusCode == null) {
						ps.setNull(7, Types.INTEGER);
					}
					else {
						ps.setInt(7, statusCode);
					}
					ps.setString(8, truncate(SecretRedactor.redact(reject.message())));
					ps.setString(9, reject.payload() == null ? null : SecretRedactor.redact(reject.payload()));
					ps.setBoolean(10, reject.reason().replayable());
					ps.setTimestamp(11, now);
				});
	}

	/** Rejects of every execution of the run (job instance) that {@code jobExecutionId} belongs to. */
	public List<StoredReject> findByRun(long jobExecutionId) {
		return jdbc.query("SELECT r.reject_id, r.job_execution_id, r.file, r.line, r.source_id, r.reason, "
				+ "r.status_code, r.message, r.payload, r.replayable, r.replayed_at FROM backfill_reject r "
				+ "JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = r.job_execution_id "
				+ "WHERE e.JOB_INSTANCE_ID = (SELECT JOB_INSTANCE_ID FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?) "
				+ "ORDER BY r.reject_id", (rs, i) -> new StoredReject(rs.getLong(1), rs.getLong(2), rs.getString(3),
						rs.getLong(4), rs.getString(5), rs.getString(6), (Integer) rs.getObject(7), rs.getString(8),
						rs.getString(9), rs.getBoolean(10), rs.getTimestamp(11) != null),
				jobExecutionId);
	}

	public void markReplayed(List<Long> rejectIds) {
		Timestamp now = Timestamp.from(clock.instant());
		jdbc.batchUpdate("UPDATE backfill_reject SET replayed_at = ? WHERE reject_id = ?",
				rejectIds.stream().map(id -> new Object[] { now, id }).toList());
	}

	static String truncate(String message) {
		if (message == null || message.length() <= MESSAGE_LIMIT) {
			return message;
		}
		return message.substring(0, MESSAGE_LIMIT - 1) + "…";
	}

	/** One row of the rejects table. */
	public record StoredReject(long rejectId, long jobExecutionId, String file, long line, String sourceId,
			String reason, Integer statusCode, String message, String payload, boolean replayable,
			boolean replayed) {

		public boolean isReason(RejectReason r) {
			return r.code().equals(reason);
		}

	}

}
