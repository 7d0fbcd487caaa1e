package io.keywordsbackfill.source;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.JsonNode;

/**
 * One line of a {@code chat-log} file, after renamed fields got their canonical names. The request has
 * the shape of a chat-completion request (as a Batch input body), the error the shape of a Batch error.
 * Times and numbers stay JSON nodes: {@link FieldValues} checks them so that each bad value is reported
 * with its field's name.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ChatLogLine(
		TogetherBatchInputLine.Body request,
		ChatCompletion response,
		TogetherBatchError error,
		@JsonProperty("started_at") JsonNode startedAt,
		@JsonProperty("completed_at") JsonNode completedAt,
		@JsonProperty("latency_ms") JsonNode latencyMillis,
		@JsonProperty("ttft_ms") JsonNode ttftMillis,
		String user,
		@JsonProperty("status_code") JsonNode statusCode,
		@JsonProperty("request_id") String requestId,
		@JsonProperty("cost_usd") JsonNode costUsd,
		JsonNode metadata) {

	/** A bare chat completion, as if it were the response of a line without anything else. */
	static ChatLogLine ofCompletion(ChatCompletion completion) {
		return new ChatLogLine(null, completion, null, null, null, null, null, null, null, null, null, null);
	}

}
