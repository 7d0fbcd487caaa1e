package io.keywordsbackfill.source;

/** Why a line's text could not be taken as it is. */
public enum LineProblem {

	/** The line is fine. */
	NONE,
	/** The bytes are not valid UTF-8. */
	INVALID_UTF8,
	/** The line holds a NUL byte (valid UTF-8, but never part of a JSON text). */
	NUL_BYTE,
	/** The line is longer than the reader's maximum; only its start was kept. */
	TOO_LARGE

}
