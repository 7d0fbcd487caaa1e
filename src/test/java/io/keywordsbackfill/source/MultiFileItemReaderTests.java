package io.keywordsbackfill.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;

import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.UsageRecord;

import static io.keywordsbackfill.source.SourceTestSupport.readAll;
import static io.keywordsbackfill.source.SourceTestSupport.readSome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiFileItemReaderTests {

	@TempDir
	Path dir;

	@Test
	void readsFilesInOrderAndSameContentOnce() throws Exception {
		List<SourceFile> files = files(3);
		Path copy = Files.copy(files.get(1).path(), this.dir.resolve("renamed-copy.jsonl"));
		List<SourceFile> withCopy = new ArrayList<>(files);
		withCopy.add(SourceFile.of(copy));
		MultiFileItemReader reader = reader(withCopy);

		List<SourceItem> items = readAll(reader, new ExecutionContext());

		assertThat(items).extracting((item) -> ((UsageRecord) item).sourceId())
			.containsExactly("chat-log:f1-1", "chat-log:f1-2", "chat-log:f1-3", "chat-log:f2-1", "chat-log:f2-2",
					"chat-log:f2-3", "chat-log:f3-1", "chat-log:f3-2", "chat-log:f3-3");
		assertThat(reader.skippedDuplicates()).extracting(SourceFile::path).containsExactly(copy);
	}

	@Test
	void restartInTheMiddleOfTheSecondFileResumesItAtItsOffset() throws Exception {
		List<SourceFile> files = files(3);
		List<SourceItem> all = readAll(reader(files), new ExecutionContext());
		ExecutionContext context = new ExecutionContext();
		List<SourceItem> seen = new ArrayList<>(readSome(reader(files), context, 5));

		assertThat(context.getInt("multiFileReader.fileIndex")).isEqualTo(1);
		assertThat(context.getString("multiFileReader.fingerprint")).isEqualTo(files.get(1).fingerprint());
		assertThat(context.getLong("multiFileReader.file.chatLogReader.line")).isEqualTo(3);
		// file 2 is resumed at its offset: what came before it in that file is not read again
		SourceTestSupport.scribbleBefore(files.get(1).path(), context.getLong("multiFileReader.file.chatLogReader.offset"));
		seen.addAll(readAll(reader(files), context));

		assertThat(seen).isEqualTo(all);
	}

	@Test
	void restartAfterAnyNumberOfItemsLosesAndRepeatsNothing() throws Exception {
		List<SourceFile> files = files(3);
		List<SourceItem> all = readAll(reader(files), new ExecutionContext());

		for (int stopAfter = 0; stopAfter <= all.size(); stopAfter++) {
			ExecutionContext context = new ExecutionContext();
			List<SourceItem> seen = new ArrayList<>(readSome(reader(files), context, stopAfter));
			seen.addAll(readAll(reader(files), context));
			assertThat(seen).as("stopped after %d", stopAfter).isEqualTo(all);
		}
	}

	@Test
	void movingToTheNextFileDropsThePreviousFilesKeys() throws Exception {
		List<SourceFile> files = files(2);
		ExecutionContext context = new ExecutionContext();
		readSome(reader(files), context, 3);
		assertThat(context.getLong("multiFileReader.file.chatLogReader.line")).isEqualTo(4);

		readSome(reader(files), context, 1);

		assertThat(context.getInt("multiFileReader.fileIndex")).isEqualTo(1);
		assertThat(context.getLong("multiFileReader.file.chatLogReader.line")).isEqualTo(2);
		assertThat(context.getString("multiFileReader.file.chatLogReader.fingerprint"))
			.isEqualTo(files.get(1).fingerprint());
	}

	@Test
	void refusesToResumeWhenTheFileAtTheSavedIndexChanged() throws Exception {
		List<SourceFile> files = files(3);
		ExecutionContext context = new ExecutionContext();
		readSome(reader(files), context, 4);

		assertThatThrownBy(() -> reader(List.of(files.get(0), files.get(2))).open(context))
			.isInstanceOf(ItemStreamException.class)
			.hasMessageContaining("file 2");
	}

	private MultiFileItemReader reader(List<SourceFile> files) {
		return new MultiFileItemReader(files, (file) -> new ChatLogItemReader(file, null));
	}

	private List<SourceFile> files(int count) throws IOException {
		List<SourceFile> files = new ArrayList<>();
		for (int f = 1; f <= count; f++) {
			StringBuilder text = new StringBuilder();
			for (int i = 1; i <= 3; i++) {
				text.append("{\"request_id\":\"f").append(f).append('-').append(i)
					.append("\",\"request\":{\"model\":\"m\"},\"response\":{\"created\":1740830400,"
							+ "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":")
					.append(i)
					.append("}}}\n");
			}
			files.add(SourceFile.of(Files.writeString(this.dir.resolve("f" + f + ".jsonl"), text)));
		}
		return files;
	}

}
