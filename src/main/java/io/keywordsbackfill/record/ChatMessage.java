package io.keywordsbackfill.record;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.JsonNode;

/**
 * One chat message as OpenAI-compatible APIs spell it. {@code content} stays a JSON node because it is
 * a string, an array of content parts, or null (an assistant reply that only calls tools).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatMessage(
		String role,
		JsonNode content,
		@JsonProperty("tool_calls") JsonNode toolCalls,
		@JsonProperty("tool_call_id") String toolCallId,
		String name) {
}
