package io.keywordsbackfill.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads a file line by line, telling for each line its 1-based number and the byte offset where it
 * starts, so that a reader can save its position and resume there after a restart.
 * <p>
 * Lines end at {@code \n}; a trailing {@code \r} is removed; a last line without {@code \n} is still a
 * line. A file starting with the gzip magic bytes {@code 1f 8b} is decompressed whatever its name, and
 * offsets are then offsets in the decompressed stream. Bad input never throws: a line that is not strict
 * UTF-8, holds a NUL byte or is longer than the maximum comes back flagged (see {@link SourceLine}).
 * Only I/O failures throw. Not thread-safe.
 */
public final class LineReader implements AutoCloseable {

	/** Default maximum line length: the size limit of one Keywords AI log. */
	public static final int DEFAULT_MAX_LINE_BYTES = 20 * 1024 * 1024;

	/** How many bytes of a flawed line are kept as its text (enough for any excerpt). */
	public static final int PROBLEM_TEXT_BYTES = 8 * 1024;

	private static final int BUFFER_SIZE = 64 * 1024;

	private static final int INITIAL_LINE_CAPACITY = 8 * 1024;

	// A line buffer grown for one huge line is dropped afterwards rather than kept for the whole file.
	private static final int RETAINED_LINE_CAPACITY = 1024 * 1024;

	private final FileChannel channel;

	private final InputStream in;

	private final boolean gzip;

	/** Compressed bytes taken from the file, for gzip only; null for a plain file. */
	private final CountingInputStream compressed;

	private final int maxLineBytes;

	private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
		.onMalformedInput(CodingErrorAction.REPORT)
		.onUnmappableCharacter(CodingErrorAction.REPORT);

	private final byte[] buffer = new byte[BUFFER_SIZE];

	private int pos;

	private int limit;

	/** Offset (in the decompressed stream) of {@code buffer[pos]}. */
	private long position;

	private long nextLineNumber;

	private byte[] line = new byte[INITIAL_LINE_CAPACITY];

	private int lineLength;

	private boolean lineTooLarge;

	private LineReader(Path file, long byteOffset, long lineNumber, int maxLineBytes) throws IOException {
		if (byteOffset < 0 || lineNumber < 1 || maxLineBytes < 1) {
			throw new IllegalArgumentException(
					"invalid start: offset=" + byteOffset + " line=" + lineNumber + " max=" + maxLineBytes);
		}
		this.maxLineBytes = maxLineBytes;
		this.channel = FileChannel.open(file, StandardOpenOption.READ);
		try {
			this.gzip = startsWithGzipMagic(this.channel);
			if (this.gzip) {
				// gzip has no index: the only way to a decompressed offset is to inflate everything
				// before it. Restarting a gzip file therefore costs a re-read (not a re-send).
				this.compressed = new CountingInputStream(Channels.newInputStream(this.channel.position(0)));
				this.in = new GZIPInputStream(this.compressed, BUFFER_SIZE);
				discard(byteOffset);
			}
			else {
				if (byteOffset > this.channel.size()) {
					throw new IOException(file + " has " + this.channel.size() + " bytes, cannot resume at byte "
							+ byteOffset + " (was the file changed?)");
				}
				// A plain file is seeked: a restart never reads what was already processed.
				this.compressed = null;
				this.channel.position(byteOffset);
				this.in = Channels.newInputStream(this.channel);
				this.position = byteOffset;
			}
		}
		catch (IOException | RuntimeException ex) {
			this.channel.close();
			throw ex;
		}
		this.nextLineNumber = lineNumber;
	}

	/** Opens a file at its start with the default maximum line length. */
	public static LineReader open(Path file) throws IOException {
		return new LineReader(file, 0, 1, DEFAULT_MAX_LINE_BYTES);
	}

	/**
	 * Opens a file at a position saved from {@link #nextByteOffset()} and {@link #nextLineNumber()}.
	 * @param maxLineBytes longer lines come back flagged {@link LineProblem#TOO_LARGE}
	 * @throws IOException if the file cannot be read or is shorter than the offset
	 */
	public static LineReader open(Path file, long byteOffset, long lineNumber, int maxLineBytes)
			throws IOException {
		return new LineReader(file, byteOffset, lineNumber, maxLineBytes);
	}

	/** Whether the file was recognised as gzip by its magic bytes. */
	public boolean gzip() {
		return this.gzip;
	}

	/** The byte offset at which the next line starts: the position to save after the last returned line. */
	public long nextByteOffset() {
		return this.position;
	}

	/**
	 * How far into the file, as stored on disk, reading has got: the next byte offset for a plain file, the
	 * compressed bytes inflated so far for gzip (read ahead by up to one buffer). For progress, not positions.
	 */
	public long fileBytesRead() {
		return (this.compressed != null) ? this.compressed.count : this.position;
	}

	/** The number of the next line: the line number to save after the last returned line. */
	public long nextLineNumber() {
		return this.nextLineNumber;
	}

	/**
	 * Reads the next line.
	 * @return the line, or null at the end of the file
	 * @throws IOException on a read failure (never for bad content)
	 */
	public SourceLine next() throws IOException {
		long start = this.position;
		this.lineLength = 0;
		this.lineTooLarge = false;
		boolean sawAnything = false;
		while (true) {
			if (this.pos >= this.limit && !fill()) {
				if (!sawAnything) {
					return null;
				}
				break;
			}
			sawAnything = true;
			int newline = indexOfNewline(this.buffer, this.pos, this.limit);
			int end = (newline < 0) ? this.limit : newline;
			append(this.buffer, this.pos, end - this.pos);
			int consumed = ((newline < 0) ? end : newline + 1) - this.pos;
			this.pos += consumed;
			this.position += consumed;
			if (newline >= 0) {
				break;
			}
		}
		return finishLine(this.nextLineNumber++, start);
	}

	private SourceLine finishLine(long lineNumber, long start) {
		int length = this.lineLength;
		if (!this.lineTooLarge && length > 0 && this.line[length - 1] == '\r') {
			length--;
		}
		SourceLine result;
		if (this.lineTooLarge) {
			result = new SourceLine(lineNumber, start, problemBytes(length), LineProblem.TOO_LARGE);
		}
		else {
			// One pass finds NUL bytes and tells whether the line is plain ASCII, which is valid UTF-8 as it
			// stands; only a line with other bytes goes through the strict decoder.
			int scan = scan(this.line, length);
			if (scan == HAS_NUL) {
				result = new SourceLine(lineNumber, start, problemBytes(length), LineProblem.NUL_BYTE);
			}
			else if (scan == ASCII || isStrictUtf8(length)) {
				result = new SourceLine(lineNumber, start, Arrays.copyOf(this.line, length), LineProblem.NONE);
			}
			else {
				result = new SourceLine(lineNumber, start, problemBytes(length), LineProblem.INVALID_UTF8);
			}
		}
		if (this.line.length > RETAINED_LINE_CAPACITY) {
			this.line = new byte[INITIAL_LINE_CAPACITY];
		}
		return result;
	}

	/** The first bytes of a flawed line, kept for its excerpt. */
	private byte[] problemBytes(int length) {
		return Arrays.copyOf(this.line, Math.min(length, PROBLEM_TEXT_BYTES));
	}

	private boolean isStrictUtf8(int length) {
		try {
			this.decoder.reset().decode(ByteBuffer.wrap(this.line, 0, length));
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

	private void append(byte[] source, int from, int count) {
		if (this.lineTooLarge || count == 0) {
			return;
		}
		if ((long) this.lineLength + count > this.maxLineBytes) {
			// Keep what we have (at most the maximum) for the excerpt and skip the rest of the line.
			this.lineTooLarge = true;
			int room = Math.min(this.maxLineBytes, PROBLEM_TEXT_BYTES) - this.lineLength;
			if (room > 0) {
				ensureCapacity(this.lineLength + room);
				System.arraycopy(source, from, this.line, this.lineLength, Math.min(room, count));
				this.lineLength += Math.min(room, count);
			}
			return;
		}
		ensureCapacity(this.lineLength + count);
		System.arraycopy(source, from, this.line, this.lineLength, count);
		this.lineLength += count;
	}

	private void ensureCapacity(int needed) {
		if (needed > this.line.length) {
			long grown = Math.max((long) this.line.length * 2, needed);
			byte[] larger = new byte[(int) Math.min(grown, Math.max(needed, this.maxLineBytes))];
			System.arraycopy(this.line, 0, larger, 0, this.lineLength);
			this.line = larger;
		}
	}

	private boolean fill() throws IOException {
		int n;
		do {
			n = this.in.read(this.buffer, 0, this.buffer.length);
		}
		while (n == 0);
		if (n < 0) {
			this.pos = 0;
			this.limit = 0;
			return false;
		}
		this.pos = 0;
		this.limit = n;
		return true;
	}

	private void discard(long byteOffset) throws IOException {
		while (this.position < byteOffset) {
			if (this.pos >= this.limit && !fill()) {
				throw new IOException("gzip stream ends at byte " + this.position + ", cannot resume at byte "
						+ byteOffset + " (was the file changed?)");
			}
			int skip = (int) Math.min(this.limit - this.pos, byteOffset - this.position);
			this.pos += skip;
			this.position += skip;
		}
	}

	private static int indexOfNewline(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

	private static final int ASCII = 0;

	private static final int NON_ASCII = 1;

	private static final int HAS_NUL = 2;

	/** {@link #HAS_NUL} if a byte is 0, else {@link #NON_ASCII} if one is 0x80 or above, else {@link #ASCII}. */
	private static int scan(byte[] bytes, int length) {
		int result = ASCII;
		for (int i = 0; i < length; i++) {
			byte b = bytes[i];
			if (b <= 0) {
				if (b == 0) {
					return HAS_NUL;
				}
				result = NON_ASCII;
			}
		}
		return result;
	}

	private static boolean startsWithGzipMagic(FileChannel channel) throws IOException {
		ByteBuffer magic = ByteBuffer.allocate(2);
		// Positional read: peeks at the first two bytes without moving the channel.
		while (magic.hasRemaining()) {
			if (channel.read(magic, magic.position()) < 0) {
				return false;
			}
		}
		return (magic.get(0) & 0xff) == 0x1f && (magic.get(1) & 0xff) == 0x8b;
	}

	/** Counts the bytes read through it; read by one thread only, like the LineReader. */
	private static final class CountingInputStream extends FilterInputStream {

		private long count;

		CountingInputStream(InputStream in) {
			super(in);
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			this.count += (b >= 0) ? 1 : 0;
			return b;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			int n = super.read(b, off, len);
			this.count += Math.max(n, 0);
			return n;
		}

		@Override
		public long skip(long n) throws IOException {
			long skipped = super.skip(n);
			this.count += skipped;
			return skipped;
		}

	}

	@Override
	public void close() throws IOException {
		try {
			this.in.close();
		}
		finally {
			this.channel.close();
		}
	}

}
