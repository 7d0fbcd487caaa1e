package io.keywordsbackfill.mapping;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The time range of the calls an import sends: a log whose {@code timestamp} (the call's completion time, or the
 * time the mapping gives a record that has none) is before {@code since} or at or after {@code before} is not
 * sent. Typically {@code before} is the day live logging to Keywords AI was turned on, so that a backfill does
 * not store again what was logged live.
 *
 * @param since the first instant inside the window (inclusive), or null for no lower bound
 * @param before the first instant after the window (exclusive), or null for no upper bound
 */
public record ImportWindow(Instant since, Instant before) {

	/** No bound: every call is inside. */
	public static final ImportWindow NONE = new ImportWindow(null, null);

	/** What {@link #parseWhen} accepts, for messages. */
	public static final String WHEN_SYNTAX = "an ISO-8601 instant with an offset or Z (2025-06-01T12:00:00Z, "
			+ "2025-06-01T14:00:00+02:00) or a date (2025-06-01, meaning 00:00 UTC)";

	/**
	 * @throws IllegalArgumentException when both bounds are given and {@code since} is not before {@code before}
	 * (the window would be empty)
	 */
	public ImportWindow {
		if (since != null && before != null && !since.isBefore(before)) {
			throw new IllegalArgumentException("the window is empty: " + since + " (since, inclusive) is not before "
					+ before + " (before, exclusive)");
		}
	}

	/** Whether it bounds anything ({@link #NONE} does not). */
	public boolean bounded() {
		return since != null || before != null;
	}

	/** Whether a call with this timestamp is sent: {@code since <= timestamp < before}. */
	public boolean contains(Instant timestamp) {
		return (since == null || !timestamp.isBefore(since)) && (before == null || timestamp.isBefore(before));
	}

	/**
	 * Reads a bound as users write it: an ISO-8601 instant with an offset or {@code Z}, or a date, which means
	 * 00:00 UTC of that day (prices are chosen by UTC date too). A date-time without an offset is refused rather
	 * than given a zone.
	 * @throws IllegalArgumentException naming the value and what is expected
	 */
	public static Instant parseWhen(String value) {
		String text = value == null ? "" : value.strip();
		try {
			if (text.indexOf('T') < 0 && text.indexOf('t') < 0) {
				return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(ZoneOffset.UTC).toInstant();
			}
			return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("'" + value + "' is not " + WHEN_SYNTAX);
		}
	}

	/** For people: {@code since 2025-01-01T00:00:00Z, before 2025-06-01T00:00:00Z}, or {@code none}. */
	@Override
	public String toString() {
		if (!bounded()) {
			return "none";
		}
		return (since != null ? "since " + since : "") + (since != null && before != null ? ", " : "")
				+ (before != null ? "before " + before : "");
	}

}
