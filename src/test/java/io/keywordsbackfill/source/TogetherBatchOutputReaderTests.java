package io.keywordsbackfill.source;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The fast reader must give exactly what data binding gives, or step aside (null). */
class TogetherBatchOutputReaderTests {

	private static final JsonMapper MAPPER = TogetherBatchItemReader.newMapper();

	/** One line with every field the reader knows, some it does not, and an escape. */
	private static final String FULL_LINE = "{\"id\":\"batch_req_1\",\"custom_id\":\"req-1\",\"response\":{"
			+ "\"status_code\":200,\"request_id\":\"r-1\",\"body\":{\"id\":\"c-1\",\"object\":\"chat.completion\","
			+ "\"created\":1735689829,\"model\":\"m\",\"prompt\":[],\"choices\":[{\"index\":0,\"message\":"
			+ "{\"role\":\"assistant\",\"content\":\"a \\\"b\\\"\\nc\",\"tool_calls\":[],\"tool_call_id\":null,"
			+ "\"name\":\"n\"},\"finish_reason\":\"stop\",\"logprobs\":null,\"seed\":3077189355875198885}],"
			+ "\"usage\":{\"prompt_tokens\":685,\"completion_tokens\":61,\"total_tokens\":746}}},\"error\":null}";

	private final TogetherBatchOutputReader reader = new TogetherBatchOutputReader(MAPPER);

	@Test
	void everySampleLineReadsAsDataBindingReadsIt() throws Exception {
		List<String> lines = new ArrayList<>();
		lines.addAll(Files.readAllLines(Path.of("sample-data/together-batch/batch-output.jsonl")));
		lines.addAll(Files.readAllLines(Path.of("sample-data/together-batch/batch-errors.jsonl")));
		int streamed = 0;
		for (String line : lines) {
			TogetherBatchOutputLine fast = reader.read(line.getBytes(StandardCharsets.UTF_8));
			if (fast != null) {
				streamed++;
				assertThat(fast).as(line).isEqualTo(MAPPER.readValue(line, TogetherBatchOutputLine.class));
			}
		}
		assertThat(streamed).as("the plain output lines are read here, the error line is not").isEqualTo(11);
	}

	@Test
	void nullsUnknownFieldsAndOddShapesReadAsDataBindingReadsThem() {
		String[] lines = {
				"{\"custom_id\":\"a\",\"response\":null,\"error\":null}",
				"{\"custom_id\":\"a\",\"extra\":{\"x\":[1,{\"y\":null}]},\"response\":{\"body\":null}}",
				"{\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"body\":{\"choices\":null,\"usage\":null,"
						+ "\"created\":null,\"model\":null}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":[null,{\"message\":null},"
						+ "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":null,"
						+ "\"name\":\"n\",\"tool_call_id\":\"c\",\"refusal\":null}}]}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":[{\"message\":{\"content\":"
						+ "[{\"type\":\"text\",\"text\":\"é\\u2028\"}],\"tool_calls\":[{\"id\":\"x\"}]}}],"
						+ "\"usage\":{\"prompt_tokens\":12.5,\"completion_tokens\":\"7\",\"total_tokens\":null}}}}",
				"{\"custom_id\":\"a\",\"custom_id\":\"b\",\"response\":{\"request_id\":\"r\",\"request_id\":\"s\"}}",
				"{\"id\":\"i\",\"custom_id\":\"a\",\"response\":null,\"error\":null,\"custom_id\":\"b\"}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"created\":9007199254740993}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"usage\":{\"prompt_tokens\":3000000000,"
						+ "\"completion_tokens\":123456789012345678901234567890,\"total_tokens\":-1}}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"usage\":{\"prompt_tokens\":true,"
						+ "\"completion_tokens\":1e3,\"total_tokens\":{}}}}}",
				"{\"customId\":\"a\",\"custom_id\":\"b\",\"finishReason\":1}",
				"{}",
				FULL_LINE,
		};
		for (String line : lines) {
			TogetherBatchOutputLine fast = reader.read(line.getBytes(StandardCharsets.UTF_8));
			assertThat(fast).as(line).isNotNull().isEqualTo(MAPPER.readValue(line, TogetherBatchOutputLine.class));
		}
	}

	@Test
	void escapesAndUnicodeReadAsDataBindingReadsThem() {
		String[] texts = { "line\\nbreak", "say \\\"hi\\\"", "back\\\\slash", "a\\/b", "\\b\\f\\r\\t",
				"caf\\u00e9 caf\\u00E9", "smile \\uD83D\\uDE00", "lone \\uD800 high", "lone \\udc00 low", "\\uD800",
				"\\u0000\\u001f", "é raw, 😀 raw, 中文", "mixed é\\n😀\\u2028end\\\\", "\\\"", "", "x" };
		for (String text : texts) {
			String line = "{\"id\":\"" + text + "\",\"custom_id\":\"" + text + "\",\"response\":{\"request_id\":\""
					+ text + "\",\"body\":{\"id\":\"" + text + "\",\"object\":\"" + text + "\",\"model\":\"" + text
					+ "\",\"choices\":[{\"message\":{\"role\":\"" + text + "\",\"content\":\"" + text
					+ "\",\"tool_call_id\":\"" + text + "\",\"name\":\"" + text + "\"},\"finish_reason\":\"" + text
					+ "\"}],\"unknown\":\"" + text + "\"}}}";
			assertThat(readsAsDataBinding(line)).as(line).isTrue();
		}
		TogetherBatchOutputLine decoded = reader.read(
				"{\"custom_id\":\"caf\\u00e9\\n\\uD83D\\uDE00\\uD800 é😀\\/\"}".getBytes(StandardCharsets.UTF_8));
		assertThat(decoded.customId()).isEqualTo("café\n😀\uD800 é😀/");
	}

	@Test
	void whitespaceBetweenAnyTokensReadsAsDataBindingReadsIt() {
		for (String whitespace : new String[] { " ", "\t", "\n", "\r", "\r\n", " \t\r\n  " }) {
			String line = spaced(FULL_LINE, whitespace);
			assertThat(line).contains(whitespace + "}" + whitespace);
			assertThat(readsAsDataBinding(line)).as(line).isTrue();
		}
	}

	@Test
	void numbersAtTheBoundariesReadAsDataBindingReadsThem() {
		String[] numbers = { "0", "-0", "7", "-7", "2147483647", "2147483648", "-2147483648", "-2147483649",
				"999999999999999999", "-999999999999999999", "1000000000000000000", "9223372036854775807",
				"-9223372036854775808", "9223372036854775808", "123456789012345678901234567890" };
		for (String number : numbers) {
			int digits = number.replace("-", "").length();
			boolean fitsInt = digits <= 10 && Long.parseLong(number) == (int) Long.parseLong(number);
			String intFields = "{\"custom_id\":\"a\",\"response\":{\"status_code\":" + number
					+ ",\"body\":{\"choices\":[{\"index\":" + number + "}]}}}";
			String created = "{\"custom_id\":\"a\",\"response\":{\"body\":{\"created\":" + number + "}}}";
			String usage = "{\"custom_id\":\"a\",\"response\":{\"body\":{\"usage\":{\"prompt_tokens\":" + number
					+ ",\"completion_tokens\":" + number + ",\"total_tokens\":" + number + "}}}}";
			String unknown = "{\"custom_id\":\"a\",\"n\":" + number + ",\"response\":{\"n\":[" + number + "]}}";
			assertThat(readsAsDataBinding(intFields)).as(intFields).isEqualTo(fitsInt);
			assertThat(readsAsDataBinding(created)).as(created).isEqualTo(digits <= 18);
			assertThat(readsAsDataBinding(usage)).as(usage).isTrue();
			assertThat(readsAsDataBinding(unknown)).as(unknown).isTrue();
		}
	}

	@Test
	void unknownFieldsOfEveryShapeAreSkipped() {
		String[] values = { "1.5e-3", "-0", "0.0", "-0.0", "0e5", "1E+10", "-1.25E-2", "12.50", "1e400", "true",
				"false", "null", "[]", "{}", "[ ]", "{ }", "[[],[{}],[[null]]]", "[1,-2.5,\"c\",true,false,null,{}]",
				"{\"a\":{\"b\":[1,2.5,\"c\",true,null]},\"é\":\"😀\",\"\":0}", "\"s\\u00e9\\n\\/\"", "\"😀\"", "\"\"",
				"9223372036854775808", "1".repeat(999), "[".repeat(400) + "]".repeat(400) };
		for (String value : values) {
			String line = "{\"u\":" + value + ",\"custom_id\":\"a\",\"response\":{\"u\":" + value
					+ ",\"body\":{\"u\":" + value + ",\"choices\":[{\"u\":" + value + ",\"message\":{\"u\":" + value
					+ ",\"content\":\"c\"}}],\"usage\":{\"u\":" + value + ",\"total_tokens\":1}}}}";
			assertThat(readsAsDataBinding(line)).as(line).isTrue();
		}
	}

	@Test
	void contentPartsAndToolCallsReadAsDataBindingReadsThem() {
		String[] contents = { "[{\"type\":\"text\",\"text\":\"a\\nb\"},{\"type\":\"image_url\",\"image_url\":"
				+ "{\"url\":\"data:image/png;base64,AAAA\"}}]", "[]", "{}", "[ ]", "{\"k\":[1.5,2e3,-0,10000000000]}",
				"5", "-5", "4294967296", "12345678901234567890", "2.5", "true", "null", "\"\"" };
		String toolCalls = "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
				+ "\"arguments\":\"{\\\"city\\\":\\\"Z\\u00fcrich\\\"}\"}},{\"id\":\"call_2\",\"index\":1}]";
		for (String content : contents) {
			String line = "{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":[{\"index\":0,\"message\":"
					+ "{\"role\":\"assistant\",\"content\":" + content + ",\"tool_calls\":" + toolCalls + "}}]}}}";
			assertThat(readsAsDataBinding(line)).as(line).isTrue();
		}
	}

	@Test
	void stepsAsideForWhatDataBindingMustDecide() {
		String[] lines = {
				"{\"custom_id\":\"a\",\"error\":{\"message\":\"bad\"}}",
				"{\"custom_id\":1}",
				"{\"custom_id\":\"a\",\"response\":{\"status_code\":\"200\"}}",
				"{\"custom_id\":\"a\",\"response\":{\"status_code\":200.0}}",
				"{\"custom_id\":\"a\",\"response\":{\"status_code\":2e2}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"created\":\"1735689755\"}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"created\":1735689755.5}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"created\":1000000000000000000}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":{}}}}",
				"{\"custom_id\":\"a\",\"response\":[]}",
				"{\"custom\\u005fid\":\"a\"}",
				"{\"custom_id\":\"a\",\"unknown\\n\":1}",
				"\uFEFF{\"custom_id\":\"a\"}",
				"{\"custom_id\":\"a\"} {}",
				"{\"custom_id\":\"a\"",
				"[1]",
				"not json",
		};
		for (String line : lines) {
			assertThat(reader.read(line.getBytes(StandardCharsets.UTF_8))).as(line).isNull();
		}
	}

	@Test
	void stepsAsideForEveryTruncation() {
		for (int length = 0; length < FULL_LINE.length(); length++) {
			assertStepsAsideForMalformed(FULL_LINE.substring(0, length));
		}
	}

	@Test
	void stepsAsideForMalformedJsonAnywhere() {
		String[] values = { "01", "-01", "00", "+1", "NaN", "Infinity", "-Infinity", "1.", ".5", "1e", "1e+", "-",
				"0x10", "1.5.2", "'a'", "\"a\tb\"", "\"a\nb\"", "\"a\u0001b\"", "\"\\x\"", "\"\\'\"", "\"\\u12G4\"",
				"\"\\u12\"", "\"\\U0041\"", "\"abc", "truex", "nul", "True", "NULL", "nulll", "[1,]", "[1 2]", "[,1]",
				"{\"k\"}", "{\"k\":1,}", "{,}", "{1:2}", "{'k':1}", "{\"k\" 1}", "{\"a\":1 \"b\":2}", "[1]]", "}", "",
				"/*c*/1", "1//c", "[".repeat(600) + "]".repeat(600), "1".repeat(1001) };
		for (String value : values) {
			assertStepsAsideForMalformed("{\"custom_id\":\"a\",\"u\":" + value + "}");
			assertStepsAsideForMalformed("{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":[{\"message\":"
					+ "{\"content\":" + value + "}}]}}}");
			assertStepsAsideForMalformed("{\"custom_id\":\"a\",\"response\":{\"body\":{\"usage\":{\"total_tokens\":"
					+ value + "}}}}");
		}
		String[] lines = { "{\"custom_id\":\"a\",}", "{\"custom_id\" \"a\"}", "{\"custom_id\"}", "{\"custom_id\":}",
				"{\"custom_id\":\"a\" \"id\":\"b\"}", "{'custom_id':\"a\"}", "{custom_id:\"a\"}",
				"{\"cus\ttom_id\":\"a\"}",
				"{\"custom_id\":\"a\"}x", "{\"custom_id\":\"a\"}}", "{\"custom_id\":\"a\"},", "{\"custom_id\":\"a\"}[",
				"{\"custom_id\":\"a\"}//c", "#c\n{\"custom_id\":\"a\"}", "{\"custom_id\":\"a\"/*c*/}",
				"{\"custom_id\":\"a\",\u000b\"id\":\"b\"}", "{\"custom_id\":\"a\",\f\"id\":\"b\"}",
				"{\"custom_id\":\"a\",\u00a0\"id\":\"b\"}", "{\"custom_id\":\"a\"}\f",
				"{\"custom_id\":\"a\",\"response\":{\"status_code\":01}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":[{\"index\":0},]}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":[{\"index\":-}]}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"created\":1e}}}", "", "   ", "{", "}", "]", "\"a\"" };
		for (String line : lines) {
			assertStepsAsideForMalformed(line);
		}
	}

	@Test
	void randomLinesReadAsDataBindingReadsThem() {
		RandomLines random = new RandomLines(new Random(20250101L));
		int plain = 0;
		int readHere = 0;
		for (int i = 0; i < 2000; i++) {
			String line = random.next();
			byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
			TogetherBatchOutputLine fast = reader.read(utf8);
			if (random.malformed) {
				assertStepsAsideForMalformed(line);
			}
			else if (random.odd) {
				assertThat(fast).as(line).isNull();
			}
			else {
				plain++;
				assertThat(fast).as(line).isNotNull().isEqualTo(MAPPER.readValue(utf8, TogetherBatchOutputLine.class));
			}
			readHere += (fast != null) ? 1 : 0;
		}
		assertThat(readHere).isEqualTo(plain).isGreaterThan(1400);
	}

	/**
	 * Asserts that the reader gives what data binding gives, or null.
	 * @return whether the reader read the line itself
	 */
	private boolean readsAsDataBinding(String line) {
		byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
		TogetherBatchOutputLine fast = reader.read(utf8);
		TogetherBatchOutputLine bound;
		try {
			bound = MAPPER.readValue(utf8, TogetherBatchOutputLine.class);
		}
		catch (JacksonException ex) {
			assertThat(fast).as("data binding refuses %s", line).isNull();
			return false;
		}
		if (fast != null) {
			assertThat(fast).as(line).isEqualTo(bound);
		}
		return fast != null;
	}

	private void assertStepsAsideForMalformed(String line) {
		byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
		assertThat(reader.read(utf8)).as(line).isNull();
		assertThatExceptionOfType(JacksonException.class).as(line)
			.isThrownBy(() -> MAPPER.readValue(utf8, TogetherBatchOutputLine.class));
	}

	/** The compact JSON with whitespace on both sides of every brace, bracket, colon and comma. */
	private static String spaced(String compact, String whitespace) {
		StringBuilder spaced = new StringBuilder();
		boolean inString = false;
		for (int i = 0; i < compact.length(); i++) {
			char c = compact.charAt(i);
			if (inString) {
				spaced.append(c);
				if (c == '\\') {
					spaced.append(compact.charAt(++i));
				}
				else if (c == '"') {
					inString = false;
				}
			}
			else if ("{}[]:,".indexOf(c) >= 0) {
				spaced.append(whitespace).append(c).append(whitespace);
			}
			else {
				spaced.append(c);
				inString = c == '"';
			}
		}
		return spaced.toString();
	}

	/**
	 * Writes varied output lines: every field of the reader in any order, present, null or absent, unknown
	 * fields of every JSON type, strings with escapes and non-ASCII text, numbers of every size, whitespace.
	 * A few lines get something the reader must leave to data binding ({@link #odd}) or malformed JSON
	 * ({@link #malformed}).
	 */
	private static final class RandomLines {

		private static final String[] PIECES = { "plain words ", "é", "😀", "中文", "\n", "\"", "\\", "/", "\t", "\r",
				"\u2028", "\u0001", "\u007f", "x", "{\"json\": [1]}" };

		private static final String[] NUMBERS = { "0", "-0", "1", "42", "2147483647", "2147483648", "-2147483648",
				"9223372036854775807", "9223372036854775808", "123456789012345678901234567890", "12.5", "1e3", "-0.0",
				"1.5E-3", "-7" };

		private final Random random;

		private final StringBuilder out = new StringBuilder();

		private boolean odd;

		private boolean malformed;

		RandomLines(Random random) {
			this.random = random;
		}

		String next() {
			this.out.setLength(0);
			this.odd = false;
			this.malformed = false;
			whitespace();
			object(List.of(() -> member("id", this::string), () -> member("custom_id", this::string),
					() -> member("custom_id", this::string), () -> member("response", this::response),
					() -> member("error", this::error)));
			whitespace();
			if (chance(0.04)) {
				malform();
			}
			return this.out.toString();
		}

		private void response() {
			if (wroteNull(0.05)) {
				return;
			}
			object(List.of(() -> member("status_code", this::integer), () -> member("request_id", this::string),
					() -> member("body", this::body)));
		}

		private void body() {
			if (wroteNull(0.03)) {
				return;
			}
			object(List.of(() -> member("id", this::string), () -> member("object", this::string),
					() -> member("created", this::created), () -> member("model", this::string),
					() -> member("choices", this::choices), () -> member("usage", this::usage)));
		}

		private void choices() {
			if (wroteNull(0.05)) {
				return;
			}
			this.out.append('[');
			int count = this.random.nextInt(4);
			for (int i = 0; i < count; i++) {
				if (i > 0) {
					comma();
				}
				whitespace();
				if (!wroteNull(0.05)) {
					object(List.of(() -> member("index", this::integer), () -> member("message", this::message),
							() -> member("finish_reason", this::string)));
				}
				whitespace();
			}
			this.out.append(']');
		}

		private void message() {
			if (wroteNull(0.05)) {
				return;
			}
			object(List.of(() -> member("role", this::string), () -> member("content", this::content),
					() -> member("tool_calls", this::toolCalls), () -> member("tool_call_id", this::string),
					() -> member("name", this::string)));
		}

		private void usage() {
			if (wroteNull(0.05)) {
				return;
			}
			object(List.of(() -> member("prompt_tokens", this::tokens), () -> member("completion_tokens", this::tokens),
					() -> member("total_tokens", this::tokens)));
		}

		private void error() {
			if (wroteNull(0.97)) {
				return;
			}
			this.odd = true;
			this.out.append("{\"message\":\"failed\",\"code\":\"invalid_request\"}");
		}

		/** With the given chance, writes a JSON null in place of the value. */
		private boolean wroteNull(double chance) {
			if (chance(chance)) {
				this.out.append("null");
				return true;
			}
			return false;
		}

		/** An object of the given members, each present or not, in any order, with unknown ones among them. */
		private void object(List<Runnable> known) {
			List<Runnable> members = new ArrayList<>();
			for (Runnable member : known) {
				if (chance(0.85)) {
					members.add(member);
				}
			}
			int unknown = chance(0.3) ? 1 + this.random.nextInt(2) : 0;
			for (int i = 0; i < unknown; i++) {
				members.add(() -> member(chance(0.5) ? "extra" : "ünknown_" + this.random.nextInt(3), () -> value(3)));
			}
			Collections.shuffle(members, this.random);
			members(members);
		}

		private void members(List<Runnable> members) {
			this.out.append('{');
			for (int i = 0; i < members.size(); i++) {
				if (i > 0) {
					comma();
				}
				members.get(i).run();
			}
			whitespace();
			this.out.append('}');
		}

		private void member(String key, Runnable value) {
			whitespace();
			if (chance(0.005)) {
				// an escaped key: data binding reads it, the reader leaves it
				this.odd = true;
				this.out.append("\"\\u").append(String.format("%04x", (int) key.charAt(0))).append(key, 1, key.length())
					.append('"');
			}
			else {
				this.out.append('"').append(key).append('"');
			}
			whitespace();
			this.out.append(':');
			whitespace();
			value.run();
			whitespace();
		}

		private void string() {
			if (wroteNull(0.05)) {
				return;
			}
			this.out.append('"');
			int pieces = this.random.nextInt(6);
			for (int i = 0; i < pieces; i++) {
				String piece = PIECES[this.random.nextInt(PIECES.length)];
				if (chance(0.05)) {
					this.out.append("\\uD800"); // a lone surrogate can only be written escaped
				}
				piece.codePoints().forEach(this::character);
			}
			this.out.append('"');
		}

		private void character(int codePoint) {
			boolean escape = chance(0.3);
			if (codePoint == '"' || codePoint == '\\') {
				this.out.append('\\').appendCodePoint(codePoint);
			}
			else if (codePoint == '\n' || codePoint == '\t' || codePoint == '\r') {
				this.out.append(escape ? String.format("\\u%04X", codePoint)
						: (codePoint == '\n') ? "\\n" : (codePoint == '\t') ? "\\t" : "\\r");
			}
			else if (codePoint < 0x20) {
				this.out.append(String.format("\\u%04x", codePoint));
			}
			else if (codePoint == '/' && escape) {
				this.out.append("\\/");
			}
			else if (codePoint >= 0x80 && escape) {
				for (char c : Character.toChars(codePoint)) {
					this.out.append(String.format(chance(0.5) ? "\\u%04x" : "\\u%04X", (int) c));
				}
			}
			else {
				this.out.appendCodePoint(codePoint);
			}
		}

		private void integer() {
			int kind = this.random.nextInt(40);
			if (kind == 0) {
				this.out.append("null");
			}
			else if (kind == 1) {
				this.odd = true;
				this.out.append(chance(0.5) ? "200.0" : "2147483648");
			}
			else {
				this.out.append(chance(0.5) ? this.random.nextInt(600) : this.random.nextInt());
			}
		}

		private void created() {
			int kind = this.random.nextInt(40);
			if (kind == 0) {
				this.out.append("null");
			}
			else if (kind == 1) {
				this.odd = true;
				this.out.append(chance(0.5) ? "1.7e9" : "1000000000000000000");
			}
			else {
				long value = chance(0.5) ? 1_735_689_600L + this.random.nextInt(31_536_000)
						: this.random.nextLong() / 100;
				this.out.append(value);
			}
		}

		private void tokens() {
			this.out.append(chance(0.7) ? String.valueOf(this.random.nextInt(5000))
					: NUMBERS[this.random.nextInt(NUMBERS.length)]);
		}

		private void content() {
			int kind = this.random.nextInt(10);
			if (kind == 0) {
				this.out.append("null");
			}
			else if (kind == 1) {
				this.out.append("[{\"type\":\"text\",\"text\":");
				string();
				this.out.append("}]");
			}
			else if (kind == 2) {
				value(2);
			}
			else {
				string();
			}
		}

		private void toolCalls() {
			int kind = this.random.nextInt(4);
			if (kind == 0) {
				this.out.append("null");
			}
			else if (kind == 1) {
				this.out.append("[]");
			}
			else {
				this.out.append("[{\"id\":\"call_").append(this.random.nextInt(100))
					.append("\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":");
				string();
				this.out.append("}}]");
			}
		}

		/** Any JSON value, nested at most {@code depth} deep. */
		private void value(int depth) {
			switch (this.random.nextInt(depth > 0 ? 8 : 6)) {
				case 0 -> this.out.append("null");
				case 1 -> this.out.append(chance(0.5));
				case 2, 3 -> this.out.append(NUMBERS[this.random.nextInt(NUMBERS.length)]);
				case 4, 5 -> string();
				case 6 -> {
					this.out.append('[');
					int count = this.random.nextInt(4);
					for (int i = 0; i < count; i++) {
						if (i > 0) {
							comma();
						}
						whitespace();
						value(depth - 1);
						whitespace();
					}
					this.out.append(']');
				}
				default -> {
					List<Runnable> members = new ArrayList<>();
					int count = this.random.nextInt(4);
					for (int i = 0; i < count; i++) {
						members.add(() -> member("k" + this.random.nextInt(5), () -> value(depth - 1)));
					}
					members(members);
				}
			}
		}

		/** Breaks the line the way a damaged file or a careless writer would. */
		private void malform() {
			this.malformed = true;
			int open = this.out.indexOf("{") + 1;
			switch (this.random.nextInt(9)) {
				case 0 -> this.out.setLength(this.random.nextInt(this.out.lastIndexOf("}")));
				case 1 -> this.out.append(chance(0.5) ? "x" : ",{}");
				case 2 -> this.out.insert(this.out.lastIndexOf("}"), ",");
				case 3 -> this.out.insert(open, "\"z\":01,");
				case 4 -> this.out.insert(open, "\"z\":\"a\u0001b\",");
				case 5 -> this.out.insert(open, "\"z\":\"\\x\",");
				case 6 -> this.out.insert(open, "\"z\":NaN,");
				case 7 -> this.out.insert(open, "\"z\":'a',");
				default -> this.out.insert(open, "\"z\":[1,],");
			}
		}

		private void comma() {
			whitespace();
			this.out.append(',');
		}

		private void whitespace() {
			if (chance(0.15)) {
				this.out.append(new String[] { " ", "\t", "\n", "\r\n", "  \t" }[this.random.nextInt(5)]);
			}
		}

		private boolean chance(double probability) {
			return this.random.nextDouble() < probability;
		}

	}

}
