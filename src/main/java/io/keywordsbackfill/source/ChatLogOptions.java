package io.keywordsbackfill.source;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to read a {@code chat-log} file.
 *
 * @param fieldNames renames of top-level fields: canonical name (one of {@link #FIELDS}) → the name used in
 * the file, e.g. {@code started_at → start}; fields not named keep their canonical name. Never null
 * (null becomes empty).
 * @param defaultZone the zone of timestamps written without an offset; null means UTC
 * @param lineIds true when the user asked for ids made from file and line for lines that carry no id of their
 * own; false rejects such lines as {@code missing_source_id}
 */
public record ChatLogOptions(Map<String, String> fieldNames, ZoneId defaultZone, boolean lineIds) {

	/** The canonical top-level fields of a chat-log line (see {@code docs/formats/chat-log.schema.json}). */
	public static final List<String> FIELDS = List.of("request", "response", "error", "started_at", "completed_at",
			"latency_ms", "ttft_ms", "user", "status_code", "request_id", "cost_usd", "metadata");

	public static final ChatLogOptions DEFAULTS = new ChatLogOptions(Map.of(), ZoneOffset.UTC, false);

	/**
	 * @throws IllegalArgumentException if a rename names an unknown canonical field, renames to an empty
	 * name, or two fields are renamed to the same name
	 */
	public ChatLogOptions {
		fieldNames = (fieldNames != null) ? Map.copyOf(fieldNames) : Map.of();
		defaultZone = (defaultZone != null) ? defaultZone : ZoneOffset.UTC;
		Set<String> targets = new TreeSet<>();
		for (Map.Entry<String, String> rename : fieldNames.entrySet()) {
			if (!FIELDS.contains(rename.getKey())) {
				throw new IllegalArgumentException(
						"unknown chat-log field \"" + rename.getKey() + "\" (known: " + String.join(", ", FIELDS) + ")");
			}
			if (rename.getValue() == null || rename.getValue().isBlank()) {
				throw new IllegalArgumentException("chat-log field \"" + rename.getKey() + "\" renamed to an empty name");
			}
			if (!targets.add(rename.getValue())) {
				throw new IllegalArgumentException(
						"two chat-log fields are renamed to \"" + rename.getValue() + "\"");
			}
		}
	}

	public ChatLogOptions(Map<String, String> fieldNames, ZoneId defaultZone) {
		this(fieldNames, defaultZone, false);
	}

	/** The name a canonical field has in the file. */
	String nameInFile(String canonical) {
		return this.fieldNames.getOrDefault(canonical, canonical);
	}

}
