package io.keywordsbackfill.source;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * How to read a {@code usage-csv} file.
 *
 * @param columns column mapping: canonical name (one of {@link #DEFAULT_HEADER}) → the header name used in
 * the file; columns not named are found by their canonical name or a synonym ({@link UsageCsvColumns}). A
 * header named here must exist in the file; the empty name says that the file has no such column on purpose
 * (allowed for every column but {@link #REQUIRED} and {@code request_id}). Never null (null becomes empty).
 * @param latencyUnit the unit of the {@code latency_ms} and {@code ttft_ms} columns (their canonical names
 * keep "ms" whatever the unit); null means milliseconds
 * @param defaultZone the zone of timestamps written without an offset; null means UTC
 * @param delimiter the field separator; {@code ','} by default (use {@code ';'} or {@code '\t'} for other
 * exports); never a quote, CR or LF
 * @param lineIds a row without an id (no id column, or an empty cell) gets an id made of the file and its
 * line; otherwise a file without an id column is refused and a row with an empty id is rejected
 */
public record UsageCsvOptions(Map<String, String> columns, LatencyUnit latencyUnit, ZoneId defaultZone,
		char delimiter, boolean lineIds) {

	/** The default header, which is also the list of canonical column names. */
	public static final List<String> DEFAULT_HEADER = List.of("timestamp", "request_id", "model", "prompt_tokens",
			"completion_tokens", "total_tokens", "latency_ms", "ttft_ms", "status_code", "customer_id", "cost_usd",
			"error_message");

	/** Columns without which no row can become a log: a file must have them. */
	public static final List<String> REQUIRED = List.of("timestamp", "model");

	/**
	 * Columns that change what is sent (tokens, and so cost): a file must have them, or the options must say
	 * that it has none (mapped to the empty name), so they are never left out by a header that went unmatched.
	 */
	public static final List<String> WAIVABLE = List.of("prompt_tokens", "completion_tokens");

	public static final UsageCsvOptions DEFAULTS = new UsageCsvOptions(Map.of(), LatencyUnit.MILLISECONDS,
			ZoneOffset.UTC, ',', false);

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
			if (column.getValue() == null || (column.getValue().isBlank() && !column.getValue().isEmpty())) {
				throw new IllegalArgumentException("usage-csv column \"" + column.getKey() + "\" mapped to a blank name");
			}
			if (column.getValue().isEmpty() && column.getKey().equals("request_id")) {
				throw new IllegalArgumentException("usage-csv column request_id cannot be mapped to nothing: "
						+ "ask for line-based ids instead (--line-ids, or line-ids: true in a job definition)");
			}
			if (column.getValue().isEmpty() && REQUIRED.contains(column.getKey())) {
				throw new IllegalArgumentException("usage-csv column " + column.getKey()
						+ " cannot be mapped to nothing: no row can become a log without it");
			}
		}
		if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
			throw new IllegalArgumentException("usage-csv delimiter cannot be a quote or a line break");
		}
	}

	public UsageCsvOptions(Map<String, String> columns, LatencyUnit latencyUnit, ZoneId defaultZone, char delimiter) {
		this(columns, latencyUnit, defaultZone, delimiter, false);
	}

	/** The unit of latency and TTFT values. */
	public enum LatencyUnit {

		MILLISECONDS, SECONDS

	}

}
