package io.keywordsbackfill.source;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 record parser fed one physical line at a time, so that the caller keeps the byte offset and
 * line number of every record (a quoted field may hold line breaks, and then a record spans lines).
 * <ul>
 * <li>A field is quoted when it starts with {@code "}; inside, {@code ""} is a quote and delimiters and
 * line breaks are text. A line break inside quotes is read as {@code \n} (a CRLF in the file too, since
 * {@link LineReader} removes the {@code \r}).</li>
 * <li>After a closing quote only the delimiter or the end of the line may follow, else the record is
 * malformed ({@code "ab"c}).</li>
 * <li>A quote inside an unquoted field ({@code 5" screen}) is text, as spreadsheets write it.</li>
 * </ul>
 * Not thread-safe; {@link #reset()} before each record.
 */
final class CsvRecordParser {

	enum Status {

		/** The record is complete: {@link #fields()}. */
		COMPLETE,
		/** A quoted field is still open at the end of the line: feed the next line. */
		NEEDS_MORE,
		/** The record breaks the syntax: {@link #error()}. */
		MALFORMED

	}

	private final char delimiter;

	private final List<String> fields = new ArrayList<>();

	private final StringBuilder field = new StringBuilder();

	private boolean inQuotes;

	private boolean afterClosingQuote;

	private boolean atFieldStart = true;

	private String error;

	CsvRecordParser(char delimiter) {
		this.delimiter = delimiter;
	}

	void reset() {
		this.fields.clear();
		this.field.setLength(0);
		this.inQuotes = false;
		this.afterClosingQuote = false;
		this.atFieldStart = true;
		this.error = null;
	}

	/** Feeds one line without its line terminator. */
	Status feed(String line) {
		int length = line.length();
		for (int i = 0; i < length; i++) {
			char c = line.charAt(i);
			if (this.inQuotes) {
				if (c != '"') {
					this.field.append(c);
				}
				else if (i + 1 < length && line.charAt(i + 1) == '"') {
					this.field.append('"');
					i++;
				}
				else {
					this.inQuotes = false;
					this.afterClosingQuote = true;
				}
			}
			else if (c == this.delimiter) {
				endField();
			}
			else if (this.afterClosingQuote) {
				this.error = "text after the closing quote of column " + (this.fields.size() + 1);
				return Status.MALFORMED;
			}
			else if (c == '"' && this.atFieldStart) {
				this.inQuotes = true;
				this.atFieldStart = false;
			}
			else {
				this.field.append(c);
				this.atFieldStart = false;
			}
		}
		if (this.inQuotes) {
			this.field.append('\n');
			return Status.NEEDS_MORE;
		}
		endField();
		return Status.COMPLETE;
	}

	private void endField() {
		this.fields.add(this.field.toString());
		this.field.setLength(0);
		this.afterClosingQuote = false;
		this.atFieldStart = true;
	}

	/** The fields of a complete record, in order; an empty field is {@code ""}. */
	List<String> fields() {
		return List.copyOf(this.fields);
	}

	String error() {
		return this.error;
	}

}
