package io.keywordsbackfill.source;

/**
 * A line-aligned byte range of a file: lines that start at or after {@code startOffset} and before
 * {@code endOffset}.
 *
 * @param startOffset offset of the first line of the range
 * @param startLine its 1-based line number
 * @param endOffset offset of the first line after the range, or -1 for the end of the file
 */
public record FileRange(long startOffset, long startLine, long endOffset) {

	public static final FileRange WHOLE = new FileRange(0, 1, -1);

	/** Whether a line starting at {@code offset} belongs to the range. */
	public boolean contains(long offset) {
		return offset >= startOffset && (endOffset < 0 || offset < endOffset);
	}

}
