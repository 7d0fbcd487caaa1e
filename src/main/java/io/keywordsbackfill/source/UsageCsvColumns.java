package io.keywordsbackfill.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.batch.infrastructure.item.ItemStreamException;

import io.keywordsbackfill.source.CsvRecordParser.Status;

/**
 * Which column of a usage CSV holds each canonical field, decided from the header without guessing.
 * <ul>
 * <li>Names match ignoring case, spaces, {@code _} and {@code -}: {@code Request ID}, {@code request_id},
 * {@code RequestId} and {@code request-id} are one name.</li>
 * <li>A column mapped by {@link UsageCsvOptions#columns()} is the header it names, which must exist; mapped to
 * the empty name, the file has no such column on purpose and no header is read for it. Otherwise the header
 * with the canonical name, else the one with one of its {@link #SYNONYMS}.</li>
 * <li>Refused ({@link UsageCsvHeaderException}): two headers matching one column at the same rank, one header
 * matching two columns, and a required column that matches nothing: {@code request_id} (unless
 * {@link UsageCsvOptions#lineIds()}), {@code timestamp}, {@code model}, {@code prompt_tokens},
 * {@code completion_tokens} (unless mapped to the empty name).</li>
 * </ul>
 * Headers that match no column are ignored: exports carry many columns this import has no use for.
 */
public final class UsageCsvColumns {

	/**
	 * Other names of each canonical column, as exports spell them. No name is the synonym of two columns,
	 * nor of a column other than the one it names. A name whose values would mean something else (a
	 * {@code status} of {@code success}, a latency in seconds) is left out.
	 */
	public static final Map<String, List<String>> SYNONYMS = synonyms();

	private static final char BOM = '\uFEFF';

	private static final int MAX_HEADER_IN_MESSAGE = 500;

	private final Map<String, Integer> index;

	private final Map<String, String> names;

	private UsageCsvColumns(Map<String, Integer> index, Map<String, String> names) {
		this.index = index;
		this.names = names;
	}

	private static Map<String, List<String>> synonyms() {
		Map<String, List<String>> synonyms = new LinkedHashMap<>();
		synonyms.put("timestamp", List.of("time", "datetime", "created_at", "completed_at", "end_time", "date"));
		synonyms.put("request_id", List.of("id", "call_id", "generation_id", "completion_id", "log_id"));
		synonyms.put("model", List.of("model_name", "model_id"));
		synonyms.put("prompt_tokens", List.of("input_tokens", "tokens_in", "prompt_token_count"));
		synonyms.put("completion_tokens", List.of("output_tokens", "tokens_out", "completion_token_count"));
		synonyms.put("total_tokens", List.of("tokens", "token_count"));
		synonyms.put("latency_ms", List.of("latency", "duration_ms", "elapsed_ms", "response_time_ms"));
		synonyms.put("ttft_ms", List.of("ttft", "time_to_first_token_ms", "time_to_first_token"));
		synonyms.put("status_code", List.of("http_status", "http_status_code", "response_status"));
		synonyms.put("customer_id", List.of("customer", "customer_identifier", "user", "user_id", "end_user"));
		synonyms.put("cost_usd", List.of("cost", "spend", "total_cost", "response_cost"));
		synonyms.put("error_message", List.of("error", "error_msg", "error_detail"));
		return Collections.unmodifiableMap(synonyms);
	}

	/** A name as matched: lower case, without spaces, {@code _} and {@code -}. */
	static String normalise(String name) {
		StringBuilder result = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c != '_' && c != '-' && !Character.isWhitespace(c)) {
				result.append(c);
			}
		}
		return result.toString().toLowerCase(Locale.ROOT);
	}

	/**
	 * Resolves a header.
	 * @param header the header's cells
	 * @param headerLine the header as read, for messages
	 * @param displayName the file, for messages
	 * @throws UsageCsvHeaderException when the header does not say which column holds a field
	 */
	static UsageCsvColumns resolve(List<String> header, String headerLine, UsageCsvOptions options,
			String displayName) {
		List<String> normalised = header.stream().map(UsageCsvColumns::normalise).toList();
		Map<Integer, String> claimedBy = new HashMap<>();
		Map<String, Integer> index = new HashMap<>();
		List<String> missing = new ArrayList<>();
		String where = " in the header of " + displayName + ": " + quote(headerLine);
		for (String canonical : UsageCsvOptions.DEFAULT_HEADER) {
			String mapped = options.columns().get(canonical);
			Integer column;
			if (mapped != null) {
				if (mapped.isEmpty()) {
					continue;
				}
				List<Integer> matches = matches(normalised, Set.of(normalise(mapped)));
				if (matches.isEmpty()) {
					throw new UsageCsvHeaderException(UsageCsvHeaderException.Kind.MAPPED_NOT_FOUND, List.of(canonical),
							canonical + " is mapped to " + quote(mapped) + ", which is not a column" + where);
				}
				column = single(canonical, matches, header, where);
			}
			else {
				List<Integer> exact = matches(normalised, Set.of(normalise(canonical)));
				List<Integer> synonyms = exact.isEmpty() ? matches(normalised, SYNONYMS.get(canonical).stream()
					.map(UsageCsvColumns::normalise)
					.collect(Collectors.toSet())) : List.of();
				column = exact.isEmpty() ? single(canonical, synonyms, header, where) : single(canonical, exact, header, where);
			}
			if (column == null) {
				if (required(canonical, options)) {
					missing.add(canonical);
				}
				continue;
			}
			String other = claimedBy.putIfAbsent(column, canonical);
			if (other != null) {
				throw new UsageCsvHeaderException(UsageCsvHeaderException.Kind.MATCHED_TWICE, List.of(other, canonical),
						"column " + quote(header.get(column).strip()) + " matches both " + other + " and " + canonical
								+ where);
			}
			index.put(canonical, column);
		}
		if (!missing.isEmpty()) {
			throw new UsageCsvHeaderException(UsageCsvHeaderException.Kind.MISSING, missing,
					"no column for " + missing.stream().map((column) -> column + " (" + accepted(column) + ")")
						.collect(Collectors.joining(", "))
							+ where);
		}
		Map<String, String> names = new HashMap<>();
		index.forEach((canonical, column) -> names.put(canonical, header.get(column).strip()));
		return new UsageCsvColumns(index, names);
	}

	/**
	 * Reads and resolves the header of a file, without reading its rows: the start-up check of an import.
	 * @return the columns, or null for an empty file (which yields nothing and is not an error)
	 * @throws UsageCsvHeaderException when the header does not say which column holds a field
	 * @throws IOException if the file cannot be read, or its header is unreadable or not valid CSV
	 */
	public static UsageCsvColumns read(Path file, String displayName, UsageCsvOptions options) throws IOException {
		try (LineReader lines = LineReader.open(file, 0, 1, LineReader.DEFAULT_MAX_LINE_BYTES)) {
			Header header = Header.read(lines, new CsvRecordParser(options.delimiter()), displayName);
			return (header == null) ? null : resolve(header.cells(), header.line(), options, displayName);
		}
		catch (ItemStreamException ex) {
			throw new IOException(ex.getMessage(), ex);
		}
	}

	/** The header's index of a canonical column, or null when the file has none. */
	Integer index(String canonical) {
		return this.index.get(canonical);
	}

	/** The header of a canonical column as the file spells it, or the canonical name when the file has none. */
	String name(String canonical) {
		return this.names.getOrDefault(canonical, canonical);
	}

	/** Whether the file has a column for the canonical name. */
	public boolean has(String canonical) {
		return this.index.containsKey(canonical);
	}

	private static boolean required(String canonical, UsageCsvOptions options) {
		if (canonical.equals("request_id")) {
			return !options.lineIds();
		}
		return UsageCsvOptions.REQUIRED.contains(canonical) || UsageCsvOptions.WAIVABLE.contains(canonical);
	}

	private static List<Integer> matches(List<String> normalised, Set<String> names) {
		List<Integer> matches = new ArrayList<>(1);
		for (int i = 0; i < normalised.size(); i++) {
			if (names.contains(normalised.get(i))) {
				matches.add(i);
			}
		}
		return matches;
	}

	private static Integer single(String canonical, List<Integer> matches, List<String> header, String where) {
		if (matches.size() > 1) {
			throw new UsageCsvHeaderException(UsageCsvHeaderException.Kind.AMBIGUOUS, List.of(canonical),
					"columns " + matches.stream().map((i) -> quote(header.get(i).strip())).collect(Collectors.joining(" and "))
							+ " both match " + canonical + where);
		}
		return matches.isEmpty() ? null : matches.get(0);
	}

	private static String accepted(String canonical) {
		return "looked for " + canonical + ", " + String.join(", ", SYNONYMS.get(canonical))
				+ ", ignoring case, spaces, _ and -";
	}

	private static String quote(String text) {
		return "\"" + ((text.length() > MAX_HEADER_IN_MESSAGE) ? text.substring(0, MAX_HEADER_IN_MESSAGE) + "..." : text)
				+ "\"";
	}

	/** A header: its cells and its text as read (without a BOM). */
	record Header(List<String> cells, String line) {

		/**
		 * Reads the header record (which quoted line breaks may spread over lines).
		 * @return the header, or null for an empty file
		 * @throws IOException if the file cannot be read
		 * @throws ItemStreamException if the header is unreadable or not valid CSV
		 */
		static Header read(LineReader lines, CsvRecordParser parser, String displayName) throws IOException {
			SourceLine first = lines.next();
			if (first == null) {
				return null;
			}
			if (!first.ok()) {
				throw new ItemStreamException(displayName + ":1: the header line is unreadable ("
						+ first.problem().name().toLowerCase(Locale.ROOT) + ")");
			}
			String text = (!first.text().isEmpty() && first.text().charAt(0) == BOM) ? first.text().substring(1)
					: first.text();
			StringBuilder line = new StringBuilder(text);
			parser.reset();
			Status status = parser.feed(text);
			while (status == Status.NEEDS_MORE) {
				SourceLine next = lines.next();
				if (next == null || !next.ok()) {
					throw new ItemStreamException(displayName + ":1: the header has an unclosed quote");
				}
				line.append('\n').append(next.text());
				status = parser.feed(next.text());
			}
			if (status == Status.MALFORMED) {
				throw new ItemStreamException(displayName + ":1: the header is not valid CSV: " + parser.error());
			}
			return new Header(List.copyOf(parser.fields()), line.toString());
		}

	}

}
