package io.keywordsbackfill.source;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One line of a Together Batch output or error file. An output line has {@code response.body}; an error
 * line (in either file) has {@code error}. Only {@code custom_id} and one of those two are reliable.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record TogetherBatchOutputLine(String id, @JsonProperty("custom_id") String customId, Response response,
		TogetherBatchError error) {

	ChatCompletion body() {
		return (this.response != null) ? this.response.body() : null;
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Response(@JsonProperty("status_code") Integer statusCode, @JsonProperty("request_id") String requestId,
			ChatCompletion body) {
	}

}
