package io.keywordsbackfill.delivery;

import java.math.BigDecimal;
import java.util.Map;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Delivery counters per step execution ({@code backfill_step_stats}). Each chunk adds its numbers in its
 * own transaction, so the counters agree with what the reader position says was done.
 */
@Repository
public class StepStatsStore {

	private final JdbcTemplate jdbc;

	public StepStatsStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Creates the row of a step execution, if missing. */
	public void open(long jobExecutionId, long stepExecutionId) {
		Integer existing = jdbc.queryForObject(
				"SELECT COUNT(*) FROM backfill_step_stats WHERE step_execution_id = ?", Integer.class, stepExecutionId);
		if (existing == null || existing == 0) {
			jdbc.update("INSERT INTO backfill_step_stats (step_execution_id, job_execution_id) VALUES (?, ?)",
					stepExecutionId, jobExecutionId);
		}
	}

	/** The counters of a step execution as committed so far (as seen by the caller's transaction), if any. */
	public Optional<ChunkStats> find(long stepExecutionId) {
		List<ChunkStats> rows = jdbc.query("SELECT sent, already_sent, rejected, batches, requests, retries, "
				+ "wait_millis, prompt_tokens, completion_tokens, cost_usd, unpriced, without_timing, resent_in_doubt, "
				+ "outside_window, reconciled_in_doubt, left_in_doubt, source_duplicates FROM backfill_step_stats "
				+ "WHERE step_execution_id = ?",
				(rs, i) -> new ChunkStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
						rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getBigDecimal(10),
						rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16),
						rs.getLong(17)),
				stepExecutionId);
		return rows.stream().findFirst();
	}

	/** Adds a chunk's per-model numbers (sent logs only). */
	public void addModels(long jobExecutionId, long stepExecutionId, Map<String, ModelStats> models) {
		for (Map.Entry<String, ModelStats> entry : models.entrySet()) {
			ModelStats m = entry.getValue();
			int updated = jdbc.update("UPDATE backfill_model_stats SET logs = logs + ?, prompt_tokens = prompt_tokens + ?, "
					+ "completion_tokens = completion_tokens + ?, cost_usd = cost_usd + ?, unpriced = unpriced + ? "
					+ "WHERE step_execution_id = ? AND model = ?", m.logs, m.promptTokens, m.completionTokens, m.costUsd,
					m.unpriced, stepExecutionId, entry.getKey());
			if (updated == 0) {
				jdbc.update("INSERT INTO backfill_model_stats (step_execution_id, job_execution_id, model, logs, "
						+ "prompt_tokens, completion_tokens, cost_usd, unpriced) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
						stepExecutionId, jobExecutionId, entry.getKey(), m.logs, m.promptTokens, m.completionTokens,
						m.costUsd, m.unpriced);
			}
		}
	}

	/** Per-model numbers of one chunk; the writer adds to them while it counts. */
	public static final class ModelStats {

		long logs;

		long promptTokens;

		long completionTokens;

		BigDecimal costUsd = BigDecimal.ZERO;

		long unpriced;

	}

	public void add(long stepExecutionId, ChunkStats stats) {
		jdbc.update("UPDATE backfill_step_stats SET sent = sent + ?, already_sent = already_sent + ?, "
				+ "rejected = rejected + ?, batches = batches + ?, requests = requests + ?, retries = retries + ?, "
				+ "wait_millis = wait_millis + ?, prompt_tokens = prompt_tokens + ?, "
				+ "completion_tokens = completion_tokens + ?, cost_usd = cost_usd + ?, unpriced = unpriced + ?, "
				+ "without_timing = without_timing + ?, resent_in_doubt = resent_in_doubt + ?, "
				+ "outside_window = outside_window + ?, reconciled_in_doubt = reconciled_in_doubt + ?, "
				+ "left_in_doubt = left_in_doubt + ?, source_duplicates = source_duplicates + ? "
				+ "WHERE step_execution_id = ?",
				stats.sent(),
				stats.alreadySent(), stats.rejected(), stats.batches(), stats.requests(), stats.retries(),
				stats.waitMillis(), stats.promptTokens(), stats.completionTokens(), stats.costUsd(), stats.unpriced(),
				stats.withoutTiming(), stats.inDoubtResent(), stats.outsideWindow(), stats.reconciled(),
				stats.leftInDoubt(), stats.sourceDuplicates(), stepExecutionId);
	}

}
