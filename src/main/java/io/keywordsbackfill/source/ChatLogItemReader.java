package io.keywordsbackfill.source;

import java.io.IOException;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;

import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one {@code chat-log} file (plain or gzip): one {@link UsageRecord} or {@link UnreadableRecord} per
 * non-blank line, as {@link ChatLogLineParser} describes. Blank lines are skipped. Never throws for bad
 * content; only I/O failures throw.
 * <p>
 * Restartable: {@link #update(ExecutionContext)} saves the byte offset and line number of the next line
 * and the file's fingerprint under {@code <name>.offset}, {@code <name>.line} and
 * {@code <name>.fingerprint}; {@link #open(ExecutionContext)} seeks there (a plain file is not read
 * before the offset; a gzip file is inflated and discarded up to it) and refuses to resume in a file whose
 * content changed.
 */
public class ChatLogItemReader extends LineFileItemReader {

	public static final String DEFAULT_NAME = "chatLogReader";

	private final int maxLineBytes;

	private final ChatLogLineParser parser;

	public ChatLogItemReader(SourceFile file, ChatLogOptions options) {
		this(DEFAULT_NAME, file, options, LineReader.DEFAULT_MAX_LINE_BYTES);
	}

	/**
	 * @param name prefix of the execution context keys; unique among the step's streams
	 * @param options field renames and default zone; null for {@link ChatLogOptions#DEFAULTS}
	 * @param maxLineBytes longer lines become {@code TOO_LARGE} rejects
	 */
	public ChatLogItemReader(String name, SourceFile file, ChatLogOptions options, int maxLineBytes) {
		super(name, file);
		this.maxLineBytes = maxLineBytes;
		JsonMapper mapper = JsonMapper.builder()
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			// a cost or latency keeps the digits it was written with, never rounded through a double
			.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.build();
		this.parser = new ChatLogLineParser(mapper, (options != null) ? options : ChatLogOptions.DEFAULTS);
	}

	@Override
	public void open(ExecutionContext context) throws ItemStreamException {
		FileRange position = ReaderPosition.resume(context, this.name, this.file, FileRange.WHOLE);
		try {
			this.lines = LineReader.open(this.file.path(), position.startOffset(), position.startLine(), this.maxLineBytes);
		}
		catch (IOException ex) {
			throw new ItemStreamException("Cannot open " + this.file.displayName() + " at line " + position.startLine(),
					ex);
		}
	}

	@Override
	public SourceItem read() throws IOException {
		if (this.lines == null) {
			throw new IllegalStateException(this.name + " is not open");
		}
		SourceLine line;
		while ((line = this.lines.next()) != null) {
			if (!line.ok() || !line.isBlank()) {
				return this.parser.parse(line, this.file);
			}
		}
		return null;
	}

}
