package io.keywordsbackfill.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.record.ChatMessage;
import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.SourcePosition;
import io.keywordsbackfill.record.TokenUsage;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;

import static io.keywordsbackfill.source.SourceTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

class TogetherBatchItemReaderTests {

	static final Path SAMPLES = Path.of("sample-data/together-batch");

	@TempDir
	Path dir;

	@Test
	void readsSampleOutputJoinedWithInputThenErrors() throws Exception {
		List<SourceItem> items = readAll(sampleReader(), new ExecutionContext());

		assertThat(items).hasSize(12).allMatch(UsageRecord.class::isInstance);
		List<UsageRecord> records = items.stream().map(UsageRecord.class::cast).toList();
		assertThat(records).extracting((r) -> r.position().line())
			.containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 1L);

		UsageRecord first = records.get(0);
		assertThat(first.sourceId()).isEqualTo("together-request:9b803a1c4e5f60111-IAD");
		assertThat(first.model()).isEqualTo("mistralai/Mixtral-8x7B-Instruct-v0.1");
		assertThat(first.promptMessages()).extracting(ChatMessage::role).containsExactly("system", "user");
		assertThat(first.promptMessages().get(1).content().stringValue()).contains("« The invoice is overdue. »");
		assertThat(first.completionMessage().content().stringValue()).startsWith("« La facture");
		assertThat(first.usage()).isEqualTo(new TokenUsage(41, 16));
		assertThat(first.completedAt()).isEqualTo(Instant.ofEpochSecond(1741860325));
		assertThat(first.startedAt()).isNull();
		assertThat(first.generationTime()).isNull();
		assertThat(first.timeToFirstToken()).isNull();
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.batchRequest()).isTrue();
		assertThat(first.parameters().temperature()).isEqualTo(0.3);
		assertThat(first.parameters().maxTokens()).isEqualTo(128);

		UsageRecord toolCall = records.get(3);
		assertThat(toolCall.completionMessage().toolCalls().get(0).path("function").path("name").stringValue())
			.isEqualTo("get_weather");
		assertThat(toolCall.parameters().tools()).isNotNull();
		assertThat(toolCall.parameters().toolChoice().stringValue()).isEqualTo("auto");

		UsageRecord error = records.get(11);
		assertThat(error.position().file()).isEqualTo(SAMPLES.resolve("batch-errors.jsonl").toString());
		assertThat(error.statusCode()).isEqualTo(400);
		assertThat(error.errorMessage()).isEqualTo("Invalid model specified");
		assertThat(error.model()).isEqualTo("meta-llama/Llama-4-Nonexistent-Instruct");
		assertThat(error.completedAt()).isNull();
		assertThat(error.usage()).isNull();
		assertThat(error.completionMessage()).isNull();
		String errorsFingerprint = FileFingerprint.sha256(SAMPLES.resolve("batch-errors.jsonl"));
		assertThat(error.sourceId()).isEqualTo("together-batch:" + errorsFingerprint.substring(0, 16) + ":req-07");
	}

	@Test
	void withoutInputFileModelComesFromResponseAndErrorLineHasNone() throws Exception {
		TogetherBatchItemReader reader = new TogetherBatchItemReader(SourceFile.of(SAMPLES.resolve("batch-output.jsonl")),
				null, SourceFile.of(SAMPLES.resolve("batch-errors.jsonl")));

		List<UsageRecord> records = readAll(reader, new ExecutionContext()).stream()
			.map(UsageRecord.class::cast)
			.toList();

		assertThat(records.get(0).model()).isEqualTo("mistralai/Mixtral-8x7B-Instruct-v0.1");
		assertThat(records.get(0).promptMessages()).isEmpty();
		assertThat(records.get(11).model()).isNull();
	}

	@Test
	void turnsMalformedLinesIntoUnreadableRecords() throws Exception {
		Path file = Path.of("src/test/resources/io/keywordsbackfill/source/malformed-output.jsonl");
		SourceFile source = SourceFile.of(file);
		List<SourceItem> items = readAll(new TogetherBatchItemReader(source, null, null), new ExecutionContext());

		assertThat(items).extracting((item) -> item.position().line())
			.containsExactly(1L, 2L, 3L, 6L, 7L, 8L, 9L, 10L, 11L);
		UsageRecord ok = (UsageRecord) items.get(0);
		assertThat(ok.sourceId()).isEqualTo("together-completion:cmpl-1");
		assertThat(ok.usage()).isNull();

		assertThat(items.subList(1, 8)).allMatch(UnreadableRecord.class::isInstance)
			.extracting((item) -> ((UnreadableRecord) item).reason())
			.containsExactly(RejectReason.MALFORMED_JSON, RejectReason.MISSING_FIELD, RejectReason.NOT_AN_OBJECT,
					RejectReason.MISSING_FIELD, RejectReason.INVALID_FIELD, RejectReason.MALFORMED_JSON,
					RejectReason.INVALID_FIELD);
		UnreadableRecord notJson = (UnreadableRecord) items.get(1);
		assertThat(notJson.excerpt()).isEqualTo("this is not json {\"api_key\":\"[REDACTED]\"}");
		assertThat(notJson.message()).doesNotContain("sk-abcdefgh12345");
		assertThat(notJson.position()).isEqualTo(new SourcePosition(file.toString(), 2, 229));
		assertThat(((UnreadableRecord) items.get(2)).message()).isEqualTo("missing \"custom_id\"");
		assertThat(((UnreadableRecord) items.get(3)).message()).isEqualTo("line is a JSON array, not an object");
		UnreadableRecord noResponse = (UnreadableRecord) items.get(4);
		assertThat(noResponse.message()).contains("missing \"response.body\"");
		assertThat(noResponse.sourceId()).isEqualTo("together-batch:" + source.shortFingerprint() + ":no-response");
		assertThat(((UnreadableRecord) items.get(5)).message()).contains("\"custom_id\" is a number");
		assertThat(((UnreadableRecord) items.get(7)).message()).contains("created");

		UsageRecord inlineError = (UsageRecord) items.get(8);
		assertThat(inlineError.statusCode()).isEqualTo(429);
		assertThat(inlineError.errorMessage()).isEqualTo("Rate limit exceeded");
		assertThat(inlineError.failed()).isTrue();
	}

	@Test
	void restartContinuesAtTheNextLineAcrossTheOutputErrorsBoundary() throws Exception {
		List<SourceItem> all = readAll(sampleReader(), new ExecutionContext());

		// Stop after each possible number of items (including inside the errors part) and resume.
		for (int stopAfter = 0; stopAfter <= all.size(); stopAfter++) {
			ExecutionContext context = new ExecutionContext();
			List<SourceItem> seen = new ArrayList<>();
			TogetherBatchItemReader first = sampleReader();
			first.open(context);
			for (int i = 0; i < stopAfter; i++) {
				seen.add(first.read());
			}
			first.update(context);
			first.close();

			TogetherBatchItemReader second = sampleReader();
			seen.addAll(readAll(second, context));

			assertThat(seen).as("stopped after %d", stopAfter).isEqualTo(all);
		}
	}

	@Test
	void savesPartOffsetAndLineUnderTheReaderName() throws Exception {
		ExecutionContext context = new ExecutionContext();
		TogetherBatchItemReader reader = sampleReader();
		reader.open(context);
		for (int i = 0; i < 12; i++) {
			reader.read();
		}
		reader.update(context);
		reader.close();

		assertThat(context.getInt("togetherBatchReader.part")).isEqualTo(1);
		assertThat(context.getLong("togetherBatchReader.line")).isEqualTo(2);
		assertThat(context.getLong("togetherBatchReader.offset"))
			.isEqualTo(Files.size(SAMPLES.resolve("batch-errors.jsonl")));
	}

	@Test
	void resumeDoesNotRereadTheOutputBeforeTheOffset() throws Exception {
		Path output = this.dir.resolve("output.jsonl");
		Files.copy(SAMPLES.resolve("batch-output.jsonl"), output);
		SourceFile source = SourceFile.of(output);
		ExecutionContext context = new ExecutionContext();
		TogetherBatchItemReader first = new TogetherBatchItemReader(source, null, null);
		first.open(context);
		for (int i = 0; i < 5; i++) {
			first.read();
		}
		first.update(context);
		first.close();
		long offset = context.getLong("togetherBatchReader.offset");
		// Overwrite the first five lines in place with non-JSON: read again, they would come back as
		// MALFORMED_JSON rejects. (The SourceFile keeps the fingerprint taken before, as a job would.)
		byte[] bytes = Files.readAllBytes(output);
		for (int i = 0; i < offset; i++) {
			if (bytes[i] != '\n') {
				bytes[i] = 'x';
			}
		}
		Files.write(output, bytes);

		List<SourceItem> rest = readAll(new TogetherBatchItemReader(source, null, null), context);

		assertThat(rest).hasSize(6).allMatch(UsageRecord.class::isInstance);
		assertThat(rest.get(0).position().line()).isEqualTo(6);
	}

	@Test
	void readsGzipInputAndOutputByContent() throws Exception {
		Path output = gzip(SAMPLES.resolve("batch-output.jsonl"), "output.bin");
		Path input = gzip(SAMPLES.resolve("batch-input.jsonl"), "input.bin");

		List<SourceItem> items = readAll(new TogetherBatchItemReader(SourceFile.of(output), SourceFile.of(input),
				null), new ExecutionContext());

		assertThat(items).hasSize(11);
		assertThat(((UsageRecord) items.get(0)).promptMessages()).hasSize(2);
	}

	@Test
	void tellsItsProgressInBytesOfTheOutputThenTheErrorFile() throws Exception {
		long outputSize = Files.size(SAMPLES.resolve("batch-output.jsonl"));
		long total = outputSize + Files.size(SAMPLES.resolve("batch-errors.jsonl"));
		ExecutionContext context = new ExecutionContext();
		TogetherBatchItemReader reader = sampleReader();
		assertThat(reader.bytesTotal()).isEqualTo(-1);
		reader.open(context);
		assertThat(reader.bytesTotal()).isEqualTo(total);
		assertThat(reader.bytesRead()).isZero();

		reader.read();
		long afterOne = reader.bytesRead();
		assertThat(afterOne).isPositive().isLessThan(outputSize);
		reader.update(context);
		assertThat(afterOne).isEqualTo(context.getLong("togetherBatchReader.offset"));
		for (int i = 1; i < 12; i++) {
			reader.read();
		}
		assertThat(reader.bytesRead()).isEqualTo(total);
		reader.close();

		// a resumed reader starts where the saved position is, not at 0
		TogetherBatchItemReader resumed = sampleReader();
		ExecutionContext afterFirst = new ExecutionContext();
		afterFirst.putInt("togetherBatchReader.part", 0);
		afterFirst.putLong("togetherBatchReader.offset", afterOne);
		afterFirst.putLong("togetherBatchReader.line", 2);
		resumed.open(afterFirst);
		assertThat(resumed.bytesRead()).isEqualTo(afterOne);
		resumed.close();
	}

	@Test
	void tellsTheProgressOfAGzipFileInCompressedBytes() throws Exception {
		Path output = gzip(SAMPLES.resolve("batch-output.jsonl"), "output.bin");
		TogetherBatchItemReader reader = new TogetherBatchItemReader(SourceFile.of(output), null, null);

		readAll(reader, new ExecutionContext());

		// not the decompressed offset, which would run past the file's size
		assertThat(reader.bytesTotal()).isEqualTo(Files.size(output));
		assertThat(reader.bytesRead()).isEqualTo(Files.size(output));
	}

	@Test
	void acceptsAnErrorGivenAsPlainString() throws Exception {
		Path file = this.dir.resolve("errors.jsonl");
		Files.writeString(file, "{\"custom_id\":\"s-1\",\"error\":\"upstream timeout\"}\n");

		List<SourceItem> items = readAll(new TogetherBatchItemReader(SourceFile.of(file), null, null),
				new ExecutionContext());

		UsageRecord record = (UsageRecord) items.get(0);
		assertThat(record.errorMessage()).isEqualTo("upstream timeout");
		assertThat(record.statusCode()).isEqualTo(500);
	}

	private Path gzip(Path source, String name) throws IOException {
		Path target = this.dir.resolve(name);
		try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(target))) {
			Files.copy(source, out);
		}
		return target;
	}

	@Test
	void partitionsSharingTheRunsIndexesJoinAsAReaderWithItsOwnIndexAndBuildItOnce() throws Exception {
		List<SourceItem> alone = readAll(sampleReader(), new ExecutionContext());
		SourceFile output = SourceFile.of(SAMPLES.resolve("batch-output.jsonl"));
		SourceFile input = SourceFile.of(SAMPLES.resolve("batch-input.jsonl"));
		byte[] bytes = Files.readAllBytes(output.path());
		int middle = bytes.length / 2;
		long lines = 0;
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == '\n') {
				lines++;
				if (i >= middle) {
					middle = i + 1;
					break;
				}
			}
		}
		long size = bytes.length;

		try (BatchInputIndexes indexes = new BatchInputIndexes()) {
			List<SourceItem> shared = new ArrayList<>();
			shared.addAll(readAll(new TogetherBatchItemReader("first", output, input, null, LineReader.DEFAULT_MAX_LINE_BYTES)
				.onlyRange(new FileRange(0, 1, middle)).sharingIndexes(indexes), new ExecutionContext()));
			shared.addAll(readAll(new TogetherBatchItemReader("second", output, input, null, LineReader.DEFAULT_MAX_LINE_BYTES)
				.onlyRange(new FileRange(middle, lines + 1, size)).sharingIndexes(indexes), new ExecutionContext()));

			assertThat(indexes.size()).isEqualTo(1);
			// the same records as one reader of the whole output file, less the error file's line
			assertThat(shared).isEqualTo(alone.subList(0, alone.size() - 1));
		}
	}

	static TogetherBatchItemReader sampleReader() {
		return new TogetherBatchItemReader(SourceFile.of(SAMPLES.resolve("batch-output.jsonl")),
				SourceFile.of(SAMPLES.resolve("batch-input.jsonl")), SourceFile.of(SAMPLES.resolve("batch-errors.jsonl")));
	}

	@Test
	void checksTokenCountsAndCreatedLikeEveryOtherFormat() throws Exception {
		Path file = this.dir.resolve("tokens.jsonl");
		Files.writeString(file, String.join("\n", line("neg", "-3", "1741860000"), line("frac", "12.5", "1741860000"),
				line("str", "\"12\"", "1741860000"), line("word", "\"x\"", "1741860000"), line("old", "1", "-5"),
				line("empty", "\"\"", "1741860000"), line("null", "null", "1741860000")) + "\n");

		List<SourceItem> items = readAll(new TogetherBatchItemReader(SourceFile.of(file), null, null),
				new ExecutionContext());

		assertThat(items).extracting((item) -> (item instanceof UnreadableRecord u) ? u.reason().code() : "ok")
			.containsExactly("invalid_field", "invalid_field", "ok", "invalid_field", "invalid_field", "invalid_field",
					"ok");
		assertThat(((UnreadableRecord) items.get(0)).message()).isEqualTo("\"usage.prompt_tokens\" is negative: -3");
		assertThat(((UnreadableRecord) items.get(1)).message())
			.isEqualTo("\"usage.prompt_tokens\" must be a whole number, is 12.5");
		assertThat(((UsageRecord) items.get(2)).usage()).isEqualTo(new TokenUsage(12, 2));
		assertThat(((UnreadableRecord) items.get(4)).message())
			.startsWith("\"response.body.created\" is an impossible time for a call: \"-5\"");
		assertThat(items.get(4).position().line()).isEqualTo(5);
		// "" is not an unknown count: a log without tokens (and without cost) would be sent silently
		assertThat(((UnreadableRecord) items.get(5)).message())
			.isEqualTo("\"usage.prompt_tokens\" must be a whole number, is \"\"");
		assertThat(((UsageRecord) items.get(6)).usage()).isNull();
	}

	private static String line(String id, String promptTokens, String created) {
		return "{\"custom_id\":\"" + id + "\",\"response\":{\"body\":{\"id\":\"c-" + id + "\",\"created\":" + created
				+ ",\"model\":\"m\",\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":2}}}}";
	}

}
