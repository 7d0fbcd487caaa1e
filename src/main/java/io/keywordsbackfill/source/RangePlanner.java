package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a plain file into line-aligned byte ranges of about equal size, so that several partitions can read
 * one large file at once, each with its own restart position. A gzip file cannot be entered in the middle
 * and stays whole.
 */
public final class RangePlanner {

	private RangePlanner() {
	}

	/**
	 * @param file the file
	 * @param ranges how many ranges are wanted (at most)
	 * @param minRangeBytes no range is planned smaller than this
	 * @return the ranges in file order, covering every line once; one {@link FileRange#WHOLE} for gzip, small or
	 * empty files
	 */
	public static List<FileRange> plan(SourceFile file, int ranges, long minRangeBytes) {
		try {
			long size = Files.size(file.path());
			int count = (int) Math.max(1, Math.min(ranges, size / Math.max(1, minRangeBytes)));
			if (count == 1 || isGzip(file)) {
				return List.of(FileRange.WHOLE);
			}
			return cut(file, size, count);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot plan ranges of " + file.displayName(), ex);
		}
	}

	/**
	 * One pass counting newlines: each cut moves forward to the next line start, whose line number the
	 * range must know to report positions.
	 */
	private static List<FileRange> cut(SourceFile file, long size, int count) throws IOException {
		List<FileRange> result = new ArrayList<>(count);
		long target = size / count;
		long nextCut = target;
		long rangeStart = 0;
		long rangeStartLine = 1;
		long line = 1;
		long offset = 0;
		boolean seekingLineStart = false;
		// 256 KB: the largest read whose direct buffer the launcher lets the JDK keep for the thread
		byte[] buffer = new byte[1 << 18];
		try (InputStream in = Files.newInputStream(file.path())) {
			int n;
			while ((n = in.read(buffer)) > 0 && result.size() < count - 1) {
				int i = 0;
				if (!seekingLineStart && offset + n <= nextCut) {
					// the whole buffer lies before the next cut: just count its lines (the hot loop)
					line += countNewlines(buffer, 0, n);
					i = n;
				}
				for (; i < n; i++) {
					if (!seekingLineStart && offset + i >= nextCut) {
						seekingLineStart = true;
					}
					if (buffer[i] == '\n') {
						line++;
						if (seekingLineStart) {
							long lineStart = offset + i + 1;
							if (lineStart < size && lineStart > rangeStart) {
								result.add(new FileRange(rangeStart, rangeStartLine, lineStart));
								rangeStart = lineStart;
								rangeStartLine = line;
							}
							seekingLineStart = false;
							nextCut = Math.max(nextCut + target, lineStart);
							if (result.size() == count - 1) {
								break;
							}
						}
					}
				}
				offset += n;
			}
		}
		result.add(new FileRange(rangeStart, rangeStartLine, -1));
		return result;
	}

	private static int countNewlines(byte[] bytes, int from, int to) {
		int lines = 0;
		for (int i = from; i < to; i++) {
			lines += (bytes[i] == '\n') ? 1 : 0;
		}
		return lines;
	}

	private static boolean isGzip(SourceFile file) throws IOException {
		try (InputStream in = Files.newInputStream(file.path())) {
			return in.read() == 0x1f && in.read() == 0x8b;
		}
	}

}
