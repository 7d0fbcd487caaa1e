package io.keywordsbackfill.status;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reads runs straight from the Spring Batch metadata tables and the project's statistics table, with plain
 * SQL: Batch's own API loads every related execution of an entity, which is too much for a listing.
 */
@Repository
public class RunQueries {

	private static final String SELECT_RUNS = """
			SELECT e.JOB_EXECUTION_ID, e.JOB_INSTANCE_ID, i.JOB_NAME, e.STATUS, e.EXIT_CODE, e.EXIT_MESSAGE,
			       e.START_TIME, e.END_TIME,
			       (SELECT COALESCE(SUM(s.READ_COUNT), 0) FROM BATCH_STEP_EXECUTION s
			         -- the partitioned step 'deliver' sums its workers' counts: count the workers only
			         WHERE s.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND s.STEP_NAME <> 'deliver') AS read_count,
			       COALESCE(SUM(t.sent), 0), COALESCE(SUM(t.already_sent), 0), COALESCE(SUM(t.rejected), 0),
			       COALESCE(SUM(t.batches), 0), COALESCE(SUM(t.requests), 0), COALESCE(SUM(t.retries), 0),
			       COALESCE(SUM(t.wait_millis), 0), COALESCE(SUM(t.prompt_tokens), 0),
			       COALESCE(SUM(t.completion_tokens), 0), COALESCE(SUM(t.cost_usd), 0), COALESCE(SUM(t.unpriced), 0),
			       COALESCE(SUM(t.without_timing), 0)
			  FROM BATCH_JOB_EXECUTION e
			  JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
			  LEFT JOIN backfill_step_stats t ON t.job_execution_id = e.JOB_EXECUTION_ID
			""";

	private static final String GROUP_BY = """
			 GROUP BY e.JOB_EXECUTION_ID, e.JOB_INSTANCE_ID, i.JOB_NAME, e.STATUS, e.EXIT_CODE, e.EXIT_MESSAGE,
			          e.START_TIME, e.END_TIME
			""";

	private final JdbcTemplate jdbc;

	public RunQueries(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** The most recent runs, newest first, without step detail. */
	public List<RunSummary> recent(int limit) {
		List<RunSummary> page = jdbc.query(
				SELECT_RUNS + GROUP_BY + " ORDER BY e.JOB_EXECUTION_ID DESC FETCH FIRST ? ROWS ONLY",
				(rs, i) -> summary(rs, null, null), limit);
		List<RunSummary> withFiles = new ArrayList<>(page.size());
		for (RunSummary run : page) {
			withFiles.add(withFiles(run));
		}
		return withFiles;
	}

	/** One run with its steps and its reject reasons. */
	public Optional<RunSummary> find(long jobExecutionId) {
		List<RunSummary> runs = jdbc.query(SELECT_RUNS + " WHERE e.JOB_EXECUTION_ID = ?" + GROUP_BY,
				(rs, i) -> summary(rs, steps(jobExecutionId), rejectReasons(jobExecutionId)), jobExecutionId);
		return runs.stream().findFirst().map(this::withFiles);
	}

	private RunSummary withFiles(RunSummary run) {
		List<String> files = jdbc.queryForList("SELECT PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS "
				+ "WHERE JOB_EXECUTION_ID = ? AND PARAMETER_NAME LIKE 'input.%.path' ORDER BY PARAMETER_NAME",
				String.class, run.id());
		List<String> dryRunOutput = jdbc.queryForList("SELECT PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS "
				+ "WHERE JOB_EXECUTION_ID = ? AND PARAMETER_NAME = 'dryRun.out'", String.class, run.id());
		return new RunSummary(run.id(), run.instanceId(), run.job(), run.status(), run.exitCode(), run.exitMessage(),
				run.startedAt(), run.endedAt(), run.durationSeconds(), files,
				dryRunOutput.isEmpty() ? null : dryRunOutput.get(0), run.counts(), run.recordsPerSecond(), run.steps(),
				run.rejectReasons());
	}

	private List<RunSummary.StepSummary> steps(long jobExecutionId) {
		return jdbc.query("SELECT STEP_EXECUTION_ID, STEP_NAME, STATUS, READ_COUNT, COMMIT_COUNT, ROLLBACK_COUNT, "
				+ "EXIT_MESSAGE FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ? ORDER BY STEP_EXECUTION_ID",
				(rs, i) -> new RunSummary.StepSummary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
						rs.getLong(5), rs.getLong(6), firstLine(rs.getString(7))),
				jobExecutionId);
	}

	private Map<String, Long> rejectReasons(long jobExecutionId) {
		Map<String, Long> reasons = new LinkedHashMap<>();
		jdbc.query("SELECT reason, COUNT(*) AS n FROM backfill_reject WHERE job_execution_id = ? "
				+ "GROUP BY reason ORDER BY n DESC, reason", rs -> {
					reasons.put(rs.getString(1), rs.getLong(2));
				}, jobExecutionId);
		return reasons;
	}

	private static RunSummary summary(ResultSet rs, List<RunSummary.StepSummary> steps, Map<String, Long> reasons)
			throws SQLException {
		Instant start = instant(rs.getTimestamp(7));
		Instant end = instant(rs.getTimestamp(8));
		BigDecimal seconds = start == null ? null
				: BigDecimal.valueOf(Duration.between(start, end == null ? Instant.now() : end).toMillis(), 3);
		long read = rs.getLong(9);
		RunSummary.Counts counts = new RunSummary.Counts(read, rs.getLong(10), rs.getLong(11), rs.getLong(12),
				rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17), rs.getLong(18),
				rs.getBigDecimal(19).stripTrailingZeros(), rs.getLong(20), rs.getLong(21));
		BigDecimal rate = seconds == null || seconds.signum() == 0 ? null
				: BigDecimal.valueOf(read).divide(seconds, 1, RoundingMode.HALF_UP);
		return new RunSummary(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
				firstLine(rs.getString(6)), start, end, seconds, List.of(), null, counts, rate, steps, reasons);
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

	/** Exit messages hold whole stack traces; the first line says what happened. */
	static String firstLine(String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		int newline = text.indexOf('\n');
		return (newline < 0 ? text : text.substring(0, newline)).trim();
	}

}
