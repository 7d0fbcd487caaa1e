package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Estimates when a Together batch completed, for its error lines, which carry no time: the latest
 * {@code created} among the completions of its output file. The batch completed at or after that moment, and
 * its failed requests before it, so it is the closest time the files hold (an explicit
 * {@code --batch-completed-at} wins).
 */
public final class BatchCompletion {

	private static final Pattern CREATED = Pattern.compile("\"created\"\\s*:\\s*(\\d{9,11})");

	private static final String SOURCE = "latest completion in the batch's output file (the error file has no times)";

	private BatchCompletion() {
	}

	/** Where the estimate comes from, for the logs that use it. */
	public static String source() {
		return SOURCE;
	}

	/**
	 * @return the latest {@code created} of the output file, or empty when it has none (an output file of
	 * failures only)
	 */
	public static Optional<Instant> latestCreated(SourceFile output) {
		long latest = -1;
		try (LineReader lines = LineReader.open(output.path())) {
			SourceLine line;
			while ((line = lines.next()) != null) {
				if (!line.ok()) {
					continue;
				}
				Matcher matcher = CREATED.matcher(line.text());
				while (matcher.find()) {
					latest = Math.max(latest, Long.parseLong(matcher.group(1)));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + output.displayName(), ex);
		}
		return latest < 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(latest));
	}

}
