package io.keywordsbackfill.source;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * How to read a {@code usage-csv} file.
 *
 * @param columns column mapping: canonical name (one of {@link #DEFAULT_HEADER}) → the header name used in
 * the file; columns not named keep their canonical name. A column named here must exist in the file.
 * Never null (null becomes empty).
 * @param latencyUnit the unit of the {@code latency_ms} and {@code ttft_ms} columns (their canonical names
 * keep "ms" whatever the unit); null means milliseconds
 * @param defaultZone the zone of timestamps written without an offset; null means UTC
 * @param delimiter the field separator; {@code ','} by default (use {@code ';'} or {@code '\t'} for other
 * exports); never a quote, CR or LF
 */
public record UsageCsvOptions(Map<String, String> columns, LatencyUnit latencyUnit, ZoneId defaultZone,
		char delimiter) {

	/** The default header, which is also the list of canonical column names. */
	public static final List<String> DEFAULT_HEADER = List.of("timestamp", "request_id", "model", "prompt_tokens",
			"completion_tokens", "total_tokens", "latency_ms", "ttft_ms", "status_code", "customer_id", "cost_usd",
			"error_message");

	/** Columns without which no row can become a log. */
	public static final List<String> REQUIRED = List.of("timestamp", "model");

	public static final UsageCsvOptions DEFAULTS = new UsageCsvOptions(Map.of(), LatencyUnit.MILLISECONDS,
			ZoneOffset.UTC, ',');

	/**
	 * @throws IllegalArgumentException for an unknown canonical column, an empty header name, or a delimiter
	 * that cannot separate fields
	 */
	public UsageCsvOptions {
		columns = (columns != null) ? Map.copyOf(columns) : Map.of();
		latencyUnit = (latencyUnit != null) ? latencyUnit : LatencyUnit.MILLISECONDS;
		defaultZone = (defaultZone != null) ? defaultZone : ZoneOffset.UTC;
		for (Map.Entry<String, String> column : columns.entrySet()) {
			if (!DEFAULT_HEADER.contains(column.getKey())) {
				throw new IllegalArgumentException("unknown usage-csv column \"" + column.getKey() + "\" (known: "
						+ String.join(", ", DEFAULT_HEADER) + ")");
			}
			if (column.getValue() == null || column.getValue().isBlank()) {
				throw new IllegalArgumentException("usage-csv column \"" + column.getKey() + "\" mapped to an empty name");
			}
		}
		if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
			throw new IllegalArgumentException("usage-csv delimiter cannot be a quote or a line break");
		}
	}

	/** The header name of a canonical column in the file. */
	String headerName(String canonical) {
		return this.columns.getOrDefault(canonical, canonical);
	}

	/** The unit of latency and TTFT values. */
	public enum LatencyUnit {

		MILLISECONDS, SECONDS

	}

}
