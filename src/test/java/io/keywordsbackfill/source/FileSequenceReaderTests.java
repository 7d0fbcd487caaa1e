package io.keywordsbackfill.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.UsageRecord;
import io.keywordsbackfill.support.TogetherBatchFiles;

import static io.keywordsbackfill.source.SourceTestSupport.readAll;
import static io.keywordsbackfill.source.SourceTestSupport.readSome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSequenceReaderTests {

	@TempDir
	Path dir;

	@Test
	void readsTheFilesOneAfterTheOtherInOrder() throws Exception {
		List<SourceFile> files = List.of(file("a", 0, 3), file("b", 3, 2), file("c", 5, 4));

		List<SourceItem> items = readAll(sequence(files), new ExecutionContext());

		assertThat(ids(items)).isEqualTo(ids(0, 9));
		assertThat(items).extracting(item -> item.position().file())
			.containsExactly(name("a"), name("a"), name("a"), name("b"), name("b"), name("c"), name("c"), name("c"),
					name("c"));
		assertThat(items).extracting(item -> item.position().line()).containsExactly(1L, 2L, 3L, 1L, 2L, 1L, 2L, 3L, 4L);
	}

	@Test
	void aSavedPositionInTheMiddleOfTheSecondFileResumesThere() throws Exception {
		List<SourceFile> files = List.of(file("a", 0, 3), file("b", 3, 4), file("c", 7, 2));
		ExecutionContext context = new ExecutionContext();

		// given: a reader stopped after 2 of the second file's 4 records
		List<SourceItem> first = readSome(sequence(files), context, 5);

		// then: its position names the file and, under that file's reader's name, the line
		assertThat(context.getInt("fileSequence.index")).isEqualTo(1);
		assertThat(context.getLong("togetherBatchReader.1.line")).isEqualTo(3);
		assertThat(context.getString("togetherBatchReader.1.fingerprint")).isEqualTo(files.get(1).fingerprint());

		// when: a new reader opens with that context
		List<SourceItem> rest = readAll(sequence(files), context);

		// then: it goes on with the second file's third record; nothing read twice, nothing lost
		assertThat(ids(first)).isEqualTo(ids(0, 5));
		assertThat(ids(rest)).isEqualTo(ids(5, 9));
		assertThat(rest.get(0).position().file()).isEqualTo(name("b"));
		assertThat(rest.get(0).position().line()).isEqualTo(3);
	}

	@Test
	void theFirstFilesReaderKeepsTheSingleFileReadersNameSoAnOldPositionResumes() throws Exception {
		SourceFile only = file("a", 0, 5);
		ExecutionContext saved = new ExecutionContext();
		readSome(new TogetherBatchItemReader(only, null, null), saved, 2);
		assertThat(saved.containsKey("fileSequence.index")).isFalse();

		List<SourceItem> rest = readAll(sequence(List.of(only)), saved);

		assertThat(ids(rest)).isEqualTo(ids(2, 5));
	}

	@Test
	void anEmptyFileInTheMiddleIsPassedOver() throws Exception {
		List<SourceFile> files = List.of(file("a", 0, 2), file("empty", 2, 0), file("c", 2, 3));
		assertThat(Files.size(files.get(1).path())).isZero();

		List<SourceItem> items = readAll(sequence(files), new ExecutionContext());

		assertThat(ids(items)).isEqualTo(ids(0, 5));
	}

	@Test
	void aPositionSavedAtTheEndResumesWithNothingToRead() throws Exception {
		List<SourceFile> files = List.of(file("a", 0, 2), file("b", 2, 2));
		ExecutionContext context = new ExecutionContext();
		FileSequenceReader reader = sequence(files);
		reader.open(context);
		while (reader.read() != null) {
			// to the end
		}
		reader.update(context);
		reader.close();

		assertThat(context.getInt("fileSequence.index")).isEqualTo(1);
		assertThat(readAll(sequence(files), context)).isEmpty();
	}

	@Test
	void tellsItsProgressInBytesOfAllItsFiles() throws Exception {
		List<SourceFile> files = List.of(file("a", 0, 3), file("b", 3, 4), file("c", 7, 2));
		long a = Files.size(files.get(0).path());
		long b = Files.size(files.get(1).path());
		long total = a + b + Files.size(files.get(2).path());
		FileSequenceReader reader = sequence(files);
		assertThat(reader.bytesTotal()).isEqualTo(-1);
		assertThat(reader.bytesRead()).isZero();

		ExecutionContext context = new ExecutionContext();
		reader.open(context);
		assertThat(reader.bytesTotal()).isEqualTo(total);
		assertThat(reader.bytesRead()).isZero();
		for (int i = 0; i < 5; i++) {
			reader.read();
		}
		reader.update(context);
		long inSecond = reader.bytesRead();
		assertThat(inSecond).isEqualTo(a + context.getLong("togetherBatchReader.1.offset")).isLessThan(a + b);
		assertThat(reader.bytesTotal()).isEqualTo(total);
		while (reader.read() != null) {
			// to the end
		}
		assertThat(reader.bytesRead()).isEqualTo(total);
		assertThat(reader.bytesTotal()).isEqualTo(total);
		reader.close();

		// a resumed reader counts the files finished before, and the part of the current one it skips
		FileSequenceReader resumed = sequence(files);
		resumed.open(context);
		assertThat(resumed.bytesRead()).isEqualTo(inSecond);
		assertThat(resumed.bytesTotal()).isEqualTo(total);
		resumed.close();
	}

	@Test
	void aLaterFileWrittenWhileItIsReadIsCaught() throws Exception {
		List<SourceFile> files = List.of(file("a", 0, 2), file("b", 2, 3));
		FileSequenceReader reader = new FileSequenceReader(FileSequenceReader.DEFAULT_NAME,
				TogetherBatchItemReader.DEFAULT_NAME, files, (index, name) -> FileChangeGuard
					.around(new TogetherBatchItemReader(name, files.get(index), null, null, 1 << 20), files.get(index)));
		ExecutionContext context = new ExecutionContext();
		reader.open(context);
		for (int i = 0; i < 3; i++) {
			reader.read();
		}
		reader.update(context);

		Files.writeString(files.get(1).path(), TogetherBatchFiles.outputLine("x", 99) + "\n",
				StandardOpenOption.APPEND);

		assertThatThrownBy(reader::read).isInstanceOf(FileChangeGuard.FileChangedException.class)
			.hasMessageStartingWith(name("b") + FileChangeGuard.CHANGED_WHILE_READ);
		reader.close();
	}

	FileSequenceReader sequence(List<SourceFile> files) {
		return new FileSequenceReader(FileSequenceReader.DEFAULT_NAME, TogetherBatchItemReader.DEFAULT_NAME, files,
				(index, name) -> new TogetherBatchItemReader(name, files.get(index), null, null, 1 << 20));
	}

	/** A file of {@code count} calls, request ids {@code seq-from} on. */
	SourceFile file(String name, int from, int count) {
		Path path = dir.resolve(name + ".jsonl");
		return SourceFile.of(TogetherBatchFiles.output(path, "seq", from, count));
	}

	String name(String file) {
		return dir.resolve(file + ".jsonl").toString();
	}

	static List<String> ids(List<SourceItem> items) {
		List<String> ids = new ArrayList<>();
		for (SourceItem item : items) {
			ids.add(((UsageRecord) item).sourceId());
		}
		return ids;
	}

	static List<String> ids(int from, int to) {
		return IntStream.range(from, to).mapToObj(i -> "together-request:seq-" + i).toList();
	}

}
