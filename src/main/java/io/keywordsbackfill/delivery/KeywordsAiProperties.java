package io.keywordsbackfill.delivery;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How to reach Keywords AI and how hard to try. Bound from {@code keywordsai.*}; the environment variables
 * {@code KEYWORDSAI_API_KEY} and {@code KEYWORDSAI_BASE_URL} bind here through relaxed binding.
 *
 * @param baseUrl the API root, without a trailing {@code /request-logs/...}
 * @param apiKey the secret key; null here because a dry run needs none ({@link KeywordsAiClient} requires it).
 * Never printed: {@link #toString()} masks it
 * @param connectTimeout TCP/TLS connect timeout of one request
 * @param readTimeout longest silence while waiting for a response; a large batch can take the server a while
 * @param maxBatchLogs most logs in one request (the API allows 5,000)
 * @param maxBatchBytes most bytes in one request body (the API allows 100 MB)
 * @param retry how transient failures are retried
 */
@Validated
@ConfigurationProperties("keywordsai")
public record KeywordsAiProperties(
		@DefaultValue("https://api.keywordsai.co/api") @NotNull URI baseUrl,
		String apiKey,
		@DefaultValue("10s") @NotNull Duration connectTimeout,
		@DefaultValue("60s") @NotNull Duration readTimeout,
		@DefaultValue("500") @Min(1) @Max(5000) int maxBatchLogs,
		@DefaultValue("10MB") @NotNull DataSize maxBatchBytes,
		@DefaultValue @NotNull @Valid Retry retry) {

	/** The documented ceiling of one batch request. */
	static final DataSize API_MAX_BATCH_BYTES = DataSize.ofMegabytes(100);

	@AssertTrue(message = "maxBatchBytes must be between 1 byte and 100MB")
	boolean isMaxBatchBytesWithinApiLimit() {
		return maxBatchBytes == null
				|| (maxBatchBytes.toBytes() > 0 && maxBatchBytes.compareTo(API_MAX_BATCH_BYTES) <= 0);
	}

	@AssertTrue(message = "connectTimeout and readTimeout must be positive")
	boolean isTimeoutsPositive() {
		return (connectTimeout == null || connectTimeout.compareTo(Duration.ZERO) > 0)
				&& (readTimeout == null || readTimeout.compareTo(Duration.ZERO) > 0);
	}

	/** Whether an API key was given (blank counts as none). */
	public boolean hasApiKey() {
		return apiKey != null && !apiKey.isBlank();
	}

	@Override
	public String toString() {
		return "KeywordsAiProperties[baseUrl=" + baseUrl + ", apiKey=" + (hasApiKey() ? "****" : "<unset>")
				+ ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", maxBatchLogs="
				+ maxBatchLogs + ", maxBatchBytes=" + maxBatchBytes + ", retry=" + retry + "]";
	}

	/**
	 * Retry of one batch request after 408/425/429/5xx or an I/O error: exponential backoff with full jitter,
	 * never shorter than the server's {@code Retry-After}, within a time budget.
	 *
	 * @param initialDelay the ceiling of the first wait
	 * @param multiplier growth of the ceiling per attempt
	 * @param maxDelay the largest ceiling of one computed wait (a server's {@code Retry-After} may exceed it)
	 * @param budget the total time one batch may spend being retried; past it the step fails
	 * @param maxAttempts most attempts in all, the first included; 0 means as many as the budget allows
	 */
	public record Retry(
			@DefaultValue("500ms") @NotNull Duration initialDelay,
			@DefaultValue("2") @DecimalMin("1.0") double multiplier,
			@DefaultValue("30s") @NotNull Duration maxDelay,
			@DefaultValue("5m") @NotNull Duration budget,
			@DefaultValue("0") @Min(0) int maxAttempts) {

		@AssertTrue(message = "retry delays and budget must not be negative")
		boolean isDurationsNotNegative() {
			return (initialDelay == null || !initialDelay.isNegative()) && (maxDelay == null || !maxDelay.isNegative())
					&& (budget == null || !budget.isNegative());
		}

	}

}
