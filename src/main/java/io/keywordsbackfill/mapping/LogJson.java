package io.keywordsbackfill.mapping;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of outgoing logs, so that what is sent, what the dry run writes and what a
 * reject row stores are the same bytes: nulls left out (absent means unknown), {@link java.math.BigDecimal}
 * written as plain numbers ({@code 0.0000044}, never {@code 4.4E-6}).
 */
public final class LogJson {

	/** Thread-safe; do not reconfigure. */
	public static final JsonMapper MAPPER = JsonMapper.builder()
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
		.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
		.build();

	private LogJson() {
	}

	/** The log as UTF-8 JSON, exactly as it goes into {@code {"logs":[...]}}. */
	public static byte[] toJsonBytes(KeywordsLog log) {
		return MAPPER.writeValueAsBytes(log);
	}

	/** The log as a JSON string (for reject rows and the dry-run file). */
	public static String toJson(KeywordsLog log) {
		return MAPPER.writeValueAsString(log);
	}

}
