package io.keywordsbackfill.job;

import java.nio.file.Path;

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
 */
@Validated
@ConfigurationProperties("backfill")
public record BackfillProperties(
		@DefaultValue("2000") @Min(1) @Max(100_000) int chunkSize,
		@DefaultValue("4") @Min(1) @Max(64) int concurrency,
		Path pricesFile) {
}
