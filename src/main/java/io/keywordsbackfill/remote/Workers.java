package io.keywordsbackfill.remote;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The workers of a queue and the partitions they took, in the job repository's database. Every time is the
 * database's own ({@code CURRENT_TIMESTAMP}, stored with its offset), so the machines' clocks and zones need
 * not agree.
 */
class Workers {

	/** The worker name of a partition the manager gave up on before any worker took it. */
	static final String NONE = "none";

	private final JdbcTemplate jdbc;

	Workers(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	void register(String worker, String queue) {
		jdbc.update("DELETE FROM backfill_worker WHERE worker = ?", worker);
		jdbc.update("INSERT INTO backfill_worker (worker, queue, started_at, heartbeat_at) "
				+ "VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", worker, queue);
	}

	void heartbeat(String worker) {
		jdbc.update("UPDATE backfill_worker SET heartbeat_at = CURRENT_TIMESTAMP WHERE worker = ?", worker);
	}

	void deregister(String worker) {
		jdbc.update("DELETE FROM backfill_worker WHERE worker = ?", worker);
	}

	/** The workers of {@code queue} that sent a heartbeat within {@code deadAfter}. */
	Set<String> live(String queue, Duration deadAfter) {
		Set<String> live = new HashSet<>();
		jdbc.query("SELECT worker, heartbeat_at, CURRENT_TIMESTAMP FROM backfill_worker WHERE queue = ?", rs -> {
			Instant beat = rs.getObject(2, OffsetDateTime.class).toInstant();
			Instant now = rs.getObject(3, OffsetDateTime.class).toInstant();
			if (beat.plus(deadAfter).isAfter(now)) {
				live.add(rs.getString(1));
			}
		}, queue);
		return live;
	}

	/**
	 * Takes a partition for {@code worker}.
	 * @return false when someone took it before: another worker, or the manager ({@link #NONE})
	 */
	boolean claim(long stepExecutionId, long jobExecutionId, String worker) {
		try {
			jdbc.update("INSERT INTO backfill_partition_worker (step_execution_id, job_execution_id, worker, claimed_at) "
					+ "VALUES (?, ?, ?, CURRENT_TIMESTAMP)", stepExecutionId, jobExecutionId, worker);
			return true;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	/** Who took each partition of a run that was taken: step execution id to worker. */
	Map<Long, String> claims(long jobExecutionId) {
		Map<Long, String> claims = new HashMap<>();
		jdbc.query("SELECT step_execution_id, worker FROM backfill_partition_worker WHERE job_execution_id = ?",
				rs -> {
					claims.put(rs.getLong(1), rs.getString(2));
				}, jobExecutionId);
		return claims;
	}

	/** The status of each partition of a run, straight from the step executions (cheaper than loading them). */
	Map<Long, String> partitionStatuses(List<Long> stepExecutionIds, long jobExecutionId) {
		Map<Long, String> statuses = new HashMap<>();
		jdbc.query("SELECT STEP_EXECUTION_ID, STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ?", rs -> {
			long id = rs.getLong(1);
			if (stepExecutionIds.contains(id)) {
				statuses.put(id, rs.getString(2));
			}
		}, jobExecutionId);
		return statuses;
	}

	String jobStatus(long jobExecutionId) {
		return jdbc.queryForObject("SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?", String.class,
				jobExecutionId);
	}

}
