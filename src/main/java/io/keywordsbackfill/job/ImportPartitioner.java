package io.keywordsbackfill.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.source.FileRange;
import io.keywordsbackfill.source.RangePlanner;
import io.keywordsbackfill.source.SourceFile;

/**
 * Plans the partitions of an import: each file is one partition, except that a large plain file is cut into
 * line-aligned byte ranges so that {@code gridSize} partitions can share it; the Batch error file is a
 * partition of its own. Spring Batch calls this once per run; a restart reuses the stored partitions.
 */
class ImportPartitioner implements Partitioner {

	private final ImportParameters parameters;

	private final long minRangeBytes;

	ImportPartitioner(ImportParameters parameters, long minRangeBytes) {
		this.parameters = parameters;
		this.minRangeBytes = minRangeBytes;
	}

	@Override
	public Map<String, ExecutionContext> partition(int gridSize) {
		long totalBytes = 0;
		for (SourceFile file : this.parameters.files()) {
			totalBytes += size(file);
		}
		List<Partition> partitions = new ArrayList<>();
		for (SourceFile file : this.parameters.files()) {
			// a file's share of the grid follows its share of the bytes
			int ranges = totalBytes == 0 ? 1 : (int) Math.max(1, Math.round((double) gridSize * size(file) / totalBytes));
			for (FileRange range : RangePlanner.plan(file, ranges, this.minRangeBytes)) {
				partitions.add(new Partition(file, range));
			}
		}
		if (this.parameters.errors() != null) {
			partitions.add(new Partition(this.parameters.errors(), FileRange.WHOLE));
		}
		Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
		for (int i = 0; i < partitions.size(); i++) {
			contexts.put(String.format("p%03d", i), partitions.get(i).toContext());
		}
		return contexts;
	}

	private static long size(SourceFile file) {
		try {
			return Files.size(file.path());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file.displayName(), ex);
		}
	}

}
