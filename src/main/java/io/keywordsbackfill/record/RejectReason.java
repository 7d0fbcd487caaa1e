package io.keywordsbackfill.record;

import java.util.Locale;

/**
 * Why a record was not delivered. The code (lower-case name) is stored in the rejects table and shown by
 * the CLI; keep the names stable.
 */
public enum RejectReason {

	/** The line is not JSON, or is truncated JSON. */
	MALFORMED_JSON(false),
	/** A CSV record breaks the CSV syntax (an unterminated quote, text after a closing quote). */
	MALFORMED_CSV(false),
	/** The line is JSON but not an object. */
	NOT_AN_OBJECT(false),
	/** The line is not valid UTF-8 or holds NUL bytes. */
	INVALID_ENCODING(false),
	/** The line is longer than one log may be. */
	TOO_LARGE(false),
	/** A required field (custom_id, response, model, ...) is missing. */
	MISSING_FIELD(false),
	/** A field has the wrong type or an impossible value. */
	INVALID_FIELD(false),
	/** The call's time is unknown and no fallback was configured. */
	MISSING_TIMESTAMP(true),
	/** The record has no id of its own (and the user did not ask for ids made from lines). */
	MISSING_SOURCE_ID(false),
	/** The same source id appeared earlier in the same run with different content; the message names both places. */
	DUPLICATE_SOURCE_ID(false),
	/** No price is known for the model and the job rejects unpriced records. */
	UNKNOWN_MODEL_PRICE(true),
	/** Keywords AI answered this one record with an error. */
	API_REJECTED(true),
	/** A killed run left this log in flight: it may be stored already, so it was not sent again. */
	IN_DOUBT(true);

	private final boolean replayable;

	RejectReason(boolean replayable) {
		this.replayable = replayable;
	}

	/** Whether sending it again can succeed after a configuration fix, without changing the input file. */
	public boolean replayable() {
		return replayable;
	}

	public String code() {
		return name().toLowerCase(Locale.ROOT);
	}

}
