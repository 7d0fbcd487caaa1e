package io.keywordsbackfill.job;

import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.keywordsbackfill.source.ChatLogOptions;
import io.keywordsbackfill.source.UsageCsvOptions;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the files of one input are read, as stored in the job parameter {@code input.N.options} (JSON with
 * sorted keys, so equal options give an equal, identifying parameter).
 *
 * @param fields chat-log field renames (canonical → name in the file)
 * @param columns usage-csv column mapping (canonical → header name)
 * @param latencyUnit usage-csv: {@code ms} or {@code s}; null means ms
 * @param defaultZone zone of timestamps without an offset; null means UTC
 * @param lineIds usage-csv and chat-log: records without an id get one made of the file and line, as asked by the
 * user; null
 * (not false) otherwise, so that the options of earlier runs keep their JSON
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record InputOptions(Map<String, String> fields, Map<String, String> columns,
		@JsonProperty("latency_unit") String latencyUnit, @JsonProperty("default_zone") String defaultZone,
		@JsonProperty("line_ids") Boolean lineIds) {

	public static final InputOptions NONE = new InputOptions(Map.of(), Map.of(), null, null);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public InputOptions {
		fields = fields == null ? new TreeMap<>() : new TreeMap<>(fields);
		columns = columns == null ? new TreeMap<>() : new TreeMap<>(columns);
		lineIds = Boolean.TRUE.equals(lineIds) ? Boolean.TRUE : null;
	}

	public InputOptions(Map<String, String> fields, Map<String, String> columns, String latencyUnit,
			String defaultZone) {
		this(fields, columns, latencyUnit, defaultZone, null);
	}

	/** Whether rows without an id get a line-based one. */
	public boolean lineBasedIds() {
		return Boolean.TRUE.equals(lineIds);
	}

	/**
	 * Checks the options against a format.
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public void validate(String format) {
		if (latencyUnit != null && !latencyUnit.equals("ms") && !latencyUnit.equals("s")) {
			throw new IllegalArgumentException("latency unit '" + latencyUnit + "' is not ms or s");
		}
		if (!fields.isEmpty() && !format.equals("chat-log")) {
			throw new IllegalArgumentException("field renames are for chat-log files");
		}
		if (!columns.isEmpty() && !format.equals("usage-csv")) {
			throw new IllegalArgumentException("column mappings are for usage-csv files");
		}
		if (lineBasedIds() && !format.equals("usage-csv")) {
			throw new IllegalArgumentException("line-based ids are for usage-csv files");
		}
		try {
			zone();
		}
		catch (java.time.DateTimeException ex) {
			throw new IllegalArgumentException("default zone '" + defaultZone + "' is not a time zone (e.g. UTC, Europe/Paris)");
		}
		chatLog();
		usageCsv();
	}

	String toJson() {
		return JSON.writeValueAsString(this);
	}

	static InputOptions fromJson(String json) {
		return json == null || json.isBlank() ? NONE : JSON.readValue(json, InputOptions.class);
	}

	ChatLogOptions chatLog() {
		return new ChatLogOptions(fields, zone(), lineBasedIds());
	}

	/** The options of a usage-csv reader. */
	public UsageCsvOptions usageCsv() {
		UsageCsvOptions.LatencyUnit unit = latencyUnit == null || latencyUnit.equals("ms")
				? UsageCsvOptions.LatencyUnit.MILLISECONDS : UsageCsvOptions.LatencyUnit.SECONDS;
		return new UsageCsvOptions(columns, unit, zone(), ',', lineBasedIds());
	}

	private ZoneId zone() {
		return defaultZone == null ? null : ZoneId.of(defaultZone);
	}

}
