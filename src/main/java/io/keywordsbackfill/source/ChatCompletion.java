package io.keywordsbackfill.source;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.keywordsbackfill.record.ChatMessage;
import io.keywordsbackfill.record.TokenUsage;
import tools.jackson.databind.JsonNode;

/**
 * An OpenAI-compatible chat completion as Together returns it. Every field may be absent.
 *
 * @param created Unix seconds; the only call time a Batch output has
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ChatCompletion(String id, String object, Long created, String model, List<Choice> choices, Usage usage) {

	/** The first choice's message (the one a non-{@code n} request has), or null. */
	ChatMessage firstMessage() {
		return (this.choices == null || this.choices.isEmpty() || this.choices.get(0) == null) ? null
				: this.choices.get(0).message();
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Choice(Integer index, ChatMessage message, @JsonProperty("finish_reason") String finishReason) {
	}

	/**
	 * Token counts as they stand in the JSON, checked by {@link FieldValues#count(JsonNode, String)} so
	 * that {@code 12.5} or {@code -3} is refused rather than truncated or thrown at a later stage.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Usage(@JsonProperty("prompt_tokens") JsonNode promptTokens,
			@JsonProperty("completion_tokens") JsonNode completionTokens,
			@JsonProperty("total_tokens") JsonNode totalTokens) {

		/** The counts, or null when either is absent. */
		TokenUsage toTokenUsage() throws BadFieldException {
			return FieldValues.usage(FieldValues.count(this.promptTokens, "usage.prompt_tokens"),
					FieldValues.count(this.completionTokens, "usage.completion_tokens"));
		}

	}

}
