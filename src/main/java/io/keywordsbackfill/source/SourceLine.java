package io.keywordsbackfill.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One line of a source file: its bytes, and its text decoded only when asked for. Parsers that read
 * JSON take the bytes, so a well-formed line is never turned into a {@link String} at all.
 * <p>
 * The text is the line without its {@code \n} or {@code \r\n}; for a line with a problem, a lenient
 * decoding (malformed bytes replaced) of at most its first {@link LineReader#PROBLEM_TEXT_BYTES} bytes, fit
 * for an excerpt only. Two lines are equal when number, offset, text and problem are.
 */
public final class SourceLine {

	private final long lineNumber;

	private final long byteOffset;

	private final byte[] bytes;

	private final LineProblem problem;

	private String text;

	/**
	 * @param lineNumber 1-based line number
	 * @param byteOffset where the line starts, in the decompressed stream for gzip files
	 * @param text the line's text
	 * @param problem {@link LineProblem#NONE} unless the text could not be decoded faithfully
	 */
	public SourceLine(long lineNumber, long byteOffset, String text, LineProblem problem) {
		this(lineNumber, byteOffset, text.getBytes(StandardCharsets.UTF_8), problem);
		this.text = text;
	}

	/** A line of strict UTF-8 bytes ({@link LineProblem#NONE}) or a flawed line's kept bytes; not copied. */
	SourceLine(long lineNumber, long byteOffset, byte[] bytes, LineProblem problem) {
		this.lineNumber = lineNumber;
		this.byteOffset = byteOffset;
		this.bytes = bytes;
		this.problem = problem;
	}

	public long lineNumber() {
		return this.lineNumber;
	}

	public long byteOffset() {
		return this.byteOffset;
	}

	public LineProblem problem() {
		return this.problem;
	}

	public boolean ok() {
		return this.problem == LineProblem.NONE;
	}

	/** The line's UTF-8 bytes (for a flawed line: the bytes kept for its excerpt). Do not modify. */
	byte[] bytes() {
		return this.bytes;
	}

	/** The line's text, decoded on first use (leniently: a flawed line's bytes may not be UTF-8). */
	public String text() {
		String decoded = this.text;
		if (decoded == null) {
			decoded = new String(this.bytes, StandardCharsets.UTF_8);
			this.text = decoded;
		}
		return decoded;
	}

	/** Whether the line holds nothing but whitespace, without decoding an ASCII line. */
	public boolean isBlank() {
		for (byte b : this.bytes) {
			if (b < 0) {
				return text().isBlank(); // non-ASCII: let Java decide what Unicode whitespace is
			}
			if (b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0b) {
				return false;
			}
		}
		return true;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof SourceLine line && line.lineNumber == this.lineNumber
				&& line.byteOffset == this.byteOffset && line.problem == this.problem
				&& Arrays.equals(line.bytes, this.bytes);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.lineNumber, this.byteOffset, this.problem, Arrays.hashCode(this.bytes));
	}

	@Override
	public String toString() {
		return "SourceLine[lineNumber=" + this.lineNumber + ", byteOffset=" + this.byteOffset + ", text=" + text()
				+ ", problem=" + this.problem + "]";
	}

}
