package io.keywordsbackfill.source;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;

import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.RequestParameters;
import io.keywordsbackfill.record.SourceIds;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.SourcePosition;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;
import io.keywordsbackfill.source.CsvRecordParser.Status;
import io.keywordsbackfill.source.UsageCsvOptions.LatencyUnit;

/**
 * Reads one {@code usage-csv} file (plain or gzip): a header row, then one {@link UsageRecord} or
 * {@link UnreadableRecord} per record. A record may span lines (quoted line breaks); its position is its
 * first line's number and byte offset. Blank lines are skipped. Never throws for bad rows; throws
 * {@link ItemStreamException} at {@link #open} when the header does not say which column holds a field
 * ({@link UsageCsvColumns}; the import checks this before it starts, so this is a last guard).
 * <ul>
 * <li>The header: a UTF-8 BOM is dropped, names are matched as {@link UsageCsvColumns} says (ignoring case,
 * spaces, {@code _} and {@code -}, with synonyms), extra columns are ignored.</li>
 * <li>Cells: empty means absent (a token cell of spaces is a bad value). {@code timestamp} is the completion
 * time; {@code latency_ms} gives the generation time and the start time ({@code timestamp − latency});
 * {@code ttft_ms} the TTFT; both in {@link UsageCsvOptions#latencyUnit()}, exact to the nanosecond. Token counts need both {@code prompt_tokens} and
 * {@code completion_tokens} ({@code total_tokens} is checked as a count but not used). Status:
 * {@code status_code}, else 500 when {@code error_message} is set, else 200. A CSV has no messages.</li>
 * <li>Rejects: a row with more or fewer cells than the header and a bad value ({@code "12.5"} tokens, a
 * non-number, a negative count, an impossible date) are {@code INVALID_FIELD}; a CSV syntax error is
 * {@code MALFORMED_CSV}. A quote never closed (by the end of the file or within the maximum record size),
 * or closed on a later line in a place where no quote may close, rejects the record's first line only,
 * and reading goes on at its second line, so one stray quote does not swallow the rest of the file.</li>
 * <li>Ids ({@link SourceIds}): the {@code request_id} cell, verbatim, is the log's {@code custom_identifier}
 * (ledger key {@code together-request:<id>}, the same as a Batch or chat-log import of the call). A row without
 * one is a {@code MISSING_SOURCE_ID} reject, unless {@link UsageCsvOptions#lineIds()} asks for
 * {@code usage-csv:<first 16 hex of the file's fingerprint>:<line>}.</li>
 * </ul>
 * An empty or header-only file yields no items and is not an error: {@link #warning()} says so.
 * <p>
 * Restartable: {@link #update(ExecutionContext)} saves the byte offset and line number of the next record
 * and the file's fingerprint under {@code <name>.offset}, {@code <name>.line}, {@code <name>.fingerprint}.
 * {@link #open(ExecutionContext)} reads the header line again, then seeks to the saved offset: a plain
 * file is not read between the header and the offset; a gzip file has no index, so it is inflated and
 * discarded up to the offset (a re-read, never a re-send).
 */
public class UsageCsvItemReader extends LineFileItemReader {

	public static final String DEFAULT_NAME = "usageCsvReader";

	private final UsageCsvOptions options;

	private final int maxRecordBytes;

	private final CsvRecordParser parser;

	/** Which header column holds each canonical field; only the columns the file has. */
	private UsageCsvColumns columns;

	private int columnCount;

	private boolean empty;

	private long rows;

	private boolean startedAtFirstRow;

	private boolean exhausted;

	public UsageCsvItemReader(SourceFile file, UsageCsvOptions options) {
		this(DEFAULT_NAME, file, options, LineReader.DEFAULT_MAX_LINE_BYTES);
	}

	/**
	 * @param name prefix of the execution context keys; unique among the step's streams
	 * @param options column mapping, units, zone, delimiter; null for {@link UsageCsvOptions#DEFAULTS}
	 * @param maxRecordBytes longer lines are {@code TOO_LARGE}; a quoted record longer than this is taken
	 * for an unclosed quote
	 */
	public UsageCsvItemReader(String name, SourceFile file, UsageCsvOptions options, int maxRecordBytes) {
		super(name, file);
		this.options = (options != null) ? options : UsageCsvOptions.DEFAULTS;
		this.maxRecordBytes = maxRecordBytes;
		this.parser = new CsvRecordParser(this.options.delimiter());
	}

	/**
	 * Reads the header and positions the reader at the saved record, or at the first row.
	 * @throws ItemStreamException if the file cannot be read, its header is unreadable or lacks a required
	 * or mapped column, or its content changed since the saved position
	 */
	@Override
	public void open(ExecutionContext context) throws ItemStreamException {
		// checks the fingerprint before anything is read; the header's end is the default start
		ReaderPosition.resume(context, this.name, this.file, FileRange.WHOLE);
		try {
			this.lines = LineReader.open(this.file.path(), 0, 1, this.maxRecordBytes);
			UsageCsvColumns.Header header = UsageCsvColumns.Header.read(this.lines, this.parser,
					this.file.displayName());
			this.empty = (header == null);
			this.rows = 0;
			this.exhausted = false;
			if (this.empty) {
				return;
			}
			this.columns = UsageCsvColumns.resolve(header.cells(), header.line(), this.options,
					this.file.displayName());
			this.columnCount = header.cells().size();
			long headerEnd = this.lines.nextByteOffset();
			FileRange position = ReaderPosition.resume(context, this.name, this.file,
					new FileRange(headerEnd, this.lines.nextLineNumber(), -1));
			long offset = position.startOffset();
			long line = position.startLine();
			this.startedAtFirstRow = (offset == headerEnd);
			if (offset != headerEnd) {
				this.lines.close();
				this.lines = LineReader.open(this.file.path(), offset, line, this.maxRecordBytes);
			}
		}
		catch (IOException ex) {
			closeQuietly();
			throw new ItemStreamException("Cannot open " + this.file.displayName(), ex);
		}
		catch (UsageCsvHeaderException ex) {
			closeQuietly();
			throw new ItemStreamException(ex.getMessage(), ex);
		}
		catch (ItemStreamException ex) {
			closeQuietly();
			throw ex;
		}
	}

	@Override
	public SourceItem read() throws IOException {
		if (this.lines == null) {
			throw new IllegalStateException(this.name + " is not open");
		}
		if (this.empty) {
			return null;
		}
		while (true) {
			SourceLine first = this.lines.next();
			if (first == null) {
				this.exhausted = true;
				return null;
			}
			SourcePosition position = new SourcePosition(this.file.displayName(), first.lineNumber(),
					first.byteOffset());
			UnreadableRecord flawed = SourceLines.flawed(first, position);
			if (flawed != null) {
				this.rows++;
				return flawed;
			}
			if (first.isBlank()) {
				continue;
			}
			this.rows++;
			return readRecord(first, position);
		}
	}

	private SourceItem readRecord(SourceLine first, SourcePosition position) throws IOException {
		long secondLineOffset = this.lines.nextByteOffset();
		long secondLineNumber = this.lines.nextLineNumber();
		StringBuilder raw = new StringBuilder(first.text());
		long recordBytes = secondLineOffset - first.byteOffset();
		this.parser.reset();
		Status status = this.parser.feed(first.text());
		while (status == Status.NEEDS_MORE) {
			SourceLine next = this.lines.next();
			String unclosed = null;
			if (next == null) {
				unclosed = "a quoted field is not closed before the end of the file";
			}
			else {
				recordBytes += this.lines.nextByteOffset() - next.byteOffset();
				if (recordBytes > this.maxRecordBytes) {
					unclosed = "a quoted field is not closed within " + this.maxRecordBytes + " bytes";
				}
			}
			if (unclosed != null) {
				return rejectFirstLineOnly(first, position, secondLineOffset, secondLineNumber, unclosed);
			}
			if (!next.ok()) {
				return SourceLines.unreadable(position, null,
						(next.problem() == LineProblem.TOO_LARGE) ? RejectReason.TOO_LARGE
								: RejectReason.INVALID_ENCODING,
						"line " + next.lineNumber() + " of the record is unreadable ("
								+ next.problem().name().toLowerCase(Locale.ROOT) + ")",
						raw.toString());
			}
			if (raw.length() < 2 * SourceLines.EXCERPT_CHARS) {
				raw.append('\n').append(next.text());
			}
			status = this.parser.feed(next.text());
		}
		if (status == Status.MALFORMED) {
			if (this.lines.nextLineNumber() > secondLineNumber) {
				// A quote opened on the first line closed lines later in the wrong place: most likely a stray
				// quote that swallowed the next rows, which deserve to be read on their own.
				return rejectFirstLineOnly(first, position, secondLineOffset, secondLineNumber,
						"a quoted field is not closed properly (" + this.parser.error() + " on line "
								+ (this.lines.nextLineNumber() - 1) + ")");
			}
			return SourceLines.unreadable(position, null, RejectReason.MALFORMED_CSV, this.parser.error(),
					raw.toString());
		}
		return toItem(this.parser.fields(), position, raw.toString());
	}

	/** Rejects the record's first line alone and goes on reading at its second line. */
	private UnreadableRecord rejectFirstLineOnly(SourceLine first, SourcePosition position, long secondLineOffset,
			long secondLineNumber, String message) throws IOException {
		this.lines.close();
		this.lines = null;
		this.lines = LineReader.open(this.file.path(), secondLineOffset, secondLineNumber, this.maxRecordBytes);
		return SourceLines.unreadable(position, null, RejectReason.MALFORMED_CSV, message, first.text());
	}

	private SourceItem toItem(List<String> cells, SourcePosition position, String raw) {
		if (cells.size() != this.columnCount) {
			return SourceLines.unreadable(position, null, RejectReason.INVALID_FIELD,
					"expected " + this.columnCount + " columns (as in the header), found " + cells.size(), raw);
		}
		SourceIds ids = SourceIds.of(cell(cells, "request_id"), null, null, this.file.shortFingerprint());
		if (ids == null && !this.options.lineIds()) {
			// an id is never made of a line number unless asked for: a re-cut export would send the row again
			return SourceLines.unreadable(position, null, RejectReason.MISSING_SOURCE_ID, "no id in column \""
					+ header("request_id") + "\" (ids made from file and line are used only with --line-ids)", raw);
		}
		if (ids == null) {
			ids = SourceIds.fromLine("usage-csv", this.file.shortFingerprint(), position.line());
		}
		try {
			return toRecord(cells, position, ids);
		}
		catch (BadFieldException ex) {
			return SourceLines.unreadable(position, ids.key(), ex.reason(), ex.getMessage(), raw);
		}
	}

	private UsageRecord toRecord(List<String> cells, SourcePosition position, SourceIds ids)
			throws BadFieldException {
		Instant completedAt = FieldValues.timestamp(cell(cells, "timestamp"), this.options.defaultZone(),
				header("timestamp"));
		Long prompt = FieldValues.count(countCell(cells, "prompt_tokens"), header("prompt_tokens"));
		Long completion = FieldValues.count(countCell(cells, "completion_tokens"), header("completion_tokens"));
		FieldValues.count(countCell(cells, "total_tokens"), header("total_tokens"));
		boolean seconds = this.options.latencyUnit() == LatencyUnit.SECONDS;
		Duration latency = FieldValues.duration(FieldValues.decimal(cell(cells, "latency_ms"), header("latency_ms")),
				seconds, header("latency_ms"));
		Duration ttft = FieldValues.duration(FieldValues.decimal(cell(cells, "ttft_ms"), header("ttft_ms")), seconds,
				header("ttft_ms"));
		Integer status = FieldValues.statusCode(cell(cells, "status_code"), header("status_code"));
		BigDecimal cost = FieldValues.decimal(cell(cells, "cost_usd"), header("cost_usd"));
		String error = cell(cells, "error_message");
		int statusCode = (status != null) ? status : (error != null) ? 500 : 200;
		Instant startedAt = (completedAt != null && latency != null) ? completedAt.minus(latency) : null;
		return new UsageRecord(position, ids, cell(cells, "model"), null, null,
				FieldValues.usage(prompt, completion), completedAt, startedAt, latency, ttft, statusCode, error,
				cell(cells, "customer_id"), RequestParameters.NONE, false, cost);
	}

	/** The cell of a canonical column, stripped; null when the file has no such column or the cell is blank. */
	private String cell(List<String> cells, String canonical) {
		Integer index = this.columns.index(canonical);
		if (index == null) {
			return null;
		}
		String value = cells.get(index).strip();
		return value.isEmpty() ? null : value;
	}

	/**
	 * The cell of a token column: null when the file has no such column or the cell is empty (unknown), the
	 * cell itself when it holds only spaces, which a count refuses: an exporter writes nothing for "unknown",
	 * so spaces are a value, and not a count.
	 */
	private String countCell(List<String> cells, String canonical) {
		Integer index = this.columns.index(canonical);
		if (index == null) {
			return null;
		}
		String value = cells.get(index);
		return value.isBlank() ? value : value.strip();
	}

	private String header(String canonical) {
		return this.columns.name(canonical);
	}

	/**
	 * What the run should report about this file, once it was read to its end: {@code "empty file"},
	 * {@code "header only, no rows"}, or null (rows were read, or the file is not finished, or the reader
	 * resumed past its first row and cannot tell).
	 */
	public String warning() {
		if (this.empty) {
			return "empty file";
		}
		return (this.exhausted && this.startedAtFirstRow && this.rows == 0) ? "header only, no rows" : null;
	}

	/** Records (rows and rejects) returned since {@link #open}. */
	public long rowsRead() {
		return this.rows;
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
