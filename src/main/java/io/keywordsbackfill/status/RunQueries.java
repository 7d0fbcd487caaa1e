package io.keywordsbackfill.status;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reads runs through the {@code backfill_runs}, {@code backfill_run_files} and {@code backfill_reject_reasons}
 * views (migrations 4 and 9), so that {@code status} and a person querying with {@code psql} see numbers from
 * one definition. Plain SQL: Batch's own API loads every related execution of an entity, which is too much for a
 * listing.
 */
@Repository
public class RunQueries {

	private static final String SELECT_RUNS = """
			SELECT run_id, instance_id, job_name, status, exit_code, exit_message, started_at, ended_at,
			       duration_seconds, records_read, sent, already_sent, rejected, batches, requests, retries,
			       wait_seconds, prompt_tokens, completion_tokens, cost_usd, unpriced, without_timing,
			       outside_window, source_duplicates, records_per_second
			  FROM backfill_runs
			""";

	private final JdbcTemplate jdbc;

	public RunQueries(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** The most recent runs, newest first, without step detail. */
	public List<RunSummary> recent(int limit) {
		List<RunSummary> page = jdbc.query(
				SELECT_RUNS + " ORDER BY run_id DESC FETCH FIRST ? ROWS ONLY",
				(rs, i) -> summary(rs, null, null, null, null), limit);
		List<RunSummary> withFiles = new ArrayList<>(page.size());
		for (RunSummary run : page) {
			withFiles.add(withFiles(run));
		}
		return withFiles;
	}

	/** One run with its steps and its reject reasons. */
	public Optional<RunSummary> find(long jobExecutionId) {
		List<RunSummary> runs = jdbc.query(SELECT_RUNS + " WHERE run_id = ?",
				(rs, i) -> summary(rs, steps(jobExecutionId), rejectReasons(jobExecutionId), models(jobExecutionId),
						inDoubt(jobExecutionId)),
				jobExecutionId);
		return runs.stream().findFirst().map(this::withFiles);
	}

	private RunSummary withFiles(RunSummary run) {
		List<String[]> roles = jdbc.query("SELECT role, path FROM backfill_run_files WHERE run_id = ?",
				(rs, i) -> new String[] { rs.getString(1), rs.getString(2) }, run.id());
		List<String> files = roles.stream().sorted((a, b) -> compareRoles(a[0], b[0])).map((role) -> role[1]).toList();
		Map<String, String> params = new LinkedHashMap<>();
		jdbc.query("SELECT PARAMETER_NAME, PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS WHERE JOB_EXECUTION_ID = ? "
				+ "AND (PARAMETER_NAME IN ('dryRun.out', 'definition', 'logicalDate', 'window.since', 'window.before') "
				+ "OR PARAMETER_NAME LIKE 'input.%.options')",
				rs -> {
					params.put(rs.getString(1), rs.getString(2));
				}, run.id());
		// the options are JSON with sorted keys written by one mapper: "line_ids":true is how it writes the flag
		boolean lineIds = params.entrySet().stream()
			.anyMatch((param) -> param.getKey().endsWith(".options") && param.getValue().contains("\"line_ids\":true"));
		String since = params.get("window.since");
		String before = params.get("window.before");
		RunSummary.Window window = (since == null && before == null) ? null : new RunSummary.Window(since, before);
		return new RunSummary(run.id(), run.instanceId(), run.job(), run.status(), run.exitCode(), run.exitMessage(),
				run.startedAt(), run.endedAt(), run.durationSeconds(), files, params.get("definition"),
				params.get("logicalDate"), params.get("dryRun.out"), window, lineIds ? Boolean.TRUE : null, run.counts(),
				run.recordsPerSecond(), run.steps(), run.rejectReasons(), run.models(), run.resentInDoubt(),
				run.reconciledInDoubt(), run.leftInDoubt());
	}

	private List<RunSummary.StepSummary> steps(long jobExecutionId) {
		return jdbc.query("SELECT s.STEP_EXECUTION_ID, s.STEP_NAME, s.STATUS, s.READ_COUNT, s.COMMIT_COUNT, "
				+ "s.ROLLBACK_COUNT, s.EXIT_MESSAGE, w.worker FROM BATCH_STEP_EXECUTION s "
				+ "LEFT JOIN backfill_partition_worker w ON w.step_execution_id = s.STEP_EXECUTION_ID "
				+ "WHERE s.JOB_EXECUTION_ID = ? ORDER BY s.STEP_EXECUTION_ID",
				(rs, i) -> new RunSummary.StepSummary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
						rs.getLong(5), rs.getLong(6), firstLine(rs.getString(7)), rs.getString(8)),
				jobExecutionId);
	}

	/** Logs in doubt resent, found stored and left in doubt by the run. */
	private long[] inDoubt(long jobExecutionId) {
		return jdbc.queryForObject("SELECT COALESCE(SUM(resent_in_doubt), 0), COALESCE(SUM(reconciled_in_doubt), 0), "
				+ "COALESCE(SUM(left_in_doubt), 0) FROM backfill_step_stats WHERE job_execution_id = ?",
				(rs, i) -> new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) }, jobExecutionId);
	}

	private List<RunSummary.ModelSummary> models(long jobExecutionId) {
		return jdbc.query("SELECT model, logs, prompt_tokens, completion_tokens, cost_usd, unpriced FROM backfill_run_models "
				+ "WHERE run_id = ? ORDER BY cost_usd DESC, model",
				(rs, i) -> new RunSummary.ModelSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
						rs.getBigDecimal(5).stripTrailingZeros(), rs.getLong(6)),
				jobExecutionId);
	}

	private Map<String, Long> rejectReasons(long jobExecutionId) {
		Map<String, Long> reasons = new LinkedHashMap<>();
		jdbc.query("SELECT reason, SUM(count) AS n FROM backfill_reject_reasons WHERE run_id = ? "
				+ "GROUP BY reason ORDER BY n DESC, reason", rs -> {
					reasons.put(rs.getString(1), rs.getLong(2));
				}, jobExecutionId);
		return reasons;
	}

	private static RunSummary summary(ResultSet rs, List<RunSummary.StepSummary> steps, Map<String, Long> reasons,
			List<RunSummary.ModelSummary> models, long[] inDoubt) throws SQLException {
		BigDecimal waitSeconds = rs.getBigDecimal("wait_seconds");
		RunSummary.Counts counts = new RunSummary.Counts(rs.getLong("records_read"), rs.getLong("sent"),
				rs.getLong("already_sent"), rs.getLong("rejected"), rs.getLong("batches"), rs.getLong("requests"),
				rs.getLong("retries"), waitSeconds.movePointRight(3).longValue(), rs.getLong("prompt_tokens"),
				rs.getLong("completion_tokens"), rs.getBigDecimal("cost_usd").stripTrailingZeros(),
				rs.getLong("unpriced"), rs.getLong("without_timing"), rs.getLong("outside_window"),
				rs.getLong("source_duplicates"));
		return new RunSummary(rs.getLong("run_id"), rs.getLong("instance_id"), rs.getString("job_name"),
				rs.getString("status"), rs.getString("exit_code"), firstLine(rs.getString("exit_message")),
				instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("ended_at")),
				rs.getBigDecimal("duration_seconds"), List.of(), null, null, null, null, null, counts,
				rs.getBigDecimal("records_per_second"), steps, reasons, models, inDoubt == null ? null : inDoubt[0],
				inDoubt == null ? null : inDoubt[1], inDoubt == null ? null : inDoubt[2]);
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

	/**
	 * Roles in the order the files were given: {@code input.0.file.2} before {@code input.0.file.10}, and a Batch
	 * file before its companions ({@code input.0.file.2.batchInput}).
	 */
	static int compareRoles(String a, String b) {
		String[] left = a.split("\\.");
		String[] right = b.split("\\.");
		for (int i = 0; i < Math.min(left.length, right.length); i++) {
			boolean numbers = left[i].chars().allMatch(Character::isDigit) && right[i].chars().allMatch(Character::isDigit)
					&& !left[i].isEmpty() && !right[i].isEmpty();
			int order = numbers ? Long.compare(Long.parseLong(left[i]), Long.parseLong(right[i]))
					: left[i].compareTo(right[i]);
			if (order != 0) {
				return order;
			}
		}
		return Integer.compare(left.length, right.length);
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
