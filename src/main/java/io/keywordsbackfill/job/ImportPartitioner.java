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
 * Plans the partitions of an import: each file is one partition, except that a large plain Together Batch
 * file is cut into line-aligned byte ranges so that {@code gridSize} partitions can share it; each Batch
 * error file is a partition of its own. (A CSV record may span lines, so a CSV file is never cut; chat-log
 * files are read whole too.) Spring Batch calls this once per run; a restart reuses the stored partitions.
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
		for (ImportParameters.Input input : this.parameters.inputs()) {
			for (ImportParameters.InputFile file : input.files()) {
				totalBytes += size(file.file());
			}
		}
		List<Partition> partitions = new ArrayList<>();
		for (ImportParameters.Input input : this.parameters.inputs()) {
			String options = input.options().toJson();
			for (ImportParameters.InputFile file : input.files()) {
				List<FileRange> ranges = List.of(FileRange.WHOLE);
				if ("together-batch".equals(input.format()) && totalBytes > 0) {
					// a file's share of the grid follows its share of the bytes
					int share = (int) Math.max(1, Math.round((double) gridSize * size(file.file()) / totalBytes));
					ranges = RangePlanner.plan(file.file(), share, this.minRangeBytes);
				}
				for (FileRange range : ranges) {
					partitions.add(new Partition(input.format(), options, file.file(), file.batchInput(), range));
				}
				if (file.errors() != null) {
					partitions.add(new Partition(input.format(), options, file.errors(), file.batchInput(), FileRange.WHOLE,
							file.file()));
				}
			}
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
