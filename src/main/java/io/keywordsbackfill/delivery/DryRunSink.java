package io.keywordsbackfill.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink for dry runs: appends each batch's exact request body as one line of a JSONL file and reports every log
 * as accepted (status 200, no log id). Lines stay one per batch because logs are compact JSON, whose strings
 * escape line breaks. Thread-safe: batches are written whole, one at a time.
 */
public final class DryRunSink implements LogSink {

	private final Path file;

	private final OutputStream out;

	/**
	 * Opens {@code file} for appending, creating it and its parent directories.
	 * @throws UncheckedIOException when the file cannot be opened
	 */
	public DryRunSink(Path file) {
		this.file = file;
		try {
			Path parent = file.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
					StandardOpenOption.WRITE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the dry-run output " + file, ex);
		}
	}

	/**
	 * @throws UncheckedIOException when the line cannot be written; nothing was "sent" then
	 */
	@Override
	public List<LogResult> send(List<OutgoingLog> batch) {
		if (batch.isEmpty()) {
			return List.of();
		}
		byte[] body = BatchBody.of(batch);
		synchronized (out) {
			try {
				out.write(body);
				out.write('\n');
				// flushed per batch so that what a run reports as sent is on disk if it dies
				out.flush();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot write the dry-run output " + file, ex);
			}
		}
		List<LogResult> results = new ArrayList<>(batch.size());
		for (int i = 0; i < batch.size(); i++) {
			results.add(LogResult.accepted(null, 200));
		}
		return results;
	}

	@Override
	public void close() {
		synchronized (out) {
			try {
				out.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot close the dry-run output " + file, ex);
			}
		}
	}

	@Override
	public String toString() {
		return "DryRunSink[" + file + "]";
	}

}
