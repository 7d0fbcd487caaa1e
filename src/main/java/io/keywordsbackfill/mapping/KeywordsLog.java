package io.keywordsbackfill.mapping;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.keywordsbackfill.record.ChatMessage;
import tools.jackson.databind.JsonNode;

/**
 * One Keywords AI request log, as sent to {@code POST /request-logs/batch/create}. Null fields are left
 * out of the JSON: an absent {@code cost} lets Keywords AI price the call itself, an absent
 * {@code generation_time} says "unknown" rather than zero. Times are seconds, money is USD.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeywordsLog(
		String model,
		@JsonProperty("log_type") String logType,
		@JsonProperty("prompt_messages") List<ChatMessage> promptMessages,
		@JsonProperty("completion_message") ChatMessage completionMessage,
		@JsonProperty("prompt_tokens") Long promptTokens,
		@JsonProperty("completion_tokens") Long completionTokens,
		BigDecimal cost,
		@JsonProperty("generation_time") BigDecimal generationTimeSeconds,
		BigDecimal ttft,
		String timestamp,
		@JsonProperty("start_time") String startTime,
		@JsonProperty("customer_identifier") String customerIdentifier,
		@JsonProperty("custom_identifier") String customIdentifier,
		Map<String, Object> metadata,
		@JsonProperty("status_code") Integer statusCode,
		@JsonProperty("error_message") String errorMessage,
		String status,
		Double temperature,
		@JsonProperty("max_tokens") Integer maxTokens,
		@JsonProperty("top_p") Double topP,
		@JsonProperty("frequency_penalty") Double frequencyPenalty,
		@JsonProperty("presence_penalty") Double presencePenalty,
		Boolean stream,
		JsonNode stop,
		JsonNode tools,
		@JsonProperty("tool_choice") JsonNode toolChoice,
		@JsonProperty("response_format") JsonNode responseFormat) {

	/** Metadata key holding the stable source id (also in {@code custom_identifier}). */
	public static final String META_SOURCE_ID = "backfill_source_id";

	public static final String META_FILE = "backfill_file";

	public static final String META_LINE = "backfill_line";

	/** Metadata key saying where the timestamp of a call whose source had none came from. */
	public static final String META_TIMESTAMP = "backfill_timestamp";

}
