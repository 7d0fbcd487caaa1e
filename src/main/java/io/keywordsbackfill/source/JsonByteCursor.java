package io.keywordsbackfill.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import tools.jackson.core.StreamReadConstraints;

/**
 * A forward-only cursor over one JSON document in UTF-8 bytes, for a reader that knows the shape it expects
 * and asks for each value by type. It accepts only what RFC 8259 allows and Jackson's default parser
 * accepts, within Jackson's read limits; at anything else (a wrong type, an escaped key, malformed JSON
 * anywhere, even inside a skipped value) it throws {@link NotPlain}, and the caller hands the line to
 * Jackson. So whatever it does read, Jackson reads the same way.
 * <p>
 * It replaces Jackson's streaming parser on the hottest path of the import because that parser's
 * {@code nextToken} is large enough that the JIT spent seconds compiling every method that inlined it. The
 * methods here are small on purpose. The bytes must be valid UTF-8, as {@link LineReader} checks.
 */
final class JsonByteCursor {

	/** What {@link #nextKey} answers when the object has no more members. */
	static final int END = -2;

	/** What {@link #nextKey} answers for a key not in the list it was given. */
	static final int UNKNOWN = -1;

	/** What {@link #readNumber} answers for a number that is not an integer of at most 18 digits. */
	static final long NOT_SMALL = Long.MIN_VALUE;

	private static final int END_OF_INPUT = -1;

	/** The first buffer for a string with escapes, enough for most; it grows for longer ones. */
	private static final int ESCAPED_STRING_BUFFER = 4096;

	/** Skipping nested values recurses, so the depth stays well within a thread's stack, whatever Jackson allows. */
	private static final int MAX_DEPTH = 1000;

	/** Eighteen decimal digits always fit in a long; a nineteenth may not. */
	private static final int MAX_SMALL_DIGITS = 18;

	private static final byte[] NULL = { 'n', 'u', 'l', 'l' };

	private static final byte[] TRUE = { 't', 'r', 'u', 'e' };

	private static final byte[] FALSE = { 'f', 'a', 'l', 's', 'e' };

	/** Bytes that end a run of plain string content: a quote, a backslash or a control character. */
	private static final boolean[] STRING_STOP = new boolean[256];

	/** What each one-letter escape stands for, 0 where a letter is no escape. */
	private static final char[] ESCAPED = new char[256];

	/** Hex digit values, -1 for any other byte. */
	private static final byte[] HEX = new byte[256];

	static {
		for (int c = 0; c < 0x20; c++) {
			STRING_STOP[c] = true;
		}
		STRING_STOP['"'] = true;
		STRING_STOP['\\'] = true;
		ESCAPED['"'] = '"';
		ESCAPED['\\'] = '\\';
		ESCAPED['/'] = '/';
		ESCAPED['b'] = '\b';
		ESCAPED['f'] = '\f';
		ESCAPED['n'] = '\n';
		ESCAPED['r'] = '\r';
		ESCAPED['t'] = '\t';
		Arrays.fill(HEX, (byte) -1);
		for (int c = '0'; c <= '9'; c++) {
			HEX[c] = (byte) (c - '0');
		}
		for (int c = 'a'; c <= 'f'; c++) {
			HEX[c] = (byte) (c - 'a' + 10);
			HEX[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
		}
	}

	/** Thrown to give up on a document; carries no stack trace, as it is not an error. */
	static final class NotPlain extends RuntimeException {

		static final NotPlain INSTANCE = new NotPlain();

		private NotPlain() {
			super(null, null, false, false);
		}

	}

	/**
	 * Jackson's read limits, in bytes, so that no document passes here that Jackson would refuse. Byte counts
	 * are never below the character or token counts Jackson limits, so checking bytes is on the safe side.
	 */
	record Limits(int depth, int numberLength, int nameLength, int stringLength, long documentLength) {

		static Limits of(StreamReadConstraints constraints) {
			long documentLength = Long.MAX_VALUE;
			if (constraints.getMaxDocumentLength() > 0) {
				documentLength = constraints.getMaxDocumentLength();
			}
			// Every token takes at least one byte, so a document no longer than the token limit is within it.
			if (constraints.getMaxTokenCount() > 0) {
				documentLength = Math.min(documentLength, constraints.getMaxTokenCount());
			}
			return new Limits(Math.min(constraints.getMaxNestingDepth(), MAX_DEPTH), constraints.getMaxNumberLength(),
					constraints.getMaxNameLength(), constraints.getMaxStringLength(), documentLength);
		}

	}

	private final byte[] bytes;

	private final Limits limits;

	private int pos;

	private int depth;

	/** Just after a '{' or '[': the next member may be the close, and needs no comma. */
	private boolean open;

	private int keyStart;

	JsonByteCursor(byte[] utf8, Limits limits) {
		this.bytes = utf8;
		this.limits = limits;
		if (utf8.length > limits.documentLength()) {
			throw NotPlain.INSTANCE;
		}
	}

	byte[] bytes() {
		return this.bytes;
	}

	/** The offset of the next byte: after {@link #peek}, where the value starts; after a value, where it ended. */
	int position() {
		return this.pos;
	}

	/** Skips whitespace and answers the value's first byte (0-255), without consuming it; -1 at the end. */
	int peek() {
		return skipWhitespace();
	}

	/** Consumes the '{' that must come next. */
	void beginObject() {
		begin('{');
	}

	/** Consumes the '[' that must come next. */
	void beginArray() {
		begin('[');
	}

	/**
	 * Moves to the next member of the object being read and consumes its key and colon.
	 * @param keys the keys the caller knows, as ASCII bytes
	 * @return the key's index in {@code keys}, {@link #UNKNOWN} (the caller must then consume the value, at least
	 * with {@link #skipValue}), or {@link #END} after the closing '}'
	 */
	int nextKey(byte[][] keys) {
		if (!nextMember('}')) {
			return END;
		}
		int length = key();
		for (int i = 0; i < keys.length; i++) {
			if (keys[i].length == length && isKey(keys[i])) {
				return i;
			}
		}
		return UNKNOWN;
	}

	/** Moves to the next element of the array being read: true before one, false after the closing ']'. */
	boolean nextElement() {
		return nextMember(']');
	}

	/** Consumes a JSON null if one comes next. */
	boolean isNull() {
		if (skipWhitespace() != 'n') {
			return false;
		}
		literal(NULL);
		return true;
	}

	/** Consumes the JSON null that must come next. */
	void readNull() {
		if (!isNull()) {
			throw NotPlain.INSTANCE;
		}
	}

	/** A string, or null for JSON null. */
	String readString() {
		int first = skipWhitespace();
		if (first == 'n') {
			literal(NULL);
			return null;
		}
		if (first != '"') {
			throw NotPlain.INSTANCE;
		}
		int start = this.pos + 1;
		int stop = plainRunEnd(start);
		if (this.bytes[stop] == '\\') {
			return escapedString(start, stop);
		}
		checkStringLength(stop - start);
		this.pos = stop + 1;
		return new String(this.bytes, start, stop - start, StandardCharsets.UTF_8);
	}

	/** An integer that fits in an int, or null for JSON null. */
	Integer readInt() {
		if (isNull()) {
			return null;
		}
		long value = readNumber();
		if (value == NOT_SMALL || value != (int) value) {
			throw NotPlain.INSTANCE;
		}
		return (int) value;
	}

	/** An integer of at most 18 digits, or null for JSON null. */
	Long readLong() {
		if (isNull()) {
			return null;
		}
		long value = readNumber();
		if (value == NOT_SMALL) {
			throw NotPlain.INSTANCE;
		}
		return value;
	}

	/**
	 * Consumes the number that must come next.
	 * @return its value when it is an integer of at most 18 digits (no fraction, no exponent), else
	 * {@link #NOT_SMALL}
	 */
	long readNumber() {
		skipWhitespace();
		int start = this.pos;
		skipNumber();
		return smallInteger(start, this.pos);
	}

	/** Consumes the value that comes next, whatever it is, checking that it is well-formed. */
	void skipValue() {
		switch (skipWhitespace()) {
			case '"' -> skipString();
			case '{' -> skipObject();
			case '[' -> skipArray();
			case 'n' -> literal(NULL);
			case 't' -> literal(TRUE);
			case 'f' -> literal(FALSE);
			default -> skipNumber();
		}
	}

	/** Checks that nothing but whitespace follows the value just read. */
	void endOfDocument() {
		skipWhitespace();
		if (this.pos != this.bytes.length) {
			throw NotPlain.INSTANCE;
		}
	}

	private void begin(int bracket) {
		if (skipWhitespace() != bracket || ++this.depth >= this.limits.depth()) {
			throw NotPlain.INSTANCE;
		}
		this.pos++;
		this.open = true;
	}

	/** Consumes the comma before the next member, or the close: true before a member, false after the close. */
	private boolean nextMember(int close) {
		int next = skipWhitespace();
		if (next == close) {
			this.pos++;
			this.open = false;
			this.depth--;
			return false;
		}
		if (this.open) {
			this.open = false;
			return true;
		}
		if (next != ',') {
			throw NotPlain.INSTANCE;
		}
		this.pos++;
		return true;
	}

	/** Consumes a key without escapes and the colon after it; answers the key's length in bytes. */
	private int key() {
		if (skipWhitespace() != '"') {
			throw NotPlain.INSTANCE;
		}
		int start = this.pos + 1;
		int stop = plainRunEnd(start);
		if (this.bytes[stop] != '"' || stop - start > this.limits.nameLength()) {
			throw NotPlain.INSTANCE;
		}
		this.keyStart = start;
		this.pos = stop + 1;
		if (skipWhitespace() != ':') {
			throw NotPlain.INSTANCE;
		}
		this.pos++;
		return stop - start;
	}

	private boolean isKey(byte[] key) {
		return Arrays.equals(this.bytes, this.keyStart, this.keyStart + key.length, key, 0, key.length);
	}

	/**
	 * The offset of the first quote or backslash at or after {@code from}; gives up at a control character,
	 * which JSON strings must escape, or at the end of the input.
	 */
	private int plainRunEnd(int from) {
		byte[] b = this.bytes;
		for (int i = from; i < b.length; i++) {
			int c = b[i] & 0xFF;
			if (STRING_STOP[c]) {
				if (c == '"' || c == '\\') {
					return i;
				}
				throw NotPlain.INSTANCE;
			}
		}
		throw NotPlain.INSTANCE;
	}

	/**
	 * Decodes a string that has escapes, as Jackson does: the bytes between escapes from UTF-8, each escape to
	 * its char. The runs between escapes and the unescaped chars are gathered as UTF-8 and decoded once; a
	 * string with a surrogate escape, which has no UTF-8 form of its own, is decoded char by char instead.
	 * @param start the offset of the string's first byte
	 * @param backslash the offset of its first backslash
	 */
	private String escapedString(int start, int backslash) {
		byte[] utf8 = new byte[Math.min(this.bytes.length - start, ESCAPED_STRING_BUFFER)];
		int length = 0;
		int run = start;
		int stop = backslash;
		while (true) {
			// room for the run and for the up to three bytes of the escape after it
			utf8 = withRoom(utf8, length + (stop - run) + 3);
			System.arraycopy(this.bytes, run, utf8, length, stop - run);
			length += stop - run;
			if (this.bytes[stop] == '"') {
				break;
			}
			char unescaped = escapedChar(stop + 1);
			if (Character.isSurrogate(unescaped)) {
				return escapedChars(start, closingQuote(stop));
			}
			length = putUtf8(utf8, length, unescaped);
			run = afterEscape(stop + 1);
			stop = plainRunEnd(run);
		}
		checkStringLength(stop - start);
		this.pos = stop + 1;
		return new String(utf8, 0, length, StandardCharsets.UTF_8);
	}

	private static byte[] withRoom(byte[] buffer, int needed) {
		return (needed <= buffer.length) ? buffer : Arrays.copyOf(buffer, Math.max(needed, 2 * buffer.length));
	}

	/** Writes a char that is not a surrogate as UTF-8; answers the new length. */
	private static int putUtf8(byte[] utf8, int length, char c) {
		if (c < 0x80) {
			utf8[length] = (byte) c;
			return length + 1;
		}
		if (c < 0x800) {
			utf8[length] = (byte) (0xC0 | (c >> 6));
			utf8[length + 1] = (byte) (0x80 | (c & 0x3F));
			return length + 2;
		}
		utf8[length] = (byte) (0xE0 | (c >> 12));
		utf8[length + 1] = (byte) (0x80 | ((c >> 6) & 0x3F));
		utf8[length + 2] = (byte) (0x80 | (c & 0x3F));
		return length + 3;
	}

	/** Decodes the well-formed string in [start, stop) char by char, keeping surrogates as they are. */
	private String escapedChars(int start, int stop) {
		checkStringLength(stop - start);
		this.pos = stop + 1;
		StringBuilder text = new StringBuilder(stop - start);
		int run = start;
		int at = start;
		while (at < stop) {
			if (this.bytes[at] == '\\') {
				appendRun(text, run, at);
				text.append(escapedChar(at + 1));
				at = afterEscape(at + 1);
				run = at;
			}
			else {
				at++;
			}
		}
		appendRun(text, run, stop);
		return text.toString();
	}

	private void appendRun(StringBuilder text, int from, int to) {
		if (to > from) {
			text.append(new String(this.bytes, from, to - from, StandardCharsets.UTF_8));
		}
	}

	private void skipString() {
		int start = this.pos + 1;
		int stop = closingQuote(plainRunEnd(start));
		checkStringLength(stop - start);
		this.pos = stop + 1;
	}

	/**
	 * The offset of the quote that closes a string, checking each escape on the way.
	 * @param from the offset of the string's first quote or backslash
	 */
	private int closingQuote(int from) {
		int stop = from;
		while (this.bytes[stop] == '\\') {
			escapedChar(stop + 1);
			stop = plainRunEnd(afterEscape(stop + 1));
		}
		return stop;
	}

	/** The char that the escape after a backslash stands for; gives up on an escape JSON does not have. */
	private char escapedChar(int at) {
		int c = byteAt(at);
		if (c == 'u') {
			return (char) ((hexDigit(at + 1) << 12) | (hexDigit(at + 2) << 8) | (hexDigit(at + 3) << 4)
					| hexDigit(at + 4));
		}
		char unescaped = (c == END_OF_INPUT) ? 0 : ESCAPED[c];
		if (unescaped == 0) {
			throw NotPlain.INSTANCE;
		}
		return unescaped;
	}

	private int afterEscape(int at) {
		return (this.bytes[at] == 'u') ? at + 5 : at + 1;
	}

	private int hexDigit(int at) {
		int value = HEX[byteAt(at) & 0xFF];
		if (value < 0) {
			throw NotPlain.INSTANCE;
		}
		return value;
	}

	private void checkStringLength(int length) {
		if (length > this.limits.stringLength()) {
			throw NotPlain.INSTANCE;
		}
	}

	private void skipObject() {
		begin('{');
		while (nextMember('}')) {
			key();
			skipValue();
		}
	}

	private void skipArray() {
		begin('[');
		while (nextMember(']')) {
			skipValue();
		}
	}

	/**
	 * Consumes a number as RFC 8259 spells it: an optional minus, then 0 or digits without a leading zero, then
	 * an optional fraction and exponent. What follows it is left to the caller's next step, which accepts only
	 * whitespace, a comma, a close or the end.
	 */
	private void skipNumber() {
		int start = this.pos;
		if (byteAt(this.pos) == '-') {
			this.pos++;
		}
		int first = byteAt(this.pos);
		if (first == '0') {
			this.pos++;
		}
		else if (first >= '1' && first <= '9') {
			skipDigits();
		}
		else {
			throw NotPlain.INSTANCE;
		}
		int next = byteAt(this.pos);
		if (next == '.' || next == 'e' || next == 'E') {
			skipFractionAndExponent(next);
		}
		if (this.pos - start > this.limits.numberLength()) {
			throw NotPlain.INSTANCE;
		}
	}

	private void skipFractionAndExponent(int next) {
		if (next == '.') {
			this.pos++;
			requireDigits();
		}
		int exponent = byteAt(this.pos);
		if (exponent == 'e' || exponent == 'E') {
			this.pos++;
			int sign = byteAt(this.pos);
			if (sign == '+' || sign == '-') {
				this.pos++;
			}
			requireDigits();
		}
	}

	private void requireDigits() {
		int first = byteAt(this.pos);
		if (first < '0' || first > '9') {
			throw NotPlain.INSTANCE;
		}
		skipDigits();
	}

	private void skipDigits() {
		byte[] b = this.bytes;
		int i = this.pos;
		while (i < b.length && b[i] >= '0' && b[i] <= '9') {
			i++;
		}
		this.pos = i;
	}

	/** The value of the number in [start, stop) when it is a plain integer of at most 18 digits. */
	private long smallInteger(int start, int stop) {
		boolean negative = this.bytes[start] == '-';
		int i = negative ? start + 1 : start;
		if (stop - i > MAX_SMALL_DIGITS) {
			return NOT_SMALL;
		}
		long value = 0;
		for (; i < stop; i++) {
			int digit = this.bytes[i] - '0';
			if (digit < 0 || digit > 9) {
				return NOT_SMALL;
			}
			value = value * 10 + digit;
		}
		return negative ? -value : value;
	}

	private void literal(byte[] word) {
		int at = this.pos;
		if (this.bytes.length - at < word.length
				|| !Arrays.equals(this.bytes, at, at + word.length, word, 0, word.length)) {
			throw NotPlain.INSTANCE;
		}
		this.pos = at + word.length;
	}

	/**
	 * Moves past JSON whitespace (space, tab, line feed, carriage return); answers the next byte or -1. Split in
	 * two because compact JSON has none: the check inlined everywhere is a few instructions.
	 */
	private int skipWhitespace() {
		int at = this.pos;
		if (at < this.bytes.length) {
			int c = this.bytes[at] & 0xFF;
			if (c > ' ') {
				return c;
			}
		}
		return skipWhitespaceRun();
	}

	private int skipWhitespaceRun() {
		byte[] b = this.bytes;
		int i = this.pos;
		while (i < b.length) {
			int c = b[i] & 0xFF;
			if (c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t')) {
				this.pos = i;
				return c;
			}
			i++;
		}
		this.pos = i;
		return END_OF_INPUT;
	}

	private int byteAt(int at) {
		return (at < this.bytes.length) ? this.bytes[at] & 0xFF : END_OF_INPUT;
	}

	/** The keys an object reader knows, in the order of the indexes {@link #nextKey} answers. */
	static byte[][] keys(String... names) {
		byte[][] keys = new byte[names.length][];
		for (int i = 0; i < names.length; i++) {
			keys[i] = names[i].getBytes(StandardCharsets.US_ASCII);
		}
		return keys;
	}

}
