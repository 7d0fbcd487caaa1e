package io.keywordsbackfill.job;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How imports run ({@code backfill.*}).
 *
 * @param chunkSize records per chunk: one transaction, one checkpoint of the reader position
 * @param concurrency batches of one chunk in flight at once
 * @param pricesFile an optional price catalog that overrides or extends the one shipped in the jar
 * @param progress how a run shows its progress: {@code auto} a live line on a terminal and log lines
 * otherwise, {@code log} log lines only, {@code off} nothing
 * @param progressInterval how often a progress log line is written
 */
@Validated
@ConfigurationProperties("backfill")
public record BackfillProperties(
		@DefaultValue("2000") @Min(1) @Max(100_000) int chunkSize,
		@DefaultValue("4") @Min(1) @Max(64) int concurrency,
		Path pricesFile,
		@DefaultValue("auto") Progress progress,
		@DefaultValue("10s") Duration progressInterval) {

	@AssertTrue(message = "progressInterval must be positive")
	boolean isProgressIntervalPositive() {
		return progressInterval == null || progressInterval.compareTo(Duration.ZERO) > 0;
	}

	/** Values of {@code backfill.progress}. */
	public enum Progress {
		AUTO, LOG, OFF
	}

}
