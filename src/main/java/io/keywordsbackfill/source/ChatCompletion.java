package io.keywordsbackfill.source;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.keywordsbackfill.record.ChatMessage;

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

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Usage(@JsonProperty("prompt_tokens") Long promptTokens,
			@JsonProperty("completion_tokens") Long completionTokens,
			@JsonProperty("total_tokens") Long totalTokens) {
	}

}
