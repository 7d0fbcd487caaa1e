package io.keywordsbackfill.source;

import static io.keywordsbackfill.source.SourceTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.UsageRecord;
import io.keywordsbackfill.source.FileChangeGuard.FileChangedException;
import io.keywordsbackfill.support.TogetherBatchFiles;

class FileChangeGuardTests {

	@TempDir
	Path dir;

	@Test
	void aFileLeftAloneIsReadToTheEndAsWithoutTheGuard() throws Exception {
		SourceFile output = output(10);

		List<SourceItem> guarded = readAll(guard(output, null), new ExecutionContext());

		assertThat(guarded).hasSize(10).allMatch(UsageRecord.class::isInstance)
			.isEqualTo(readAll(new TogetherBatchItemReader(output, null, null), new ExecutionContext()));
	}

	@Test
	void aFileAppendedToStopsTheReaderBeforeTheNextChunkNamingTheFile() throws Exception {
		SourceFile output = output(10);
		FileChangeGuard reader = guard(output, null);
		ExecutionContext context = new ExecutionContext();
		reader.open(context);
		reader.read();
		reader.read();
		reader.update(context); // the chunk commits

		Files.writeString(output.path(), TogetherBatchFiles.outputLine("late", 1) + "\n", StandardOpenOption.APPEND);

		assertThatThrownBy(reader::read).isInstanceOf(FileChangedException.class)
			.hasMessageStartingWith(output.displayName() + " changed while it was read (size ")
			.hasMessageContaining("import it again");
		reader.close();
	}

	@Test
	void aChangeWithinAChunkIsFoundAtTheNextChunkNotInTheMiddleOfThisOne() throws Exception {
		SourceFile output = output(10);
		FileChangeGuard reader = guard(output, null);
		ExecutionContext context = new ExecutionContext();
		reader.open(context);
		reader.read();

		Files.writeString(output.path(), TogetherBatchFiles.outputLine("late", 1) + "\n", StandardOpenOption.APPEND);

		assertThat(reader.read()).isInstanceOf(UsageRecord.class);
		reader.update(context);
		assertThatThrownBy(reader::read).isInstanceOf(FileChangedException.class);
		reader.close();
	}

	@Test
	void aFileRewrittenInPlaceWithTheSameSizeIsFoundAtTheEndOfTheInput() throws Exception {
		SourceFile output = output(3);
		FileChangeGuard reader = guard(output, null);
		reader.open(new ExecutionContext());
		for (int i = 0; i < 3; i++) {
			assertThat(reader.read()).isNotNull();
		}
		FileTime modified = Files.getLastModifiedTime(output.path());

		Files.write(output.path(), Files.readAllBytes(output.path()));
		Files.setLastModifiedTime(output.path(), FileTime.fromMillis(modified.toMillis() + 10_000));

		assertThatThrownBy(reader::read).isInstanceOf(FileChangedException.class)
			.hasMessageContaining("(modified " + modified);
		reader.close();
	}

	@Test
	void aFileReplacedByAnotherIsFound() throws Exception {
		SourceFile output = output(4);
		FileChangeGuard reader = afterFirstChunk(output, null);
		Path other = Files.copy(output.path(), dir.resolve("download.tmp"), StandardCopyOption.COPY_ATTRIBUTES);

		Files.move(other, output.path(), StandardCopyOption.REPLACE_EXISTING);

		assertThatThrownBy(reader::read).isInstanceOf(FileChangedException.class)
			.hasMessageContaining("replaced by another file");
		reader.close();
	}

	@Test
	void aChangedBatchInputFileIsFoundToo() throws Exception {
		SourceFile output = output(4);
		Path inputPath = dir.resolve("input.jsonl");
		Files.writeString(inputPath, "{\"custom_id\":\"x-0\",\"body\":{\"messages\":[]}}\n");
		SourceFile input = new SourceFile(inputPath, FileFingerprint.sha256(inputPath), "input.jsonl");
		FileChangeGuard reader = afterFirstChunk(output, input);

		Files.writeString(inputPath, "{\"custom_id\":\"x-1\",\"body\":{\"messages\":[]}}\n", StandardOpenOption.APPEND);

		assertThatThrownBy(reader::read).isInstanceOf(FileChangedException.class)
			.hasMessageStartingWith("input.jsonl changed while it was read");
		reader.close();
	}

	@Test
	void aChangeOfModeAloneDoesNotStopTheReader() throws Exception {
		SourceFile output = output(3);
		FileChangeGuard reader = afterFirstChunk(output, null);

		Files.setPosixFilePermissions(output.path(), PosixFilePermissions.fromString("r--------"));

		assertThat(reader.read()).isNotNull();
		assertThat(reader.read()).isNotNull();
		assertThat(reader.read()).isNull();
		reader.close();
	}

	@Test
	void aFileGoneWhileReadIsFound() throws Exception {
		SourceFile output = output(3);
		FileChangeGuard reader = afterFirstChunk(output, null);

		Files.delete(output.path());

		assertThatThrownBy(reader::read).isInstanceOf(FileChangedException.class).hasMessageContaining("(it is gone)");
		reader.close();
	}

	@Test
	void tellsTheDelegatesProgress() throws Exception {
		SourceFile output = output(3);
		FileChangeGuard reader = guard(output, null);
		reader.open(new ExecutionContext());
		reader.read();

		assertThat(reader.bytesTotal()).isEqualTo(Files.size(output.path()));
		assertThat(reader.bytesRead()).isPositive();
		reader.close();
		assertThat(FileChangeGuard.around(new ChatLogItemReader(output, null)).bytesRead()).isEqualTo(-1);
	}

	private SourceFile output(int records) {
		Path path = TogetherBatchFiles.output(this.dir.resolve("output.jsonl"), "x", 0, records);
		return new SourceFile(path, FileFingerprint.sha256(path), path.toString());
	}

	/** A guarded reader that has read one record and committed its chunk. */
	private static FileChangeGuard afterFirstChunk(SourceFile output, SourceFile input) throws Exception {
		FileChangeGuard reader = guard(output, input);
		ExecutionContext context = new ExecutionContext();
		reader.open(context);
		reader.read();
		reader.update(context);
		return reader;
	}

	private static FileChangeGuard guard(SourceFile output, SourceFile input) {
		return FileChangeGuard.around(new TogetherBatchItemReader(output, input, null), output, input);
	}

}
