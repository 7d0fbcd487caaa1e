package io.keywordsbackfill.source;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.keywordsbackfill.record.ChatMessage;
import io.keywordsbackfill.record.RequestParameters;
import tools.jackson.databind.JsonNode;

/** One line of a Together Batch input file: {@code {"custom_id": "...", "body": <chat request>}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
record TogetherBatchInputLine(@JsonProperty("custom_id") String customId, Body body) {

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Body(String model, List<ChatMessage> messages, Double temperature,
			@JsonProperty("max_tokens") Integer maxTokens, @JsonProperty("top_p") Double topP,
			@JsonProperty("frequency_penalty") Double frequencyPenalty,
			@JsonProperty("presence_penalty") Double presencePenalty, Boolean stream, JsonNode stop,
			JsonNode tools, @JsonProperty("tool_choice") JsonNode toolChoice,
			@JsonProperty("response_format") JsonNode responseFormat, String user) {

		RequestParameters parameters() {
			return new RequestParameters(this.temperature, this.maxTokens, this.topP, this.frequencyPenalty,
					this.presencePenalty, this.stream, this.stop, this.tools, this.toolChoice, this.responseFormat);
		}

	}

}
