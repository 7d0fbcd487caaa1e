package io.keywordsbackfill.delivery;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import tools.jackson.databind.JsonNode;

/**
 * One entry of the batch-create response's {@code results}, one per log in request order. Only
 * {@code status: "success"} is documented; where a failed entry puts its reason is not, so every place seen in
 * similar APIs is read.
 *
 * @param id the stored log's id, e.g. {@code log_...}
 * @param status {@code success}, or anything else for a rejection
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record BatchCreateResponse(String id, String status, JsonNode error, JsonNode message, JsonNode detail,
		JsonNode errors) {

	boolean succeeded() {
		return "success".equalsIgnoreCase(status);
	}

	/** The first of {@code error}, {@code message}, {@code detail}, {@code errors}, as text; null when none. */
	String reason() {
		for (JsonNode node : new JsonNode[] { error, message, detail, errors }) {
			if (node != null && !node.isNull() && !node.isMissingNode()) {
				return node.isString() ? node.stringValue() : node.toString();
			}
		}
		return null;
	}

}
