package io.keywordsbackfill.job;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How imports run ({@code backfill.*}).
 *
 * @param chunkSize records per chunk: one transaction, one checkpoint of the reader position
 * @param partitions how many partitions (files, or line-aligned byte ranges of a large file) are read and
 * delivered at once, each with its own restart position
 * @param minPartitionBytes a plain file is cut into ranges no smaller than this; smaller files are read a few
 * consecutive ones to a partition, up to this size
 * @param concurrency requests in flight at the start (all partitions together)
 * @param maxConcurrency the most requests in flight that adaptive concurrency may reach
 * @param adaptiveConcurrency grow the limit while latency is steady, cut it on 429/503 or rising latency
 * @param rateLimit optional ceilings on logs and requests per second
 * @param pricesFile an optional price catalog that overrides or extends the one shipped in the jar
 * @param progress how a run shows its progress: {@code auto} a live line on a terminal and log lines
 * otherwise, {@code log} log lines only, {@code off} nothing
 * @param progressInterval how often a progress log line is written
 * @param inDoubt what a restart does with logs a killed run had in flight
 * @param reconcile how {@code reconcile} asks Keywords AI, and what it does when it cannot
 * @param fingerprintCache recognise a file seen before and unchanged since (same path, size, times and inode)
 * by the fingerprint remembered for it, instead of reading it whole again
 */
@Validated
@ConfigurationProperties("backfill")
public record BackfillProperties(
		@DefaultValue("2000") @Min(1) @Max(100_000) int chunkSize,
		@DefaultValue("6") @Min(1) @Max(64) int partitions,
		@DefaultValue("16MB") org.springframework.util.unit.DataSize minPartitionBytes,
		@DefaultValue("4") @Min(1) @Max(256) int concurrency,
		@DefaultValue("32") @Min(1) @Max(256) int maxConcurrency,
		@DefaultValue("true") boolean adaptiveConcurrency,
		@DefaultValue @Valid RateLimit rateLimit,
		Path pricesFile,
		@DefaultValue("auto") Progress progress,
		@DefaultValue("10s") Duration progressInterval,
		@DefaultValue("reconcile") InDoubt inDoubt,
		@DefaultValue @Valid Reconcile reconcile,
		@DefaultValue("true") boolean fingerprintCache) {

	public BackfillProperties {
		if (maxConcurrency < concurrency) {
			throw new IllegalArgumentException("backfill.max-concurrency (" + maxConcurrency
					+ ") must not be below backfill.concurrency (" + concurrency + ")");
		}
	}

	@AssertTrue(message = "progressInterval must be positive")
	boolean isProgressIntervalPositive() {
		return progressInterval == null || progressInterval.compareTo(Duration.ZERO) > 0;
	}

	/**
	 * What a restart does with the logs a killed run had in flight: {@code reconcile} asks Keywords AI which of
	 * them it stores and sends only the rest (also for a batch whose answer was lost in a running import);
	 * {@code resend} sends them all again (none lost; a duplicate for each that had arrived); {@code reject} sets
	 * them aside as {@code in_doubt} (none duplicated; listed by {@code rejects}, sent by {@code replay}).
	 */
	public enum InDoubt {
		RECONCILE, RESEND, REJECT
	}

	/** What {@code reconcile} does with logs it cannot look up. */
	public enum Fallback {
		RESEND, REJECT
	}

	/**
	 * @param settleTime how long to wait before asking again about logs not listed at the first question (Keywords
	 * AI lists a log some time after it accepted it)
	 * @param fallback what happens to logs that cannot be looked up: the list endpoint answers 403/404, or a log has
	 * no {@code custom_identifier}
	 */
	public record Reconcile(@DefaultValue("5s") Duration settleTime, @DefaultValue("resend") Fallback fallback) {

		@AssertTrue(message = "settleTime must not be negative")
		boolean isSettleTimeValid() {
			return settleTime == null || !settleTime.isNegative();
		}

	}

	/** Values of {@code backfill.progress}. */
	public enum Progress {
		AUTO, LOG, OFF
	}

	/**
	 * @param logsPerSecond 0 = no limit
	 * @param requestsPerSecond 0 = no limit
	 */
	public record RateLimit(@DefaultValue("0") @PositiveOrZero double logsPerSecond,
			@DefaultValue("0") @PositiveOrZero double requestsPerSecond) {
	}

}
