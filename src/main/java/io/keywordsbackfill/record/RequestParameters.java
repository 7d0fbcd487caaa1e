package io.keywordsbackfill.record;

import tools.jackson.databind.JsonNode;

/**
 * The sampling and tool parameters of the original request, as far as Keywords AI stores them. Every
 * field is nullable: absent in the source means absent in the log.
 */
public record RequestParameters(
		Double temperature,
		Integer maxTokens,
		Double topP,
		Double frequencyPenalty,
		Double presencePenalty,
		Boolean stream,
		JsonNode stop,
		JsonNode tools,
		JsonNode toolChoice,
		JsonNode responseFormat) {

	public static final RequestParameters NONE = new RequestParameters(null, null, null, null, null, null, null,
			null, null, null);

}
