package io.keywordsbackfill.status;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One run (job execution) as {@code status} shows it. Counts cover this execution only; a restarted run's
 * earlier executions have their own ids. {@code definition} and {@code logicalDate} name the job definition
 * and night of a scheduled run (null for an ad hoc import); {@code dryRunOutput} is the file a dry run wrote
 * its requests to, null for a real run; {@code window} is the run's import window, null when it had none;
 * {@code lineIds} is true when the user asked for line-based ids of records that have none, null otherwise.
 * Of the logs in doubt after a kill or a lost answer (null in listings of several runs), {@code reconciledInDoubt}
 * were found stored in Keywords AI and not sent again, {@code resentInDoubt} were sent again (not found, or not
 * looked up) and {@code leftInDoubt} were set aside as {@code in_doubt} rejects.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(
		long id,
		@JsonProperty("instance_id") long instanceId,
		String job,
		String status,
		@JsonProperty("exit_code") String exitCode,
		@JsonProperty("exit_message") String exitMessage,
		@JsonProperty("started_at") Instant startedAt,
		@JsonProperty("ended_at") Instant endedAt,
		@JsonProperty("duration_seconds") BigDecimal durationSeconds,
		List<String> files,
		String definition,
		@JsonProperty("logical_date") String logicalDate,
		@JsonProperty("dry_run") String dryRunOutput,
		Window window,
		@JsonProperty("line_ids") Boolean lineIds,
		Counts counts,
		@JsonProperty("records_per_second") BigDecimal recordsPerSecond,
		List<StepSummary> steps,
		@JsonProperty("reject_reasons") Map<String, Long> rejectReasons,
		List<ModelSummary> models,
		@JsonProperty("resent_in_doubt") Long resentInDoubt,
		@JsonProperty("reconciled_in_doubt") Long reconciledInDoubt,
		@JsonProperty("left_in_doubt") Long leftInDoubt) {

	/** What one model's sent logs counted and cost in this run. */
	public record ModelSummary(String model, long logs, @JsonProperty("prompt_tokens") long promptTokens,
			@JsonProperty("completion_tokens") long completionTokens, @JsonProperty("cost_usd") BigDecimal costUsd,
			long unpriced) {
	}

	public Duration duration() {
		return durationSeconds == null ? null : Duration.ofMillis(durationSeconds.movePointRight(3).longValue());
	}

	/**
	 * Record and delivery counts. Every record read was sent, found already sent, rejected, outside the window
	 * ({@code outsideWindow}: its time is outside the run's import window, so it was neither sent nor rejected) or a
	 * duplicate in the source ({@code sourceDuplicates}: the same id and content as a record the run took before).
	 */
	public record Counts(long read, long sent, @JsonProperty("already_sent") long alreadySent, long rejected,
			long batches, long requests, long retries, @JsonProperty("wait_millis") long waitMillis,
			@JsonProperty("prompt_tokens") long promptTokens,
			@JsonProperty("completion_tokens") long completionTokens, @JsonProperty("cost_usd") BigDecimal costUsd,
			long unpriced, @JsonProperty("without_timing") long withoutTiming,
			@JsonProperty("outside_window") long outsideWindow,
			@JsonProperty("source_duplicates") long sourceDuplicates) {
	}

	/**
	 * The import window of a run, as ISO-8601 instants.
	 * @param since its inclusive start, or null
	 * @param before its exclusive end, or null
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Window(String since, String before) {

		/** For people: {@code since 2025-01-01T00:00:00Z, before 2025-06-01T00:00:00Z}. */
		@Override
		public String toString() {
			return (since != null ? "since " + since : "") + (since != null && before != null ? ", " : "")
					+ (before != null ? "before " + before : "");
		}

	}

	/**
	 * One step execution of the run.
	 * @param worker the {@code worker} process ({@code <host>:<pid>}) that ran a partition of a remote run; null
	 * for a step run by the process that ran the job
	 */
	public record StepSummary(long id, String name, String status, @JsonProperty("read") long readCount,
			@JsonProperty("commits") long commitCount, @JsonProperty("rollbacks") long rollbackCount,
			@JsonProperty("exit_message") String exitMessage, String worker) {

		public StepSummary(long id, String name, String status, long readCount, long commitCount, long rollbackCount,
				String exitMessage) {
			this(id, name, status, readCount, commitCount, rollbackCount, exitMessage, null);
		}

	}

}
