package io.keywordsbackfill.source;

import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SecretRedactor;
import io.keywordsbackfill.record.SourcePosition;
import io.keywordsbackfill.record.UnreadableRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/** What the line-based readers share: flawed-line rejects, excerpts and parse-error messages. */
final class SourceLines {

	static final int EXCERPT_CHARS = 2000;

	private static final int MAX_MESSAGE_CHARS = 300;

	private SourceLines() {
	}

	/**
	 * @return the reject for a line that {@link LineReader} flagged (too large, not UTF-8, NUL byte), or
	 * null for a line whose text is faithful
	 */
	static UnreadableRecord flawed(SourceLine line, SourcePosition position) {
		return switch (line.problem()) {
			case TOO_LARGE -> unreadable(position, null, RejectReason.TOO_LARGE,
					"line is longer than the maximum line size", line.text());
			case INVALID_UTF8 -> unreadable(position, null, RejectReason.INVALID_ENCODING, "line is not valid UTF-8",
					line.text());
			case NUL_BYTE -> unreadable(position, null, RejectReason.INVALID_ENCODING, "line contains a NUL byte",
					line.text());
			case NONE -> null;
		};
	}

	static UnreadableRecord unreadable(SourcePosition position, String sourceId, RejectReason reason, String message,
			String text) {
		return new UnreadableRecord(position, sourceId, reason, message, excerpt(text));
	}

	/** The start of the text without secrets; redacted before cutting so a cut cannot expose half a key. */
	static String excerpt(String text) {
		if (text == null) {
			return null;
		}
		String head = (text.length() > 2 * EXCERPT_CHARS) ? text.substring(0, 2 * EXCERPT_CHARS) : text;
		String redacted = SecretRedactor.redact(head);
		return (redacted.length() > EXCERPT_CHARS) ? redacted.substring(0, EXCERPT_CHARS) : redacted;
	}

	/** A Jackson error as a short message with the JSON path, without secrets. */
	static String describe(JacksonException ex) {
		String message = ex.getOriginalMessage();
		if (ex instanceof DatabindException databind && !databind.getPath().isEmpty()) {
			message = message + " (at " + databind.getPathReference() + ")";
		}
		message = SecretRedactor.redact(message);
		return (message.length() > MAX_MESSAGE_CHARS) ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message;
	}

}
