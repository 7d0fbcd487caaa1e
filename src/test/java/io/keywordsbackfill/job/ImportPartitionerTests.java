package io.keywordsbackfill.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.source.FileRange;
import io.keywordsbackfill.source.RangePlanner;
import io.keywordsbackfill.source.SourceFile;
import io.keywordsbackfill.support.TogetherBatchFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ImportPartitionerTests {

	@TempDir
	Path dir;

	@Test
	void manySmallFilesAreReadInGroupsOfConsecutiveFilesUpToTheMinimumPartitionSize() {
		// given: 30 files of about 4 KB
		List<SourceFile> files = files("day", 30, 10);
		long fileBytes = size(files.get(0));
		long minRangeBytes = 5 * fileBytes - 1;

		// when
		List<Partition> partitions = partitions(input("together-batch", files), 3, minRangeBytes);

		// then: groups of 4 files (a fifth would pass the size), every file once and in order
		assertThat(partitions).hasSize(8);
		assertThat(partitions).extracting(p -> p.files().size()).containsExactly(4, 4, 4, 4, 4, 4, 4, 2);
		assertThat(partitions).allSatisfy(p -> {
			assertThat(p.range()).isEqualTo(FileRange.WHOLE);
			assertThat(p.errorsOf()).isNull();
			assertThat(p.files().stream().mapToLong(m -> size(m.file())).sum()).isLessThanOrEqualTo(minRangeBytes);
		});
		assertThat(partitions.stream().flatMap(p -> p.files().stream()).map(Partition.Member::file)).isEqualTo(files);
	}

	@Test
	void fewerFilesThanTheMinimumSizeWouldGroupStillMakeAtLeastGridSizePartitions() {
		List<SourceFile> files = files("day", 12, 10);

		List<Partition> partitions = partitions(input("together-batch", files), 6, 16L << 20);

		assertThat(partitions).hasSize(6).allSatisfy(p -> assertThat(p.files()).hasSize(2));
		assertThat(partitions.stream().flatMap(p -> p.files().stream()).map(Partition.Member::file)).isEqualTo(files);
	}

	@Test
	void filesOfUnevenSizesMakeAtLeastGridSizePartitions() {
		List<SourceFile> files = new ArrayList<>(files("small", 5, 2));
		files.add(1, file("large", 2000));

		List<Partition> partitions = partitions(input("together-batch", files), 6, 16L << 20);

		assertThat(partitions).hasSizeGreaterThanOrEqualTo(6);
		assertThat(partitions.stream().flatMap(p -> p.files().stream()).map(Partition.Member::file)).isEqualTo(files);
	}

	@Test
	void aSingleFileIsAPartitionOfOneAsBefore() {
		SourceFile only = file("only", 10);

		List<Partition> partitions = partitions(input("chat-log", List.of(only)), 6, 4096);

		assertThat(partitions).containsExactly(new Partition("chat-log", InputOptions.NONE.toJson(), only, null,
				FileRange.WHOLE));
	}

	@Test
	void aLargeFileIsCutIntoTheSameRangesAsBefore() {
		SourceFile large = file("large", 1000);
		List<FileRange> ranges = RangePlanner.plan(large, 3, 4096);
		assertThat(ranges).hasSize(3);

		List<Partition> partitions = partitions(input("together-batch", List.of(large)), 3, 4096);

		assertThat(partitions).extracting(Partition::range).isEqualTo(ranges);
		assertThat(partitions).allSatisfy(p -> assertThat(p.files()).extracting(Partition.Member::file).containsExactly(large));
	}

	@Test
	void batchErrorFilesKeepAPartitionEachWhileTheirOutputFilesAreGrouped() {
		List<SourceFile> outputs = files("output", 4, 10);
		List<SourceFile> errors = files("errors", 4, 1);
		SourceFile batchInput = file("input", 3);
		List<ImportParameters.InputFile> inputFiles = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			inputFiles.add(new ImportParameters.InputFile(outputs.get(i), batchInput, errors.get(i)));
		}

		List<Partition> partitions = partitions(new ImportParameters.Input("together-batch", InputOptions.NONE, inputFiles),
				2, 16L << 20);

		assertThat(partitions).filteredOn(p -> p.errorsOf() != null)
			.extracting(p -> p.files().get(0).file(), Partition::errorsOf)
			.containsExactly(tuple(errors.get(0), outputs.get(0)),
					tuple(errors.get(1), outputs.get(1)),
					tuple(errors.get(2), outputs.get(2)),
					tuple(errors.get(3), outputs.get(3)));
		assertThat(partitions).filteredOn(p -> p.errorsOf() != null)
			.allSatisfy(p -> assertThat(p.files()).containsExactly(new Partition.Member(p.files().get(0).file(), batchInput)));
		assertThat(partitions).filteredOn(p -> p.errorsOf() == null).extracting(p -> p.files().size())
			.containsExactly(2, 2);
		assertThat(partitions).filteredOn(p -> p.errorsOf() == null)
			.flatExtracting(Partition::files)
			.containsExactly(outputs.stream().map(o -> new Partition.Member(o, batchInput)).toArray(Partition.Member[]::new));
	}

	@Test
	void aGroupIsStoredInItsContextAndReadBack() {
		List<SourceFile> files = files("day", 3, 2);
		SourceFile batchInput = file("input", 2);
		Partition group = Partition.sequence("together-batch", "{}", List.of(new Partition.Member(files.get(0), null),
				new Partition.Member(files.get(1), batchInput), new Partition.Member(files.get(2), null)));

		Partition read = Partition.from(group.toContext());

		assertThat(read).isEqualTo(group);
	}

	@Test
	void aContextSavedBeforePartitionsHeldSeveralFilesReadsBackAsAGroupOfOne() {
		SourceFile output = file("output", 20);
		SourceFile batchInput = file("input", 2);
		// the keys a partition had before
		ExecutionContext saved = new ExecutionContext();
		saved.putString("partition.format", "together-batch");
		saved.putString("partition.options", "{}");
		saved.putString("partition.file", output.displayName());
		saved.putString("partition.sha256", output.fingerprint());
		saved.putString("partition.batchInput", batchInput.displayName());
		saved.putString("partition.batchInputSha256", batchInput.fingerprint());
		saved.putLong("partition.start", 100);
		saved.putLong("partition.startLine", 3);
		saved.putLong("partition.end", 900);

		Partition read = Partition.from(saved);

		assertThat(read).isEqualTo(new Partition("together-batch", "{}", output, batchInput, new FileRange(100, 3, 900)));
		// and a partition of one file is still stored under those keys
		ExecutionContext again = read.toContext();
		assertThat(again.getString("partition.file")).isEqualTo(output.displayName());
		assertThat(again.getString("partition.batchInputSha256")).isEqualTo(batchInput.fingerprint());
		assertThat(again.getLong("partition.end")).isEqualTo(900);
	}

	List<Partition> partitions(ImportParameters.Input input, int gridSize, long minRangeBytes) {
		ImportParameters parameters = ImportParameters.adHoc(input, null);
		Map<String, ExecutionContext> contexts = new ImportPartitioner(parameters, minRangeBytes).partition(gridSize);
		assertThat(contexts.keySet()).allMatch(name -> name.matches("p\\d{3}"));
		return contexts.values().stream().map(Partition::from).toList();
	}

	static ImportParameters.Input input(String format, List<SourceFile> files) {
		return new ImportParameters.Input(format, InputOptions.NONE,
				files.stream().map(ImportParameters.InputFile::of).toList());
	}

	List<SourceFile> files(String prefix, int count, int records) {
		List<SourceFile> files = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			files.add(file(String.format("%s-%02d", prefix, i), records));
		}
		return files;
	}

	SourceFile file(String name, int records) {
		return SourceFile.of(TogetherBatchFiles.output(dir.resolve(name + ".jsonl"), name, 0, records));
	}

	static long size(SourceFile file) {
		try {
			return Files.size(file.path());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
