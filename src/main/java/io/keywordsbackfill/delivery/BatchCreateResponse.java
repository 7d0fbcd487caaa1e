package io.keywordsbackfill.delivery;

import tools.jackson.databind.JsonNode;

/**
 * One entry of the batch-create response's {@code results}, one per log in request order. Only
 * {@code status: "success"} is documented; where a failed entry puts its reason is not, so every place seen in
 * similar APIs is read.
 *
 * @param id the stored log's id, e.g. {@code log_...}
 * @param status {@code success}, or anything else for a rejection
 */
record BatchCreateResponse(String id, String status, JsonNode error, JsonNode message, JsonNode detail,
		JsonNode errors) {

	/**
	 * Reads one entry straight from the tree, as data binding would (a scalar {@code id} or {@code status} is
	 * taken as text, unknown fields are ignored), without a binding context per entry: a large batch has
	 * thousands of entries.
	 * @return null when the entry is not an object, or its {@code id} or {@code status} is not a scalar
	 */
	static BatchCreateResponse of(JsonNode node) {
		if (node == null || !node.isObject()) {
			return null;
		}
		JsonNode id = node.get("id");
		JsonNode status = node.get("status");
		if ((id != null && id.isContainer()) || (status != null && status.isContainer())) {
			return null;
		}
		return new BatchCreateResponse(text(id), text(status), node.get("error"), node.get("message"),
				node.get("detail"), node.get("errors"));
	}

	private static String text(JsonNode scalar) {
		return (scalar == null || scalar.isNull()) ? null : scalar.asString();
	}

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
