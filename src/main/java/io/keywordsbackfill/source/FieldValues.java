package io.keywordsbackfill.source;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.regex.Pattern;

import io.keywordsbackfill.record.SecretRedactor;
import io.keywordsbackfill.record.TokenUsage;
import tools.jackson.databind.JsonNode;

/**
 * The value rules shared by every format, so that a token count or a timestamp is accepted or refused
 * the same way whether it came from JSON or from a CSV cell. Every method takes the field's name for
 * the message, returns null for an absent value (JSON null or missing, an empty cell) and throws
 * {@link BadFieldException} ({@code INVALID_FIELD}) for a present but unusable one.
 * <ul>
 * <li>Counts (tokens, status): whole numbers &ge; 0. A JSON string holding only digits ({@code "12"}) is
 * accepted as that number, because some exporters quote every value; {@code 12.5}, {@code "12.5"},
 * {@code "twelve"}, negative numbers, the JSON string {@code ""} and a cell of spaces are refused.</li>
 * <li>Decimals (latency, cost): any non-negative number, or a string holding one, kept as written
 * ({@link BigDecimal} from the text, never through a double); JSON {@code ""} is refused.</li>
 * <li>Durations: exact to the nanosecond.</li>
 * <li>Timestamps: ISO-8601 with or without offset ({@code 2025-03-01T12:00:00.120Z},
 * {@code 2025-03-01T13:00:00+01:00}, {@code 2025-03-01T12:00:00}) and the same with a space instead of
 * {@code T} ({@code 2025-03-01 12:00:00[.SSS]}). Without an offset the configured zone applies. Dates
 * are resolved strictly ({@code 2025-02-30} is refused) and must fall in [{@link #EARLIEST},
 * {@link #LATEST}): a call before 2000 or after 2100 is a broken export, not history.</li>
 * </ul>
 */
final class FieldValues {

	/** No LLM call in an export can be older than this; year 0 and Unix time -5 are broken values. */
	static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

	/** Nor later than this (without consulting a clock: the check must not depend on when it runs). */
	static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

	/** No call lasts longer; it also keeps every duration's nanoseconds within a long. */
	static final Duration LONGEST = Duration.ofDays(365);

	private static final BigDecimal LONGEST_NANOS = BigDecimal.valueOf(LONGEST.toNanos());

	private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

	private static final Pattern SPACE_SEPARATED = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d.*");

	private FieldValues() {
	}

	/** A whole number &ge; 0 from JSON: an integral number or a string of digits. */
	static Long count(JsonNode node, String field) throws BadFieldException {
		if (absent(node)) {
			return null;
		}
		if (node.isString()) {
			String text = node.stringValue();
			if (DIGITS.matcher(text).matches()) {
				return Long.parseLong(text);
			}
			// "" or " " is a value that is not a count, not an absent one
			if (text.isBlank()) {
				throw new BadFieldException("\"" + field + "\" must be a whole number, is " + shorten(text));
			}
			return count(text, field);
		}
		if (node.isIntegralNumber() && node.canConvertToLong()) {
			return nonNegative(node.longValue(), field);
		}
		if (node.isNumber()) {
			BigDecimal value = node.decimalValue();
			if (value.signum() < 0) {
				throw new BadFieldException("\"" + field + "\" is negative: " + value.toPlainString());
			}
			throw new BadFieldException("\"" + field + "\" must be a whole number, is " + value.toPlainString());
		}
		throw new BadFieldException("\"" + field + "\" must be a number, is a " + type(node));
	}

	/**
	 * A whole number &ge; 0 from text (a CSV cell, or a quoted JSON number); surrounding spaces are allowed.
	 * Null and the empty string are absent; a text of spaces only is refused.
	 */
	static Long count(String text, String field) throws BadFieldException {
		if (text == null || text.isEmpty()) {
			return null;
		}
		if (text.isBlank()) {
			throw new BadFieldException("\"" + field + "\" must be a whole number, is " + shorten(text));
		}
		String trimmed = text.strip();
		if (DIGITS.matcher(trimmed).matches()) {
			return Long.parseLong(trimmed);
		}
		BigDecimal number = parseDecimal(trimmed, field);
		if (number.signum() < 0) {
			throw new BadFieldException("\"" + field + "\" is negative: " + shorten(trimmed));
		}
		throw new BadFieldException("\"" + field + "\" must be a whole number, is " + shorten(trimmed));
	}

	/** A number &ge; 0 from JSON: a number or a string holding one. */
	static BigDecimal decimal(JsonNode node, String field) throws BadFieldException {
		if (absent(node)) {
			return null;
		}
		if (node.isString()) {
			if (node.stringValue().isBlank()) {
				throw new BadFieldException("\"" + field + "\" must be a number, is " + shorten(node.stringValue()));
			}
			return decimal(node.stringValue(), field);
		}
		if (!node.isNumber()) {
			throw new BadFieldException("\"" + field + "\" must be a number, is a " + type(node));
		}
		return nonNegative(node.decimalValue(), field);
	}

	/** A number &ge; 0 from text. */
	static BigDecimal decimal(String text, String field) throws BadFieldException {
		if (text == null || text.isBlank()) {
			return null;
		}
		return nonNegative(parseDecimal(text.strip(), field), field);
	}

	/** An HTTP status (100 to 599) from JSON or text. */
	static Integer statusCode(JsonNode node, String field) throws BadFieldException {
		return statusCode(count(node, field), field);
	}

	static Integer statusCode(String text, String field) throws BadFieldException {
		return statusCode(count(text, field), field);
	}

	private static Integer statusCode(Long value, String field) throws BadFieldException {
		if (value == null) {
			return null;
		}
		if (value < 100 || value > 599) {
			throw new BadFieldException("\"" + field + "\" is not an HTTP status: " + value);
		}
		return value.intValue();
	}

	/**
	 * A duration from a number of milliseconds (or seconds when {@code seconds} is true), exact to the
	 * nanosecond ({@code 14615.5} ms is 14.6155 s, not 14.616); digits beyond the nanosecond, which no clock
	 * of an export has, are rounded half up.
	 * @throws BadFieldException for a duration over {@link #LONGEST}, which no call lasts
	 */
	static Duration duration(BigDecimal amount, boolean seconds, String field) throws BadFieldException {
		if (amount == null) {
			return null;
		}
		BigDecimal nanos = amount.movePointRight(seconds ? 9 : 6).setScale(0, RoundingMode.HALF_UP);
		if (nanos.compareTo(LONGEST_NANOS) > 0) {
			throw new BadFieldException("\"" + field + "\" is longer than " + LONGEST.toDays() + " days: "
					+ shorten(amount.toPlainString()));
		}
		return Duration.ofNanos(nanos.longValueExact());
	}

	/** Token counts, or null when either count is absent (never half invented). */
	static TokenUsage usage(Long prompt, Long completion) {
		return (prompt == null || completion == null) ? null : new TokenUsage(prompt, completion);
	}

	/** A timestamp from text; see the class comment for the accepted forms. */
	static Instant timestamp(String text, ZoneId defaultZone, String field) throws BadFieldException {
		if (text == null || text.isBlank()) {
			return null;
		}
		String trimmed = text.strip();
		String iso = SPACE_SEPARATED.matcher(trimmed).matches()
				? trimmed.substring(0, 10) + 'T' + trimmed.substring(11) : trimmed;
		Instant instant;
		try {
			TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(iso);
			if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
				// an offset alone or with a region ("...+01:00[Europe/Paris]"); the offset is what counts
				instant = ZonedDateTime.from(parsed).toInstant();
			}
			else {
				instant = LocalDateTime.from(parsed).atZone(defaultZone).toInstant();
			}
		}
		catch (DateTimeException ex) {
			throw new BadFieldException("\"" + field + "\" is not a valid timestamp: " + shorten(trimmed));
		}
		return plausible(instant, field, trimmed);
	}

	/** A timestamp from JSON: an ISO string, or a number of Unix seconds. */
	static Instant timestamp(JsonNode node, ZoneId defaultZone, String field) throws BadFieldException {
		if (absent(node)) {
			return null;
		}
		if (node.isString()) {
			return timestamp(node.stringValue(), defaultZone, field);
		}
		if (node.isIntegralNumber() && node.canConvertToLong()) {
			return epochSeconds(node.longValue(), field);
		}
		throw new BadFieldException("\"" + field + "\" must be an ISO-8601 string, is a " + type(node));
	}

	/** Unix seconds, as in a chat completion's {@code created}. */
	static Instant epochSeconds(long seconds, String field) throws BadFieldException {
		Instant instant;
		try {
			instant = Instant.ofEpochSecond(seconds);
		}
		catch (DateTimeException ex) {
			throw new BadFieldException("\"" + field + "\" is not a valid Unix time: " + seconds);
		}
		return plausible(instant, field, Long.toString(seconds));
	}

	private static Instant plausible(Instant instant, String field, String text) throws BadFieldException {
		if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST)) {
			throw new BadFieldException("\"" + field + "\" is an impossible time for a call: " + shorten(text)
					+ " (accepted: 2000 to 2099)");
		}
		return instant;
	}

	private static BigDecimal parseDecimal(String text, String field) throws BadFieldException {
		try {
			return new BigDecimal(text);
		}
		catch (NumberFormatException ex) {
			throw new BadFieldException("\"" + field + "\" is not a number: " + shorten(text));
		}
	}

	private static long nonNegative(long value, String field) throws BadFieldException {
		if (value < 0) {
			throw new BadFieldException("\"" + field + "\" is negative: " + value);
		}
		return value;
	}

	private static BigDecimal nonNegative(BigDecimal value, String field) throws BadFieldException {
		if (value.signum() < 0) {
			throw new BadFieldException("\"" + field + "\" is negative: " + value.toPlainString());
		}
		return value;
	}

	static boolean absent(JsonNode node) {
		return node == null || node.isNull() || node.isMissingNode();
	}

	static String type(JsonNode node) {
		return node.getNodeType().name().toLowerCase(Locale.ROOT);
	}

	/** Values go into messages; keep a huge or secret-bearing cell from filling the rejects table. */
	private static String shorten(String text) {
		String value = (text.length() > 40) ? text.substring(0, 40) + "..." : text;
		return "\"" + SecretRedactor.redact(value) + "\"";
	}

}
