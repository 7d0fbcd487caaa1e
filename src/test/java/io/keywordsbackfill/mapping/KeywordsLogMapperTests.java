package io.keywordsbackfill.mapping;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.mapping.MappedLog.PricingOutcome;
import io.keywordsbackfill.mapping.MappingOptions.ExportedCostPolicy;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;
import io.keywordsbackfill.pricing.PriceCatalog;
import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.RequestParameters;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.SourceIds;
import io.keywordsbackfill.record.SourcePosition;
import io.keywordsbackfill.record.TokenUsage;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;
import io.keywordsbackfill.source.SourceFile;
import io.keywordsbackfill.source.TogetherBatchItemReader;

import static org.assertj.core.api.Assertions.assertThat;

class KeywordsLogMapperTests {

	private static final Path SAMPLES = Path.of("sample-data/together-batch");

	private static final Instant BATCH_DONE = Instant.parse("2025-03-13T11:00:00Z");

	private static final PriceCatalog CATALOG = PriceCatalog.load();

	private static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";

	@Test
	void mapsToolCallLineToExactJson() throws Exception {
		UsageRecord toolCall = sampleRecords().get(3);
		KeywordsLogMapper mapper = new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS);

		MappedLog mapped = (MappedLog) mapper.map(toolCall);

		assertThat(mapped.pricing()).isEqualTo(PricingOutcome.PRICED);
		assertThat(mapped.sourceId()).isEqualTo("together-request:9b805a1c4e5f60185-IAD");
		// (187 + 24) tokens × $1.25 / 1M × 0.5 batch = $0.000131875
		assertThat(LogJson.toJson(mapped.log())).isEqualTo("{\"model\":\"deepseek-ai/DeepSeek-V3\",\"log_type\":\"chat\","
				+ "\"prompt_messages\":[{\"role\":\"system\",\"content\":\"You are a concise support assistant for Acme Cloud.\"},"
				+ "{\"role\":\"user\",\"content\":\"What's the weather in Zürich right now?\"}],"
				+ "\"completion_message\":{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_7f3a9c2e\",\"type\":\"function\","
				+ "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Zürich\\\", \\\"unit\\\": \\\"celsius\\\"}\"}}]},"
				+ "\"prompt_tokens\":187,\"completion_tokens\":24,\"cost\":0.000131875,\"timestamp\":\"2025-03-13T10:05:40Z\","
				+ "\"custom_identifier\":\"9b805a1c4e5f60185-IAD\","
				+ "\"metadata\":{\"together_request_id\":\"9b805a1c4e5f60185-IAD\",\"together_custom_id\":\"req-05\","
				+ "\"together_completion_id\":\"o05kP3q-2j9Zrf-8f1c2d3e4b5a05\","
				+ "\"backfill_source_id\":\"together-request:9b805a1c4e5f60185-IAD\",\"backfill_file\":\"batch-output.jsonl\","
				+ "\"backfill_line\":4},\"status_code\":200,\"max_tokens\":200,"
				+ "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Current weather for a city\","
				+ "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
				+ "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\"]}}}],"
				+ "\"tool_choice\":\"auto\"}");
	}

	@Test
	void mapsErrorLineWithStatusAndFallbackTime() throws Exception {
		UsageRecord error = sampleRecords().get(11);

		MappedLog mapped = (MappedLog) new KeywordsLogMapper(CATALOG, options(BATCH_DONE, UnpricedModelPolicy.REJECT))
			.map(error);

		KeywordsLog log = mapped.log();
		assertThat(log.statusCode()).isEqualTo(400);
		assertThat(log.errorMessage()).isEqualTo("Invalid model specified");
		assertThat(log.status()).isEqualTo("error");
		assertThat(log.timestamp()).isEqualTo("2025-03-13T11:00:00Z");
		assertThat(log.cost()).isNull();
		assertThat(log.completionMessage()).isNull();
		// nothing to price, so the REJECT policy does not drop the failed call
		assertThat(mapped.pricing()).isEqualTo(PricingOutcome.NO_USAGE);
	}

	@Test
	void errorLineWithoutFallbackTimeIsRejected() throws Exception {
		UsageRecord error = sampleRecords().get(11);

		RejectedRecord rejected = (RejectedRecord) new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS).map(error);

		assertThat(rejected.reason()).isEqualTo(RejectReason.MISSING_TIMESTAMP);
		assertThat(rejected.message()).contains("--batch-completed-at");
		assertThat(rejected.payload()).isNull();
		assertThat(rejected.sourceId()).isEqualTo(error.sourceId());
	}

	@Test
	void unpricedModelIsSentWithoutCostOrRejected() throws Exception {
		UsageRecord gemma = sampleRecords().get(6);
		assertThat(gemma.model()).isEqualTo("google/gemma-2-27b-it");

		MappedLog sent = (MappedLog) new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS).map(gemma);
		assertThat(sent.pricing()).isEqualTo(PricingOutcome.UNPRICED);
		assertThat(sent.log().cost()).isNull();
		assertThat(sent.log().promptTokens()).isEqualTo(24);

		RejectedRecord rejected = (RejectedRecord) new KeywordsLogMapper(CATALOG,
				options(null, UnpricedModelPolicy.REJECT))
			.map(gemma);
		assertThat(rejected.reason()).isEqualTo(RejectReason.UNKNOWN_MODEL_PRICE);
		assertThat(rejected.message()).contains("google/gemma-2-27b-it").contains("2025-03-13");
		assertThat(rejected.payload()).isEqualTo(LogJson.toJson(sent.log()));
	}

	@Test
	void pricesEachRecordAtItsOwnDateAcrossAPriceChange() {
		KeywordsLogMapper mapper = new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS);
		TokenUsage usage = new TokenUsage(1000, 500);

		// 1500 tokens: × $0.90 / 1M = 0.00135, batch × 0.5 = 0.000675
		assertThat(cost(mapper, record(MIXTRAL, Instant.parse("2024-06-30T23:59:59Z"), usage, true)))
			.isEqualTo(new BigDecimal("0.000675"));
		// × $0.60 / 1M = 0.0009, batch × 0.5 = 0.00045
		assertThat(cost(mapper, record(MIXTRAL, Instant.parse("2024-07-01T00:00:00Z"), usage, true)))
			.isEqualTo(new BigDecimal("0.00045"));
		assertThat(cost(mapper, record(MIXTRAL, Instant.parse("2024-07-01T00:00:00Z"), usage, false)))
			.isEqualTo(new BigDecimal("0.0009"));
	}

	@Test
	void exportedCostFollowsThePolicy() {
		UsageRecord withCost = new UsageRecord(position(), ids("chat:1"), MIXTRAL, null, null, new TokenUsage(1000, 500),
				Instant.parse("2025-01-01T00:00:00Z"), null, null, null, 200, null, null, null, false,
				new BigDecimal("0.5"));
		UsageRecord withoutCost = record(MIXTRAL, Instant.parse("2025-01-01T00:00:00Z"), new TokenUsage(1000, 500),
				false);

		KeywordsLogMapper fill = new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS);
		assertThat(((MappedLog) fill.map(withCost)).pricing()).isEqualTo(PricingOutcome.FROM_EXPORT);
		assertThat(((MappedLog) fill.map(withoutCost)).log().cost()).isEqualTo(new BigDecimal("0.0009"));

		KeywordsLogMapper recompute = new KeywordsLogMapper(CATALOG,
				new MappingOptions(null, ExportedCostPolicy.RECOMPUTE, null));
		assertThat(((MappedLog) recompute.map(withCost)).log().cost()).isEqualTo(new BigDecimal("0.0009"));

		KeywordsLogMapper keep = new KeywordsLogMapper(CATALOG, new MappingOptions(null, ExportedCostPolicy.KEEP, null));
		assertThat(((MappedLog) keep.map(withCost)).log().cost()).isEqualTo(new BigDecimal("0.5"));
		assertThat(((MappedLog) keep.map(withoutCost)).log().cost()).isNull();
	}

	@Test
	void writesTimingInSecondsAndMillisOnlyWhenPresent() {
		UsageRecord timed = new UsageRecord(position(), ids("chat:2"), MIXTRAL, null, null, null,
				Instant.parse("2025-03-01T12:00:01.870Z"), Instant.parse("2025-03-01T12:00:00.120Z"),
				Duration.ofMillis(1750), Duration.ofMillis(210), 200, null, "acme-42", RequestParameters.NONE, false,
				null);

		KeywordsLog log = ((MappedLog) new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS).map(timed)).log();

		assertThat(log.timestamp()).isEqualTo("2025-03-01T12:00:01.870Z");
		assertThat(log.startTime()).isEqualTo("2025-03-01T12:00:00.120Z");
		assertThat(log.generationTimeSeconds()).isEqualTo(new BigDecimal("1.75"));
		assertThat(log.ttft()).isEqualTo(new BigDecimal("0.21"));
		assertThat(log.customerIdentifier()).isEqualTo("acme-42");
		// the sub-second part is kept to the nanosecond, in groups of 3 digits
		assertThat(KeywordsLogMapper.format(Instant.parse("2025-01-01T10:30:00.000900Z")))
			.isEqualTo("2025-01-01T10:30:00.000900Z");
		assertThat(KeywordsLogMapper.format(Instant.parse("2025-01-01T10:30:00.1234Z")))
			.isEqualTo("2025-01-01T10:30:00.123400Z");
		assertThat(KeywordsLogMapper.format(Instant.parse("2025-01-01T10:30:00.000000001Z")))
			.isEqualTo("2025-01-01T10:30:00.000000001Z");
		assertThat(KeywordsLogMapper.format(Instant.parse("2025-01-01T10:30:00.500Z")))
			.isEqualTo("2025-01-01T10:30:00.500Z");
	}

	@Test
	void timingKeepsTheSourcePrecisionNotRoundedToMilliseconds() {
		UsageRecord timed = new UsageRecord(new SourcePosition("f", 1, 0), ids("id-1"), "deepseek-ai/DeepSeek-V3", null,
				null, null, Instant.parse("2025-03-01T12:00:14.6155Z"), Instant.parse("2025-03-01T12:00:00Z"),
				Duration.ofNanos(14_615_500_000L), Duration.ofNanos(210_100_000L), 200, null, null,
				RequestParameters.NONE, false, new BigDecimal("0.000054612345678901234"));

		KeywordsLog log = ((MappedLog) new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS).map(timed)).log();

		assertThat(LogJson.toJson(log)).contains("\"cost\":0.000054612345678901234,\"generation_time\":14.6155,"
				+ "\"ttft\":0.2101,\"timestamp\":\"2025-03-01T12:00:14.615500Z\",\"start_time\":\"2025-03-01T12:00:00Z\"");
		assertThat(KeywordsLogMapper.seconds(Duration.ofSeconds(20))).isEqualTo(new BigDecimal("2E+1"));
		assertThat(KeywordsLogMapper.seconds(Duration.ofNanos(1))).isEqualTo(new BigDecimal("0.000000001"));
		assertThat(KeywordsLogMapper.seconds(Duration.ZERO)).isEqualTo(BigDecimal.ZERO);
	}

	@Test
	void timestampsAreWrittenAsIsoInstantWritesThem() {
		Random random = new Random(7);
		List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999Z"),
				Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
				Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59.5Z"),
				Instant.parse("2024-02-29T12:00:00.010Z"), Instant.parse("2025-03-01T00:00:00.000999Z")));
		for (int i = 0; i < 100_000; i++) {
			long seconds = random.nextLong(-62_167_219_200L - 86_400 * 400L, 253_402_300_800L + 86_400 * 400L);
			int nanos = switch (i % 4) {
				case 0 -> 0;
				case 1 -> random.nextInt(1000) * 1_000_000;
				case 2 -> random.nextInt(1_000_000) * 1_000;
				default -> random.nextInt(1_000_000_000);
			};
			instants.add(Instant.ofEpochSecond(seconds, nanos));
		}
		for (Instant instant : instants) {
			assertThat(KeywordsLogMapper.format(instant)).as(instant.toString())
				.isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
		}
	}

	@Test
	void missingModelIsRejected() {
		RejectedRecord rejected = (RejectedRecord) new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS)
			.map(record(null, Instant.parse("2025-01-01T00:00:00Z"), null, true));

		assertThat(rejected.reason()).isEqualTo(RejectReason.MISSING_FIELD);
	}

	@Test
	void processorRejectsUnreadableRecordsAndMapsTheRestEvenWhenTheyRepeat() {
		SourceItemProcessor processor = new SourceItemProcessor(new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS));
		UnreadableRecord unreadable = new UnreadableRecord(position(), null, RejectReason.NOT_AN_OBJECT,
				"line is a JSON array, not an object", "[1,2]");
		UsageRecord record = record(MIXTRAL, Instant.parse("2025-01-01T00:00:00Z"), new TokenUsage(1, 1), true);

		assertThat(processor.process(unreadable)).isEqualTo(new RejectedRecord(position(), null,
				RejectReason.NOT_AN_OBJECT, "line is a JSON array, not an object", "[1,2]"));
		assertThat(processor.process(record)).isInstanceOf(MappedLog.class);
		// a repeat is the writer's to judge, by the content it encodes
		assertThat(processor.process(record)).isInstanceOf(MappedLog.class);
	}

	private static BigDecimal cost(KeywordsLogMapper mapper, UsageRecord record) {
		MappedLog mapped = (MappedLog) mapper.map(record);
		assertThat(mapped.pricing()).isEqualTo(PricingOutcome.PRICED);
		return mapped.log().cost();
	}

	private static UsageRecord record(String model, Instant completedAt, TokenUsage usage, boolean batch) {
		return new UsageRecord(position(), ids("test:" + completedAt), model, null, null, usage, completedAt, null, null,
				null, 200, null, null, null, batch, null);
	}

	private static SourceIds ids(String id) {
		return new SourceIds(id, id, Map.of());
	}

	private static SourcePosition position() {
		return new SourcePosition("test.jsonl", 1, 0);
	}

	private static MappingOptions options(Instant fallback, UnpricedModelPolicy policy) {
		return new MappingOptions(fallback, ExportedCostPolicy.FILL_MISSING, policy);
	}

	private static List<UsageRecord> sampleRecords() throws Exception {
		TogetherBatchItemReader reader = new TogetherBatchItemReader(
				new SourceFile(SAMPLES.resolve("batch-output.jsonl"), "0123456789abcdef0123", "batch-output.jsonl"),
				SourceFile.of(SAMPLES.resolve("batch-input.jsonl")),
				new SourceFile(SAMPLES.resolve("batch-errors.jsonl"), "fedcba9876543210aaaa", "batch-errors.jsonl"));
		List<UsageRecord> records = new ArrayList<>();
		reader.open(new ExecutionContext());
		try {
			SourceItem item;
			while ((item = reader.read()) != null) {
				records.add((UsageRecord) item);
			}
		}
		finally {
			reader.close();
		}
		return records;
	}

}
