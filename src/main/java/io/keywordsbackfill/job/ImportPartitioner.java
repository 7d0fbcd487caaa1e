package io.keywordsbackfill.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.source.FileRange;
import io.keywordsbackfill.source.RangePlanner;
import io.keywordsbackfill.source.SourceFile;

/**
 * Plans the partitions of an import: a large plain Together Batch file is cut into line-aligned byte ranges
 * so that {@code gridSize} partitions can share it; each Batch error file is a partition of its own; the
 * other files, read whole, are grouped: consecutive files of one input, up to about {@code minRangeBytes},
 * are read one after the other by one partition, so that a run of many small files does not pay a
 * partition's start and a round trip per file. (A CSV record may span lines, so a CSV file is never cut;
 * chat-log files are read whole too.) Spring Batch calls this once per run; a restart reuses the stored
 * partitions.
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
		// each file's size read once, so the planning sees one size per file even if it is being written
		Map<ImportParameters.InputFile, Long> sizeOf = new LinkedHashMap<>();
		long totalBytes = 0;
		for (ImportParameters.Input input : this.parameters.inputs()) {
			for (ImportParameters.InputFile file : input.files()) {
				long size = size(file.file());
				sizeOf.put(file, size);
				totalBytes += size;
			}
		}
		// first the ranges of every file, as a file of its own would have; the files read whole are grouped
		Map<ImportParameters.InputFile, List<FileRange>> rangesOf = new LinkedHashMap<>();
		int wholeFiles = 0;
		long wholeBytes = 0;
		for (ImportParameters.Input input : this.parameters.inputs()) {
			for (ImportParameters.InputFile file : input.files()) {
				List<FileRange> ranges = List.of(FileRange.WHOLE);
				if ("together-batch".equals(input.format()) && totalBytes > 0) {
					// a file's share of the grid follows its share of the bytes
					int share = (int) Math.max(1, Math.round((double) gridSize * sizeOf.get(file) / totalBytes));
					ranges = RangePlanner.plan(file.file(), share, this.minRangeBytes);
				}
				rangesOf.put(file, ranges);
				if (isWhole(ranges)) {
					wholeFiles++;
					wholeBytes += sizeOf.get(file);
				}
			}
		}
		// A group is closed before a file that would take it past minRangeBytes or past an even share of the
		// whole files' bytes, or once it holds files / gridSize files: so there are at least gridSize groups
		// when there are at least as many files, and a file alone is never split or joined to a large one.
		int grid = Math.max(1, gridSize);
		long maxGroupBytes = Math.min(this.minRangeBytes, (wholeBytes + grid - 1) / grid);
		int maxGroupFiles = Math.max(1, wholeFiles / grid);

		// suppliers, so that a group takes the place of its first file while later files join it
		List<Supplier<Partition>> planned = new ArrayList<>();
		for (ImportParameters.Input input : this.parameters.inputs()) {
			String format = input.format();
			String options = input.options().toJson();
			List<Partition.Member> group = null;
			long groupBytes = 0;
			for (ImportParameters.InputFile file : input.files()) {
				List<FileRange> ranges = rangesOf.get(file);
				if (isWhole(ranges)) {
					long fileBytes = sizeOf.get(file);
					if (group == null || groupBytes + fileBytes > maxGroupBytes || group.size() >= maxGroupFiles) {
						List<Partition.Member> newGroup = new ArrayList<>();
						planned.add(() -> Partition.sequence(format, options, newGroup));
						group = newGroup;
						groupBytes = 0;
					}
					group.add(new Partition.Member(file.file(), file.batchInput()));
					groupBytes += fileBytes;
				}
				else {
					for (FileRange range : ranges) {
						Partition partition = new Partition(format, options, file.file(), file.batchInput(), range);
						planned.add(() -> partition);
					}
				}
				if (file.errors() != null) {
					Partition errors = new Partition(format, options, file.errors(), file.batchInput(), FileRange.WHOLE,
							file.file());
					planned.add(() -> errors);
				}
			}
		}
		Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
		for (int i = 0; i < planned.size(); i++) {
			contexts.put(String.format("p%03d", i), planned.get(i).get().toContext());
		}
		return contexts;
	}

	private static boolean isWhole(List<FileRange> ranges) {
		return ranges.size() == 1 && FileRange.WHOLE.equals(ranges.get(0));
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
