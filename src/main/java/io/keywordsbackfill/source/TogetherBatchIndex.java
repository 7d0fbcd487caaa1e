package io.keywordsbackfill.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where each {@code custom_id} of a Batch <em>input</em> file starts, so output lines (in another order)
 * can be joined with their request without holding the requests in memory: one streaming pass keeps
 * only ids, offsets and lengths, and {@link #lookup(String)} reads exactly the one line it needs with one
 * positional read (a read of a fixed 64 KB block per lookup, scanned for the newline, was a quarter of an
 * import's CPU).
 * <p>
 * A gzip input is first inflated to a temporary file, since only a plain file can be seeked; the copy is
 * deleted by {@link #close()}. For a duplicate {@code custom_id} the first line wins and the duplicate is
 * counted. Lines that cannot be read are counted and left out of the index.
 */
final class TogetherBatchIndex implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TogetherBatchIndex.class);

	private static final int READ_CHUNK = 64 * 1024;

	/** A line's place is one long: its offset in the high bits, its length in the low {@value} bits. */
	private static final int LENGTH_BITS = 26;

	private static final long MAX_LENGTH = (1L << LENGTH_BITS) - 1;

	private final JsonMapper mapper;

	private final String displayName;

	private final Path temporaryCopy;

	private final FileChannel file;

	/** custom_id → offset and length of its line (see {@link #LENGTH_BITS}). */
	private final Map<String, Long> places = new HashMap<>();

	private final int maxLineBytes;

	private long duplicateIds;

	private long unreadableLines;

	private TogetherBatchIndex(JsonMapper mapper, Path input, String displayName, int maxLineBytes)
			throws IOException {
		this.mapper = mapper;
		this.displayName = displayName;
		this.maxLineBytes = maxLineBytes;
		this.temporaryCopy = isGzip(input) ? inflate(input) : null;
		Path seekable = (this.temporaryCopy != null) ? this.temporaryCopy : input;
		try {
			index(seekable);
			this.file = FileChannel.open(seekable, StandardOpenOption.READ);
		}
		catch (IOException | RuntimeException ex) {
			deleteTemporaryCopy();
			throw ex;
		}
		logger.info("Indexed batch input file={} ids={} duplicateIds={} unreadableLines={}", displayName,
				this.places.size(), this.duplicateIds, this.unreadableLines);
	}

	/**
	 * Builds the index of an input file.
	 * @throws IOException if the file cannot be read
	 */
	static TogetherBatchIndex build(JsonMapper mapper, Path input, String displayName, int maxLineBytes)
			throws IOException {
		return new TogetherBatchIndex(mapper, input, displayName, maxLineBytes);
	}

	int size() {
		return this.places.size();
	}

	/** How many lines repeated a {@code custom_id} seen earlier in the file (and were ignored). */
	long duplicateIds() {
		return this.duplicateIds;
	}

	/** How many lines had no readable {@code custom_id} (and can never be joined). */
	long unreadableLines() {
		return this.unreadableLines;
	}

	/**
	 * Reads the request of one id.
	 * @return the parsed input line, or null when the id is not in the file or its line cannot be parsed
	 * @throws IOException if the file cannot be read
	 */
	TogetherBatchInputLine lookup(String customId) throws IOException {
		Long place = this.places.get(customId);
		if (place == null) {
			return null;
		}
		long offset = place >>> LENGTH_BITS;
		byte[] line = readAt(offset, (int) (place & MAX_LENGTH));
		try {
			return this.mapper.readValue(line, TogetherBatchInputLine.class);
		}
		catch (JacksonException ex) {
			logger.warn("Cannot parse batch input line file={} offset={} customId={}: {}", this.displayName, offset,
					customId, ex.getOriginalMessage());
			return null;
		}
	}

	/** Positional reads: no shared file position, so lookups need no seek. */
	private byte[] readAt(long offset, int length) throws IOException {
		byte[] line = new byte[length];
		ByteBuffer buffer = ByteBuffer.wrap(line);
		while (buffer.hasRemaining()) {
			if (this.file.read(buffer, offset + buffer.position()) < 0) {
				throw new EOFException(this.displayName + " ends inside the line at byte offset " + offset
						+ ": was it changed while it was read?");
			}
		}
		return line;
	}

	private void index(Path seekable) throws IOException {
		try (LineReader reader = LineReader.open(seekable, 0, 1, this.maxLineBytes)) {
			SourceLine line;
			while ((line = reader.next()) != null) {
				if (line.isBlank()) {
					continue;
				}
				String customId = line.ok() ? customId(line.bytes()) : null;
				if (customId == null) {
					this.unreadableLines++;
				}
				else if (this.places.putIfAbsent(customId,
						(line.byteOffset() << LENGTH_BITS) | Math.min(line.bytes().length, MAX_LENGTH)) != null) {
					this.duplicateIds++;
					logger.warn("Duplicate custom_id in batch input file={} line={} customId={} (first one kept)",
							this.displayName, line.lineNumber(), customId);
				}
			}
		}
	}

	/** The top-level {@code custom_id} string, found by streaming so the request body is never built. */
	private String customId(byte[] utf8) {
		try (JsonParser parser = this.mapper.createParser(utf8)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			JsonToken token;
			while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("custom_id".equals(name)) {
					return (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
				}
				parser.skipChildren();
			}
			return null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static boolean isGzip(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			return in.read() == 0x1f && in.read() == 0x8b;
		}
	}

	private static Path inflate(Path gzip) throws IOException {
		Path copy = Files.createTempFile("batch-input-", ".jsonl");
		try (InputStream in = new GZIPInputStream(Files.newInputStream(gzip), READ_CHUNK);
				OutputStream out = Files.newOutputStream(copy)) {
			in.transferTo(out);
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(copy);
			throw ex;
		}
		return copy;
	}

	private void deleteTemporaryCopy() {
		if (this.temporaryCopy != null) {
			try {
				Files.deleteIfExists(this.temporaryCopy);
			}
			catch (IOException ex) {
				logger.warn("Cannot delete temporary file {}", this.temporaryCopy, ex);
			}
		}
	}

	@Override
	public void close() throws IOException {
		try {
			this.file.close();
		}
		finally {
			deleteTemporaryCopy();
		}
	}

}
