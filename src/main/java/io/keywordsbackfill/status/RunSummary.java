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
 * its requests to, null for a real run.
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
		Counts counts,
		@JsonProperty("records_per_second") BigDecimal recordsPerSecond,
		List<StepSummary> steps,
		@JsonProperty("reject_reasons") Map<String, Long> rejectReasons,
		List<ModelSummary> models,
		@JsonProperty("resent_in_doubt") Long resentInDoubt) {

	/** What one model's sent logs counted and cost in this run. */
	public record ModelSummary(String model, long logs, @JsonProperty("prompt_tokens") long promptTokens,
			@JsonProperty("completion_tokens") long completionTokens, @JsonProperty("cost_usd") BigDecimal costUsd,
			long unpriced) {
	}

	public Duration duration() {
		return durationSeconds == null ? null : Duration.ofMillis(durationSeconds.movePointRight(3).longValue());
	}

	/** Record and delivery counts. */
	public record Counts(long read, long sent, @JsonProperty("already_sent") long alreadySent, long rejected,
			long batches, long requests, long retries, @JsonProperty("wait_millis") long waitMillis,
			@JsonProperty("prompt_tokens") long promptTokens,
			@JsonProperty("completion_tokens") long completionTokens, @JsonProperty("cost_usd") BigDecimal costUsd,
			long unpriced, @JsonProperty("without_timing") long withoutTiming) {
	}

	/** One step execution of the run. */
	public record StepSummary(long id, String name, String status, @JsonProperty("read") long readCount,
			@JsonProperty("commits") long commitCount, @JsonProperty("rollbacks") long rollbackCount,
			@JsonProperty("exit_message") String exitMessage) {
	}

}
