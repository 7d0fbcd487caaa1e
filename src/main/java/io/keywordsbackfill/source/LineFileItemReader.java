package io.keywordsbackfill.source;

import java.util.Objects;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.keywordsbackfill.record.SourceItem;

/**
 * What the single-file readers share: their name (the prefix of their execution context keys), the file,
 * the open {@link LineReader}, and saving and closing it through {@link ReaderPosition}. Subclasses open the
 * lines and turn them into items.
 */
abstract class LineFileItemReader implements ItemStreamReader<SourceItem> {

	protected final String name;

	protected final SourceFile file;

	/** Null until {@link #open} and after {@link #close}. */
	protected LineReader lines;

	LineFileItemReader(String name, SourceFile file) {
		this.name = Objects.requireNonNull(name, "name");
		this.file = Objects.requireNonNull(file, "file");
	}

	@Override
	public void update(ExecutionContext context) throws ItemStreamException {
		if (this.lines != null) {
			ReaderPosition.save(context, this.name, this.lines, this.file);
		}
	}

	@Override
	public void close() throws ItemStreamException {
		try {
			ReaderPosition.close(this.lines, this.name);
		}
		finally {
			this.lines = null;
		}
	}

}
