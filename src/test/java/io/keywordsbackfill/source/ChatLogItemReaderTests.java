package io.keywordsbackfill.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.mapping.KeywordsLogMapper;
import io.keywordsbackfill.mapping.LogJson;
import io.keywordsbackfill.mapping.MappedLog;
import io.keywordsbackfill.mapping.MappedLog.PricingOutcome;
import io.keywordsbackfill.mapping.MappingOptions;
import io.keywordsbackfill.mapping.MappingOptions.ExportedCostPolicy;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;
import io.keywordsbackfill.mapping.ProcessedItem;
import io.keywordsbackfill.mapping.RejectedRecord;
import io.keywordsbackfill.mapping.SourceItemProcessor;
import io.keywordsbackfill.pricing.PriceCatalog;
import io.keywordsbackfill.record.ChatMessage;
import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.SourcePosition;
import io.keywordsbackfill.record.TokenUsage;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.keywordsbackfill.source.SourceTestSupport.FIXTURES;
import static io.keywordsbackfill.source.SourceTestSupport.readAll;
import static io.keywordsbackfill.source.SourceTestSupport.readSome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ChatLogItemReaderTests {

	static final Path SAMPLES = Path.of("sample-data/chat-log");

	static final Path APP_CALLS = SAMPLES.resolve("app-calls.jsonl");

	@TempDir
	Path dir;

	@Test
	void readsSampleLogWithTimingCustomerAndParameters() throws Exception {
		List<UsageRecord> records = records(readAll(reader(APP_CALLS), new ExecutionContext()));

		assertThat(records).hasSize(10);
		UsageRecord first = records.get(0);
		assertThat(first.position()).isEqualTo(new SourcePosition(APP_CALLS.toString(), 1, 0));
		assertThat(first.sourceId()).isEqualTo("together-request:req_01JNB5M2W3X4Y5Z6");
		assertThat(first.ids().customIdentifier()).isEqualTo("req_01JNB5M2W3X4Y5Z6");
		assertThat(first.ids().raw()).containsExactly(Map.entry("together_request_id", "req_01JNB5M2W3X4Y5Z6"),
				Map.entry("together_completion_id", "9c1a2b3d4e5f6071-IAD"));
		assertThat(first.model()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct-Turbo");
		assertThat(first.promptMessages()).extracting(ChatMessage::role).containsExactly("system", "user");
		assertThat(first.promptMessages().get(1).content().stringValue()).isEqualTo("How do I rotate my API key?");
		assertThat(first.completionMessage().content().stringValue()).startsWith("Open Settings → API keys, click “Rotate”");
		assertThat(first.usage()).isEqualTo(new TokenUsage(38, 24));
		assertThat(first.startedAt()).isEqualTo(Instant.parse("2025-03-01T12:00:00.120Z"));
		assertThat(first.completedAt()).isEqualTo(Instant.parse("2025-03-01T12:00:01.870Z"));
		// completed − started wins over latency_ms (1750 here, the same)
		assertThat(first.generationTime()).isEqualTo(Duration.ofMillis(1750));
		assertThat(first.timeToFirstToken()).isEqualTo(Duration.ofMillis(210));
		assertThat(first.customerIdentifier()).isEqualTo("acme-42");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.errorMessage()).isNull();
		assertThat(first.batchRequest()).isFalse();
		assertThat(first.exportedCostUsd()).isNull();
		assertThat(first.parameters().temperature()).isEqualTo(0.2);
		assertThat(first.parameters().maxTokens()).isEqualTo(256);
		assertThat(first.parameters().stream()).isFalse();

		UsageRecord toolCall = records.get(2);
		assertThat(toolCall.completionMessage().content().isNull()).isTrue();
		assertThat(toolCall.completionMessage().toolCalls().get(0).path("function").path("name").stringValue())
			.isEqualTo("get_invoice");
		assertThat(toolCall.parameters().tools().get(0).path("function").path("name").stringValue())
			.isEqualTo("get_invoice");
		assertThat(toolCall.parameters().toolChoice().stringValue()).isEqualTo("auto");

		UsageRecord unicode = records.get(3);
		assertThat(unicode.promptMessages().get(0).content().stringValue()).isEqualTo("「おはようございます」を英語にしてください 🙏");
		assertThat(unicode.parameters().stream()).isTrue();

		UsageRecord rateLimited = records.get(4);
		assertThat(rateLimited.statusCode()).isEqualTo(429);
		assertThat(rateLimited.errorMessage())
			.isEqualTo("Rate limit exceeded for model meta-llama/Llama-3.3-70B-Instruct-Turbo");
		assertThat(rateLimited.failed()).isTrue();
		assertThat(rateLimited.completionMessage()).isNull();
		assertThat(rateLimited.usage()).isNull();
		assertThat(rateLimited.model()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct-Turbo");
		assertThat(rateLimited.generationTime()).isEqualTo(Duration.ofMillis(87));

		UsageRecord latencyOnly = records.get(5);
		assertThat(latencyOnly.startedAt()).isEqualTo(Instant.parse("2025-03-01T12:30:10Z"));
		// 8421.5 ms is kept as written, not rounded to whole milliseconds
		assertThat(latencyOnly.generationTime()).isEqualTo(Duration.ofNanos(8_421_500_000L));
		assertThat(latencyOnly.completedAt()).isEqualTo(Instant.parse("2025-03-01T12:30:18.4215Z"));

		UsageRecord withOffset = records.get(6);
		assertThat(withOffset.startedAt()).isEqualTo(Instant.parse("2025-03-01T12:40:00.500Z"));
		assertThat(withOffset.completedAt()).isEqualTo(Instant.parse("2025-03-01T12:40:01.750Z"));
		assertThat(withOffset.exportedCostUsd()).isEqualByComparingTo("0.0000198");

		UsageRecord serverError = records.get(8);
		assertThat(serverError.statusCode()).isEqualTo(500);
		assertThat(serverError.errorMessage()).isEqualTo("Internal server error");

		UsageRecord toolResult = records.get(9);
		assertThat(toolResult.promptMessages()).extracting(ChatMessage::role)
			.containsExactly("system", "user", "assistant", "tool");
		assertThat(toolResult.promptMessages().get(3).toolCallId()).isEqualTo("call_4b7e91d0");
	}

	@Test
	void readsGzipCopyWithABareCompletion() throws Exception {
		Path file = SAMPLES.resolve("app-calls-2.jsonl.gz");
		SourceFile source = SourceFile.of(file);

		List<UsageRecord> records = records(readAll(new ChatLogItemReader(source, null), new ExecutionContext()));

		assertThat(records).hasSize(4);
		UsageRecord bare = records.get(1);
		assertThat(bare.sourceId()).isEqualTo("together-completion:9c1b00aa11bb22cd-IAD");
		assertThat(bare.model()).isEqualTo("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo");
		assertThat(bare.completedAt()).isEqualTo(Instant.ofEpochSecond(1741003500));
		assertThat(bare.startedAt()).isNull();
		assertThat(bare.generationTime()).isNull();
		assertThat(bare.timeToFirstToken()).isNull();
		assertThat(bare.promptMessages()).isEmpty();
		assertThat(bare.usage()).isEqualTo(new TokenUsage(12, 10));

		UsageRecord latencyOnly = records.get(2);
		// started_at + latency_ms, not response.created
		assertThat(latencyOnly.completedAt()).isEqualTo(Instant.parse("2025-03-03T12:10:00.120Z"));
		assertThat(latencyOnly.generationTime()).isEqualTo(Duration.ofMillis(620));
		assertThat(latencyOnly.customerIdentifier()).isEqualTo("globex-7");

		UsageRecord timeout = records.get(3);
		assertThat(timeout.statusCode()).isEqualTo(504);
		assertThat(timeout.errorMessage()).isEqualTo("Request timed out");
		assertThat(timeout.completedAt()).isEqualTo(Instant.parse("2025-03-03T12:16:00Z"));
	}

	@Test
	void aLineWithoutAnyIdIsRejectedUnlessIdsFromLinesAreAskedFor() throws Exception {
		SourceFile source = SourceFile.of(FIXTURES.resolve("chat-log-without-ids.jsonl"));

		List<SourceItem> items = readAll(new ChatLogItemReader(source, null), new ExecutionContext());

		assertThat(items).hasSize(2);
		assertThat(((UsageRecord) items.get(0)).ids().customIdentifier()).isEqualTo("req_01JNG0K1L2M3N4P5");
		UnreadableRecord noIds = (UnreadableRecord) items.get(1);
		assertThat(noIds.position().line()).isEqualTo(2);
		assertThat(noIds.reason()).isEqualTo(RejectReason.MISSING_SOURCE_ID);
		assertThat(noIds.sourceId()).isNull();
		assertThat(noIds.message()).contains("\"request_id\"", "--line-ids");

		List<SourceItem> asked = readAll(new ChatLogItemReader(source, new ChatLogOptions(Map.of(), null, true)),
				new ExecutionContext());

		UsageRecord fromLine = (UsageRecord) asked.get(1);
		assertThat(fromLine.sourceId()).isEqualTo("chat-log:" + source.shortFingerprint() + ":2");
		assertThat(fromLine.ids().customIdentifier()).isEqualTo(fromLine.sourceId());
		assertThat(fromLine.ids().raw()).isEmpty();
	}

	@Test
	void tokenCountsThatAreNotCountsAreRejectedAndNullOrAbsentAreUnknown() throws Exception {
		Path file = FIXTURES.resolve("token-values.jsonl");
		List<SourceItem> items = readAll(reader(file), new ExecutionContext());

		assertThat(items).hasSize(8);
		// "" is a value that is not a count, not an absent one
		assertThat(invalid(items.get(0))).isEqualTo("\"usage.prompt_tokens\" must be a whole number, is \"\"");
		assertThat(((UsageRecord) items.get(1)).usage()).isEqualTo(new TokenUsage(12, 3));
		assertThat(invalid(items.get(2))).isEqualTo("\"usage.prompt_tokens\" is negative: -1");
		assertThat(invalid(items.get(3))).isEqualTo("\"usage.prompt_tokens\" must be a whole number, is 1.5");
		// null and absent: unknown, so the log goes without tokens (and without cost: the unpriced policy)
		assertThat(((UsageRecord) items.get(4)).usage()).isNull();
		assertThat(((UsageRecord) items.get(5)).usage()).isNull();
		assertThat(invalid(items.get(6))).isEqualTo("\"usage.completion_tokens\" must be a whole number, is \"\"");
		assertThat(invalid(items.get(7))).isEqualTo("\"usage.completion_tokens\" must be a whole number, is \"  \"");
		assertThat(((UnreadableRecord) items.get(0)).sourceId()).isNotNull();
	}

	@Test
	void latencyTtftAndCostKeepTheirDigits() throws Exception {
		UsageRecord record = records(readAll(reader(FIXTURES.resolve("precise-chat-log.jsonl")),
				new ExecutionContext())).get(0);

		assertThat(record.generationTime()).isEqualTo(Duration.ofNanos(14_615_500_000L));
		assertThat(record.timeToFirstToken()).isEqualTo(Duration.ofNanos(100_000));
		assertThat(record.completedAt()).isEqualTo(Instant.parse("2025-03-01T12:00:14.7389Z"));
		assertThat(record.exportedCostUsd()).isEqualTo(new java.math.BigDecimal("0.000054612345678901234567"));
		MappedLog mapped = (MappedLog) new KeywordsLogMapper(PriceCatalog.load(), MappingOptions.DEFAULTS).map(record);
		assertThat(LogJson.toJson(mapped.log())).contains("\"cost\":0.000054612345678901234567,"
				+ "\"generation_time\":14.6155,\"ttft\":0.0001,\"timestamp\":\"2025-03-01T12:00:14.738900Z\","
				+ "\"start_time\":\"2025-03-01T12:00:00.123400Z\"");
	}

	@Test
	void mapsFirstSampleLineToExactPayload() throws Exception {
		UsageRecord first = records(readAll(reader(APP_CALLS), new ExecutionContext())).get(0);

		MappedLog mapped = (MappedLog) new KeywordsLogMapper(PriceCatalog.load(), MappingOptions.DEFAULTS).map(first);

		assertThat(mapped.pricing()).isEqualTo(PricingOutcome.PRICED);
		// (38 + 24) tokens × $0.88 / 1M = $0.00005456, not a batch call; 1.750 s and 0.210 s in seconds
		assertThat(LogJson.toJson(mapped.log())).isEqualTo("{\"model\":\"meta-llama/Llama-3.3-70B-Instruct-Turbo\","
				+ "\"log_type\":\"chat\",\"prompt_messages\":[{\"role\":\"system\","
				+ "\"content\":\"You are a concise support assistant for Acme Cloud.\"},"
				+ "{\"role\":\"user\",\"content\":\"How do I rotate my API key?\"}],"
				+ "\"completion_message\":{\"role\":\"assistant\","
				+ "\"content\":\"Open Settings → API keys, click “Rotate”, then update your deployments with the new key.\"},"
				+ "\"prompt_tokens\":38,\"completion_tokens\":24,\"cost\":0.00005456,\"generation_time\":1.75,"
				+ "\"ttft\":0.21,\"timestamp\":\"2025-03-01T12:00:01.870Z\",\"start_time\":\"2025-03-01T12:00:00.120Z\","
				+ "\"customer_identifier\":\"acme-42\",\"custom_identifier\":\"req_01JNB5M2W3X4Y5Z6\","
				+ "\"metadata\":{\"together_request_id\":\"req_01JNB5M2W3X4Y5Z6\","
				+ "\"together_completion_id\":\"9c1a2b3d4e5f6071-IAD\","
				+ "\"backfill_source_id\":\"together-request:req_01JNB5M2W3X4Y5Z6\","
				+ "\"backfill_file\":\"sample-data/chat-log/app-calls.jsonl\",\"backfill_line\":1},"
				+ "\"status_code\":200,\"temperature\":0.2,\"max_tokens\":256,\"stream\":false}");
	}

	@Test
	void appliesFieldRenamesAndTheDefaultZone() throws Exception {
		Path file = this.dir.resolve("renamed.jsonl");
		Files.writeString(file, "{\"req\":{\"model\":\"deepseek-ai/DeepSeek-V3\",\"messages\":[{\"role\":\"user\","
				+ "\"content\":\"hi\"}]},\"resp\":{\"id\":\"c-1\",\"choices\":[{\"message\":{\"role\":\"assistant\","
				+ "\"content\":\"hello\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}},"
				+ "\"start\":\"2025-03-01 10:00:00.250\",\"end\":\"2025-03-01 10:00:01\",\"first_token_ms\":\"90\","
				+ "\"customer\":\"acme-42\",\"id\":\"abc\",\"request_id\":\"ignored\"}\n");
		ChatLogOptions options = new ChatLogOptions(Map.of("request", "req", "response", "resp", "started_at", "start",
				"completed_at", "end", "ttft_ms", "first_token_ms", "user", "customer", "request_id", "id"),
				ZoneId.of("Europe/Paris"));

		UsageRecord record = (UsageRecord) readAll(new ChatLogItemReader("r", SourceFile.of(file), options, 1 << 20),
				new ExecutionContext()).get(0);

		assertThat(record.sourceId()).isEqualTo("together-request:abc");
		assertThat(record.model()).isEqualTo("deepseek-ai/DeepSeek-V3");
		assertThat(record.startedAt()).isEqualTo(Instant.parse("2025-03-01T09:00:00.250Z"));
		assertThat(record.completedAt()).isEqualTo(Instant.parse("2025-03-01T09:00:01Z"));
		assertThat(record.generationTime()).isEqualTo(Duration.ofMillis(750));
		assertThat(record.timeToFirstToken()).isEqualTo(Duration.ofMillis(90));
		assertThat(record.customerIdentifier()).isEqualTo("acme-42");
		assertThat(record.usage()).isEqualTo(new TokenUsage(3, 2));
	}

	@Test
	void everyExampleOfTheSchemaIsRead() throws Exception {
		JsonMapper json = JsonMapper.builder().build();
		JsonNode schema = json.readTree(Path.of("docs/formats/chat-log.schema.json").toFile());
		StringBuilder lines = new StringBuilder();
		for (JsonNode example : schema.get("examples")) {
			lines.append(json.writeValueAsString(example)).append('\n');
		}
		Path file = Files.writeString(this.dir.resolve("examples.jsonl"), lines);

		List<UsageRecord> records = records(readAll(reader(file), new ExecutionContext()));

		assertThat(records).hasSize(3).extracting(UsageRecord::statusCode).containsExactly(200, 429, 200);
	}

	@Test
	void rejectsUnknownRenames() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ChatLogOptions(Map.of("started", "s"), null))
			.withMessageContaining("\"started\"");
	}

	@Test
	void everyBadLineGetsItsReasonAndPositionAndTheRestIsRead() throws Exception {
		Path file = FIXTURES.resolve("malformed-chat-log.jsonl");
		List<SourceItem> items = readAll(new ChatLogItemReader("r", SourceFile.of(file), null, 2048),
				new ExecutionContext());
		SourceItemProcessor processor = new SourceItemProcessor(
				new KeywordsLogMapper(PriceCatalog.load(), MappingOptions.DEFAULTS));
		List<ProcessedItem> processed = new ArrayList<>();
		for (SourceItem item : items) {
			processed.add(processor.process(item));
		}

		// lines 5 and 6 are blank: skipped, not rejected
		assertThat(items).extracting((item) -> item.position().line())
			.containsExactly(1L, 2L, 3L, 4L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L, 21L,
					22L);
		assertThat(items).allMatch((item) -> item.position().file().equals(file.toString()));
		assertThat(processed).extracting(ChatLogItemReaderTests::outcome)
			.containsExactly("sent", "malformed_json", "malformed_json", "not_an_object", "missing_field", "sent",
					"invalid_field", "invalid_field", "sent", "invalid_field", "invalid_encoding", "invalid_encoding",
					"too_large", "sent", "invalid_field", "invalid_field", "invalid_field", "invalid_field",
					"sent", "sent");

		UsageRecord nullUsage = (UsageRecord) items.get(5);
		assertThat(nullUsage.usage()).isNull();
		// sent without tokens or cost; nothing to price
		assertThat(((MappedLog) processed.get(5)).pricing()).isEqualTo(PricingOutcome.NO_USAGE);
		assertThat(((MappedLog) processed.get(5)).log().promptTokens()).isNull();
		assertThat(((UsageRecord) items.get(8)).usage()).isEqualTo(new TokenUsage(12, 5));
		// an unknown model is sent without cost by default ...
		assertThat(((MappedLog) processed.get(13)).pricing()).isEqualTo(PricingOutcome.UNPRICED);
		assertThat(((MappedLog) processed.get(13)).log().cost()).isNull();
		// ... and rejected (replayably) when the job says so
		KeywordsLogMapper rejecting = new KeywordsLogMapper(PriceCatalog.load(),
				new MappingOptions(null, ExportedCostPolicy.FILL_MISSING, UnpricedModelPolicy.REJECT));
		assertThat(((RejectedRecord) rejecting.map((UsageRecord) items.get(13))).reason())
			.isEqualTo(RejectReason.UNKNOWN_MODEL_PRICE);

		assertThat(message(items.get(1))).startsWith("not valid JSON");
		assertThat(((UnreadableRecord) items.get(2)).excerpt()).isEqualTo("this is not json {\"api_key\":\"[REDACTED]\"}");
		assertThat(message(items.get(3))).isEqualTo("line is a JSON array, not an object");
		assertThat(((RejectedRecord) processed.get(4)).message()).startsWith("missing model");
		assertThat(message(items.get(6))).isEqualTo("\"usage.prompt_tokens\" is negative: -3");
		assertThat(((UnreadableRecord) items.get(6)).sourceId()).isEqualTo("together-request:neg-tokens");
		assertThat(message(items.get(7))).isEqualTo("\"usage.prompt_tokens\" must be a whole number, is 12.5");
		assertThat(message(items.get(9))).isEqualTo("\"usage.prompt_tokens\" is not a number: \"twelve\"");
		assertThat(message(items.get(10))).isEqualTo("line is not valid UTF-8");
		assertThat(message(items.get(11))).isEqualTo("line contains a NUL byte");
		assertThat(message(items.get(14))).isEqualTo("\"completed_at\" is not a valid timestamp: \"2025-02-30T10:00:00Z\"");
		assertThat(message(items.get(15))).startsWith("\"completed_at\" is an impossible time for a call");
		assertThat(message(items.get(16))).startsWith("\"response.created\" is an impossible time for a call: \"-5\"");
		assertThat(message(items.get(17))).contains("is before \"started_at\"");
		// line 21 repeats the id of line 1: the writer, which sees both logs' content, judges it
		assertThat(((MappedLog) processed.get(18)).sourceId()).isEqualTo("together-request:ok-1");
	}

	@Test
	void restartResumesAtTheNextLineAfterAnyNumberOfItems() throws Exception {
		List<SourceItem> all = readAll(reader(APP_CALLS), new ExecutionContext());

		for (int stopAfter = 0; stopAfter <= all.size(); stopAfter++) {
			ExecutionContext context = new ExecutionContext();
			List<SourceItem> seen = new ArrayList<>(readSome(reader(APP_CALLS), context, stopAfter));
			seen.addAll(readAll(reader(APP_CALLS), context));
			assertThat(seen).as("stopped after %d", stopAfter).isEqualTo(all);
		}
	}

	@Test
	void resumeDoesNotReadTheBytesBeforeTheOffset() throws Exception {
		Path file = Files.copy(APP_CALLS, this.dir.resolve("calls.jsonl"));
		SourceFile source = SourceFile.of(file);
		ExecutionContext context = new ExecutionContext();
		List<SourceItem> all = readAll(new ChatLogItemReader(source, null), new ExecutionContext());
		readSome(new ChatLogItemReader(source, null), context, 4);
		long offset = context.getLong("chatLogReader.offset");
		assertThat(context.getLong("chatLogReader.line")).isEqualTo(5);
		assertThat(context.getString("chatLogReader.fingerprint")).isEqualTo(source.fingerprint());
		// read again, the scribbled lines would come back as MALFORMED_JSON rejects
		SourceTestSupport.scribbleBefore(file, offset);

		List<SourceItem> rest = readAll(new ChatLogItemReader(source, null), context);

		assertThat(rest).isEqualTo(all.subList(4, 10));
	}

	@Test
	void gzipResumesAtTheSameLine() throws Exception {
		Path gzip = SourceTestSupport.gzip(APP_CALLS, this.dir.resolve("calls.jsonl.gz"));
		SourceFile source = SourceFile.of(gzip);
		List<SourceItem> all = readAll(new ChatLogItemReader(source, null), new ExecutionContext());
		ExecutionContext context = new ExecutionContext();
		readSome(new ChatLogItemReader(source, null), context, 7);

		assertThat(readAll(new ChatLogItemReader(source, null), context)).isEqualTo(all.subList(7, 10));
	}

	private static ChatLogItemReader reader(Path file) {
		return new ChatLogItemReader(SourceFile.of(file), ChatLogOptions.DEFAULTS);
	}

	private static List<UsageRecord> records(List<SourceItem> items) {
		assertThat(items).allMatch(UsageRecord.class::isInstance);
		return items.stream().map(UsageRecord.class::cast).toList();
	}

	/** The message of an {@code invalid_field} reject. */
	private static String invalid(SourceItem item) {
		assertThat(item).isInstanceOf(UnreadableRecord.class);
		assertThat(((UnreadableRecord) item).reason()).isEqualTo(RejectReason.INVALID_FIELD);
		return ((UnreadableRecord) item).message();
	}

	private static String message(SourceItem item) {
		return ((UnreadableRecord) item).message();
	}

	private static String outcome(ProcessedItem item) {
		return (item instanceof RejectedRecord rejected) ? rejected.reason().code() : "sent";
	}

}
