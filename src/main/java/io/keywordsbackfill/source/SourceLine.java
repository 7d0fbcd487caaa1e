package io.keywordsbackfill.source;

/**
 * One line of a source file.
 *
 * @param lineNumber 1-based line number
 * @param byteOffset where the line starts, in the decompressed stream for gzip files
 * @param text the line without its {@code \n} or {@code \r\n}; for a line with a problem, a lenient
 * decoding (malformed bytes replaced) of at most its first {@link LineReader#PROBLEM_TEXT_BYTES} bytes,
 * fit for an excerpt only
 * @param problem {@link LineProblem#NONE} unless the text could not be decoded faithfully
 */
public record SourceLine(long lineNumber, long byteOffset, String text, LineProblem problem) {

	public boolean ok() {
		return problem == LineProblem.NONE;
	}

}
