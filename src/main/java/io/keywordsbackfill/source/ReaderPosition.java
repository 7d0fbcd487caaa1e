package io.keywordsbackfill.source;

import java.io.IOException;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;

/**
 * Where a line-oriented reader resumes, as saved in its step's execution context under
 * {@code <name>.offset}, {@code <name>.line} and {@code <name>.fingerprint}: the byte offset and line number
 * of the next line, and the fingerprint of the file they belong to. One place for the three readers, so they
 * save and check a position the same way.
 */
final class ReaderPosition {

	private ReaderPosition() {
	}

	/**
	 * The saved position, or {@code start} when there is none.
	 * @throws ItemStreamException when the saved position belongs to other content (the file changed)
	 */
	static FileRange resume(ExecutionContext context, String name, SourceFile file, FileRange start) {
		String saved = context.containsKey(name + ".fingerprint") ? context.getString(name + ".fingerprint") : null;
		long line = context.containsKey(name + ".line") ? context.getLong(name + ".line") : start.startLine();
		if (saved != null && !saved.equals(file.fingerprint())) {
			throw new ItemStreamException("Cannot resume " + file.displayName() + " at line " + line
					+ ": its content changed since the saved position was taken");
		}
		long offset = context.containsKey(name + ".offset") ? context.getLong(name + ".offset") : start.startOffset();
		return new FileRange(offset, line, start.endOffset());
	}

	/** Saves where {@code lines} will go on: the position after the last line it returned. */
	static void save(ExecutionContext context, String name, LineReader lines, SourceFile file) {
		context.putLong(name + ".offset", lines.nextByteOffset());
		context.putLong(name + ".line", lines.nextLineNumber());
		context.putString(name + ".fingerprint", file.fingerprint());
	}

	/** Closes a reader's lines, if open, as an {@link ItemStreamException} on failure. */
	static void close(LineReader lines, String name) {
		if (lines == null) {
			return;
		}
		try {
			lines.close();
		}
		catch (IOException ex) {
			throw new ItemStreamException("Cannot close " + name, ex);
		}
	}

}
