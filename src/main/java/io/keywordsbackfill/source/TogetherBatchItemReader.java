package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Objects;

import org.slf4j.MDC;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a Together Batch result: the output file, then the error file if given, one
 * {@link UsageRecord} or {@link UnreadableRecord} per non-blank line, each joined by {@code custom_id}
 * with its request in the input file if given. Never throws for bad content; only I/O failures throw.
 * <p>
 * Restartable: {@link #update(ExecutionContext)} saves the part being read ({@code 0} output,
 * {@code 1} errors), the byte offset and line number of the next line and the part's fingerprint, under
 * {@code <name>.part}, {@code <name>.offset}, {@code <name>.line}, {@code <name>.fingerprint};
 * {@link #open(ExecutionContext)} seeks back there (a plain file is not read again before the offset)
 * and refuses to resume in a file whose content changed. Memory does not grow with the output file:
 * only the input file's ids and offsets are held.
 */
public class TogetherBatchItemReader implements ItemStreamReader<SourceItem>, ProgressAware {

	public static final String DEFAULT_NAME = "togetherBatchReader";

	/** The MDC key under which the file being read is put while the reader is open (on the reading thread). */
	public static final String LOG_FILE_KEY = "file";

	static final int PART_OUTPUT = 0;

	static final int PART_ERRORS = 1;

	private final String name;

	private final SourceFile output;

	private final SourceFile input;

	private final SourceFile errors;

	private final int maxLineBytes;

	private final JsonMapper mapper = newMapper();

	private TogetherBatchIndex index;

	/** The run's shared indexes, or null for an index of this reader's own. */
	private BatchInputIndexes sharedIndexes;

	private TogetherBatchLineParser parser;

	private LineReader lines;

	private int part;

	private FileRange range = FileRange.WHOLE;

	private long outputBytes;

	// Written by the step thread, read by the progress reporter's thread.
	private volatile long bytesRead;

	private volatile long bytesTotal = -1;

	/**
	 * @param output the output file (required)
	 * @param input the input file, or null (records then have no prompt messages or parameters)
	 * @param errors the error file, or null
	 */
	public TogetherBatchItemReader(SourceFile output, SourceFile input, SourceFile errors) {
		this(DEFAULT_NAME, output, input, errors, LineReader.DEFAULT_MAX_LINE_BYTES);
	}

	/**
	 * @param name prefix of the execution context keys; unique among the step's streams
	 * @param maxLineBytes longer lines become {@code TOO_LARGE} rejects
	 */
	public TogetherBatchItemReader(String name, SourceFile output, SourceFile input, SourceFile errors,
			int maxLineBytes) {
		this.name = Objects.requireNonNull(name, "name");
		this.output = Objects.requireNonNull(output, "output");
		this.input = input;
		this.errors = errors;
		this.maxLineBytes = maxLineBytes;
	}

	/**
	 * Limits reading to a line-aligned byte range of the output file (a partition of a large file); the
	 * error file, if any, is not read.
	 */
	public TogetherBatchItemReader onlyRange(FileRange range) {
		if (this.errors != null && range != FileRange.WHOLE) {
			throw new IllegalArgumentException("a byte range reads the output file only; read the error file apart");
		}
		this.range = range;
		return this;
	}

	/** Takes the input file's index from the run's shared ones instead of building one of its own. */
	public TogetherBatchItemReader sharingIndexes(BatchInputIndexes indexes) {
		this.sharedIndexes = indexes;
		return this;
	}

	String key(String suffix) {
		return this.name + "." + suffix;
	}

	@Override
	public void open(ExecutionContext context) throws ItemStreamException {
		int savedPart = context.containsKey(key("part")) ? context.getInt(key("part")) : PART_OUTPUT;
		long offset = context.containsKey(key("offset")) ? context.getLong(key("offset")) : this.range.startOffset();
		long line = context.containsKey(key("line")) ? context.getLong(key("line")) : this.range.startLine();
		if (savedPart != PART_OUTPUT && (savedPart != PART_ERRORS || this.errors == null)) {
			throw new ItemStreamException("Saved position of " + this.name + " refers to part " + savedPart
					+ ", which this run does not have (was the error file left out?)");
		}
		SourceFile file = file(savedPart);
		String savedFingerprint = context.containsKey(key("fingerprint")) ? context.getString(key("fingerprint"))
				: null;
		if (savedFingerprint != null && !savedFingerprint.equals(file.fingerprint())) {
			throw new ItemStreamException("Cannot resume " + file.displayName() + " at line " + line
					+ ": its content changed since the saved position was taken");
		}
		try {
			if (this.input != null) {
				this.index = (this.sharedIndexes != null)
						? this.sharedIndexes.index(this.mapper, this.input, this.maxLineBytes)
						: TogetherBatchIndex.build(this.mapper, this.input.path(), this.input.displayName(),
								this.maxLineBytes);
			}
			this.parser = new TogetherBatchLineParser(this.mapper, this.index);
			this.part = savedPart;
			this.lines = LineReader.open(file.path(), offset, line, this.maxLineBytes);
			MDC.put(LOG_FILE_KEY, file.displayName());
			long size = Files.size(this.output.path());
			// a range counts its own bytes only, so the partitions of one file add up to the file
			this.outputBytes = ((this.range.endOffset() < 0) ? size : this.range.endOffset()) - this.range.startOffset();
			this.bytesTotal = this.outputBytes + ((this.errors != null) ? Files.size(this.errors.path()) : 0);
			trackBytes();
		}
		catch (IOException | UncheckedIOException ex) {
			closeQuietly();
			throw new ItemStreamException("Cannot open " + file.displayName() + " at line " + line, ex);
		}
	}

	/** How Batch files are bound. Strings stay strings: a number where an id belongs is a bad field, not an id. */
	static JsonMapper newMapper() {
		return JsonMapper.builder()
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.withCoercionConfig(LogicalType.Textual,
					config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.build();
	}

	@Override
	public SourceItem read() throws IOException {
		if (this.lines == null) {
			throw new IllegalStateException(this.name + " is not open");
		}
		while (true) {
			SourceLine line = this.range.contains(this.lines.nextByteOffset()) ? this.lines.next() : null;
			if (line == null) {
				if (this.part == PART_OUTPUT && this.errors != null) {
					this.lines.close();
					this.lines = null;
					this.lines = LineReader.open(this.errors.path(), 0, 1, this.maxLineBytes);
					this.part = PART_ERRORS;
					MDC.put(LOG_FILE_KEY, this.errors.displayName());
					trackBytes();
					continue;
				}
				return null;
			}
			trackBytes();
			if (line.ok() && line.isBlank()) {
				continue;
			}
			return this.parser.parse(line, file(this.part));
		}
	}

	@Override
	public void update(ExecutionContext context) throws ItemStreamException {
		if (this.lines == null) {
			return;
		}
		context.putInt(key("part"), this.part);
		ReaderPosition.save(context, this.name, this.lines, file(this.part));
	}

	@Override
	public void close() throws ItemStreamException {
		try {
			if (this.lines != null) {
				this.lines.close();
			}
			if (this.index != null && this.sharedIndexes == null) {
				this.index.close();
			}
		}
		catch (IOException ex) {
			throw new ItemStreamException("Cannot close " + this.name, ex);
		}
		finally {
			this.lines = null;
			this.index = null;
			MDC.remove(LOG_FILE_KEY);
		}
	}

	@Override
	public long bytesRead() {
		return this.bytesRead;
	}

	@Override
	public long bytesTotal() {
		return this.bytesTotal;
	}

	private void trackBytes() {
		this.bytesRead = (this.part == PART_ERRORS) ? this.outputBytes + this.lines.fileBytesRead()
				: this.lines.fileBytesRead() - (this.lines.gzip() ? 0 : this.range.startOffset());
	}

	/** The input file's duplicate {@code custom_id}s (first kept), for the run summary; 0 before open. */
	public long inputDuplicateIds() {
		return (this.index != null) ? this.index.duplicateIds() : 0;
	}

	private SourceFile file(int part) {
		return (part == PART_ERRORS) ? this.errors : this.output;
	}

	private void closeQuietly() {
		try {
			close();
		}
		catch (ItemStreamException ex) {
			// the open failure is the one worth reporting
		}
	}

}
