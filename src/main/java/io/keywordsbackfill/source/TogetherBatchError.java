package io.keywordsbackfill.source;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code error} of a Batch output or error line: {@code {"message": "...", "code": "invalid_model"}},
 * sometimes with a {@code status_code}; a bare string is accepted as the message.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record TogetherBatchError(String message, String code, String type,
		@JsonProperty("status_code") Integer statusCode) {

	@JsonCreator
	TogetherBatchError {
	}

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	static TogetherBatchError ofMessage(String message) {
		return new TogetherBatchError(message, null, null, null);
	}

}
