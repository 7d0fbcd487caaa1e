package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.json.JsonMapper;

/**
 * The Batch input indexes of one run, built once per input file and shared by the partitions that join with it:
 * a large output file cut into byte ranges would otherwise index the same input file once per range. Thread-safe;
 * an index answers lookups from several partitions at once. Closed (temporary copies deleted) when the run ends.
 */
public final class BatchInputIndexes implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(BatchInputIndexes.class);

	private final Map<String, TogetherBatchIndex> byFingerprint = new ConcurrentHashMap<>();

	/** The index of {@code input}, built by the first partition that asks. */
	TogetherBatchIndex index(JsonMapper mapper, SourceFile input, int maxLineBytes) throws IOException {
		try {
			return this.byFingerprint.computeIfAbsent(input.fingerprint(), fingerprint -> {
				try {
					return TogetherBatchIndex.build(mapper, input.path(), input.displayName(), maxLineBytes);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
	}

	/** How many input files have an index. */
	int size() {
		return this.byFingerprint.size();
	}

	@Override
	public void close() {
		for (TogetherBatchIndex index : this.byFingerprint.values()) {
			try {
				index.close();
			}
			catch (IOException ex) {
				logger.warn("Cannot close a batch input index", ex);
			}
		}
		this.byFingerprint.clear();
	}

}
