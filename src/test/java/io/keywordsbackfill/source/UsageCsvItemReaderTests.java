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
import org.springframework.batch.infrastructure.item.ItemStreamException;

import io.keywordsbackfill.mapping.KeywordsLogMapper;
import io.keywordsbackfill.mapping.LogJson;
import io.keywordsbackfill.mapping.MappedLog;
import io.keywordsbackfill.mapping.MappedLog.PricingOutcome;
import io.keywordsbackfill.mapping.MappingOptions;
import io.keywordsbackfill.pricing.PriceCatalog;
import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.SourcePosition;
import io.keywordsbackfill.record.TokenUsage;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;
import io.keywordsbackfill.source.UsageCsvOptions.LatencyUnit;

import static io.keywordsbackfill.source.SourceTestSupport.FIXTURES;
import static io.keywordsbackfill.source.SourceTestSupport.readAll;
import static io.keywordsbackfill.source.SourceTestSupport.readSome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsageCsvItemReaderTests {

	static final Path USAGE_CSV = Path.of("sample-data/usage-csv/usage.csv");

	/** For files that only test the CSV syntax: line-based ids, and no token columns on purpose. */
	static final UsageCsvOptions WITHOUT_IDS_AND_TOKENS = new UsageCsvOptions(
			Map.of("prompt_tokens", "", "completion_tokens", ""), null, null, ',', true);

	@TempDir
	Path dir;

	@Test
	void readsSampleWithBomCrlfQuotesAndZones() throws Exception {
		SourceFile source = SourceFile.of(USAGE_CSV);
		List<UsageRecord> records = records(readAll(new UsageCsvItemReader(source, null), new ExecutionContext()));

		assertThat(records).hasSize(10);
		assertThat(records).extracting((r) -> r.position().line())
			.containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 12L);
		UsageRecord first = records.get(0);
		// the header is 3 (BOM) + 137 + 2 (CRLF) bytes
		assertThat(first.position()).isEqualTo(new SourcePosition(USAGE_CSV.toString(), 2, 142));
		assertThat(first.sourceId()).isEqualTo("together-request:req_01JND0A1B2C3D4E5");
		assertThat(first.ids().customIdentifier()).isEqualTo("req_01JND0A1B2C3D4E5");
		assertThat(first.model()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct-Turbo");
		assertThat(first.promptMessages()).isEmpty();
		assertThat(first.completionMessage()).isNull();
		assertThat(first.usage()).isEqualTo(new TokenUsage(412, 96));
		assertThat(first.completedAt()).isEqualTo(Instant.parse("2025-03-02T09:15:02.340Z"));
		assertThat(first.startedAt()).isEqualTo(Instant.parse("2025-03-02T09:15:00.200Z"));
		assertThat(first.generationTime()).isEqualTo(Duration.ofMillis(2140));
		assertThat(first.timeToFirstToken()).isEqualTo(Duration.ofMillis(260));
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.errorMessage()).isNull();
		assertThat(first.customerIdentifier()).isEqualTo("acme-42");
		assertThat(first.exportedCostUsd()).isNull();
		assertThat(first.batchRequest()).isFalse();

		// no zone: UTC by default; a space instead of "T"
		assertThat(records.get(2).completedAt()).isEqualTo(Instant.parse("2025-03-02T10:02:11.500Z"));
		assertThat(records.get(2).customerIdentifier()).isEqualTo("Initech, Inc.");
		assertThat(records.get(3).completedAt()).isEqualTo(Instant.parse("2025-03-02T10:05:00Z"));
		assertThat(records.get(3).timeToFirstToken()).isNull();
		assertThat(records.get(3).exportedCostUsd()).isEqualByComparingTo("0.00096");
		assertThat(records.get(4).completedAt()).isEqualTo(Instant.parse("2025-03-02T10:20:30Z"));

		UsageRecord rateLimited = records.get(5);
		assertThat(rateLimited.statusCode()).isEqualTo(429);
		assertThat(rateLimited.errorMessage()).isEqualTo("Rate limit exceeded: retry after 2s");
		assertThat(rateLimited.usage()).isNull();

		UsageRecord noCustomer = records.get(7);
		assertThat(noCustomer.sourceId()).isEqualTo("together-request:req_01JND0H8J9K0L1M2");
		assertThat(noCustomer.customerIdentifier()).isNull();

		UsageRecord multiLine = records.get(8);
		assertThat(multiLine.position().line()).isEqualTo(10);
		assertThat(multiLine.statusCode()).isEqualTo(500);
		assertThat(multiLine.errorMessage())
			.isEqualTo("Upstream error:\nmodel server \"llama-70b-7\" restarted, please retry");
		assertThat(records.get(9).customerIdentifier()).isEqualTo("café-öl");
	}

	@Test
	void mapsFirstSampleRowToExactPayload() throws Exception {
		UsageRecord first = records(readAll(new UsageCsvItemReader(SourceFile.of(USAGE_CSV), null),
				new ExecutionContext())).get(0);

		MappedLog mapped = (MappedLog) new KeywordsLogMapper(PriceCatalog.load(), MappingOptions.DEFAULTS).map(first);

		assertThat(mapped.pricing()).isEqualTo(PricingOutcome.PRICED);
		// (412 + 96) tokens × $0.88 / 1M = $0.00044704
		assertThat(LogJson.toJson(mapped.log())).isEqualTo("{\"model\":\"meta-llama/Llama-3.3-70B-Instruct-Turbo\","
				+ "\"log_type\":\"chat\",\"prompt_tokens\":412,\"completion_tokens\":96,\"cost\":0.00044704,"
				+ "\"generation_time\":2.14,\"ttft\":0.26,\"timestamp\":\"2025-03-02T09:15:02.340Z\","
				+ "\"start_time\":\"2025-03-02T09:15:00.200Z\",\"customer_identifier\":\"acme-42\","
				+ "\"custom_identifier\":\"req_01JND0A1B2C3D4E5\","
				+ "\"metadata\":{\"together_request_id\":\"req_01JND0A1B2C3D4E5\","
				+ "\"backfill_source_id\":\"together-request:req_01JND0A1B2C3D4E5\","
				+ "\"backfill_file\":\"sample-data/usage-csv/usage.csv\",\"backfill_line\":2},\"status_code\":200}");
	}

	@Test
	void everyBadRowGetsItsReasonAndLineAndTheRestIsRead() throws Exception {
		Path file = FIXTURES.resolve("malformed-usage.csv");
		List<SourceItem> items = readAll(new UsageCsvItemReader(SourceFile.of(file), null), new ExecutionContext());

		// line 5 is blank: skipped, not rejected; lines 16 and 17 are read after the unclosed quote of 15
		assertThat(items).extracting((item) -> item.position().line())
			.containsExactly(2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L);
		assertThat(items).extracting(UsageCsvItemReaderTests::outcome)
			.containsExactly("ok", "invalid_field", "invalid_field", "invalid_field", "invalid_field", "invalid_field",
					"invalid_field", "invalid_field", "malformed_csv", "invalid_encoding", "invalid_field", "ok",
					"malformed_csv", "ok", "ok");
		assertThat(message(items.get(1))).isEqualTo("expected 12 columns (as in the header), found 13");
		assertThat(message(items.get(2))).isEqualTo("expected 12 columns (as in the header), found 5");
		assertThat(message(items.get(3))).isEqualTo("\"prompt_tokens\" is not a number: \"ten\"");
		assertThat(((UnreadableRecord) items.get(3)).sourceId()).isEqualTo("together-request:r-4");
		assertThat(message(items.get(4))).isEqualTo("\"prompt_tokens\" is negative: \"-1\"");
		assertThat(message(items.get(5))).isEqualTo("\"prompt_tokens\" must be a whole number, is \"12.5\"");
		assertThat(message(items.get(6))).isEqualTo("\"timestamp\" is not a valid timestamp: \"2025-02-30 09:00:06\"");
		assertThat(message(items.get(7))).isEqualTo("\"latency_ms\" is not a number: \"1OO\"");
		assertThat(message(items.get(8))).isEqualTo("text after the closing quote of column 10");
		assertThat(message(items.get(10))).isEqualTo("\"prompt_tokens\" is not a number: \"1\"2\"");
		assertThat(((UsageRecord) items.get(11)).customerIdentifier()).isEqualTo("acme, inc");
		UnreadableRecord unclosed = (UnreadableRecord) items.get(12);
		// the quote of line 15 would close at the first quote of line 17, which is no place to close
		assertThat(unclosed.message())
			.isEqualTo("a quoted field is not closed properly (text after the closing quote of column 10 on line 17)");
		assertThat(unclosed.excerpt()).endsWith("\"unterminated,,");
		assertThat(((UsageRecord) items.get(13)).sourceId()).isEqualTo("together-request:r-14");
		UsageRecord quotedNumbers = (UsageRecord) items.get(14);
		assertThat(quotedNumbers.usage()).isEqualTo(new TokenUsage(12, 5));
		assertThat(quotedNumbers.statusCode()).isEqualTo(200);
		assertThat(quotedNumbers.generationTime()).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void latencyCostAndTimestampKeepTheSourcePrecision() throws Exception {
		Path file = FIXTURES.resolve("precise-latency.csv");
		List<UsageRecord> records = records(readAll(new UsageCsvItemReader(SourceFile.of(file), null),
				new ExecutionContext()));

		UsageRecord first = records.get(0);
		assertThat(first.generationTime()).isEqualTo(Duration.ofNanos(14_615_500_000L));
		assertThat(first.timeToFirstToken()).isEqualTo(Duration.ofNanos(210_100_000L));
		assertThat(first.completedAt()).isEqualTo(Instant.parse("2025-03-02T10:41:12.1234Z"));
		assertThat(records.get(1).generationTime()).isEqualTo(Duration.ofNanos(100_000));
		assertThat(records.get(1).completedAt()).isEqualTo(Instant.parse("2025-03-02T10:41:13.123456789Z"));
		KeywordsLogMapper mapper = new KeywordsLogMapper(PriceCatalog.load(), MappingOptions.DEFAULTS);
		assertThat(LogJson.toJson(((MappedLog) mapper.map(first)).log())).contains("\"cost\":0.00365123456789,"
				+ "\"generation_time\":14.6155,\"ttft\":0.2101,\"timestamp\":\"2025-03-02T10:41:12.123400Z\","
				+ "\"start_time\":\"2025-03-02T10:40:57.507900Z\"");
		assertThat(LogJson.toJson(((MappedLog) mapper.map(records.get(1))).log()))
			.contains("\"generation_time\":0.0001,\"timestamp\":\"2025-03-02T10:41:13.123456789Z\"");

		// the same latency written in seconds
		Path seconds = Files.writeString(this.dir.resolve("seconds.csv"),
				"timestamp,request_id,model,prompt_tokens,completion_tokens,latency_ms\n"
						+ "2025-03-02T10:41:12Z,r-1,m,1,1,14.6155\n");
		UsageRecord inSeconds = records(readAll(new UsageCsvItemReader(SourceFile.of(seconds),
				new UsageCsvOptions(Map.of(), LatencyUnit.SECONDS, null, ',')), new ExecutionContext())).get(0);
		assertThat(inSeconds.generationTime()).isEqualTo(Duration.ofNanos(14_615_500_000L));
	}

	@Test
	void anEmptyTokenCellIsUnknownButSpacesOrNaAreRejected() throws Exception {
		List<SourceItem> items = readAll(new UsageCsvItemReader(SourceFile.of(FIXTURES.resolve("token-cells.csv")), null),
				new ExecutionContext());

		assertThat(items).extracting(UsageCsvItemReaderTests::outcome)
			.containsExactly("ok", "invalid_field", "invalid_field", "ok");
		assertThat(((UsageRecord) items.get(0)).usage()).isNull();
		assertThat(message(items.get(1))).isEqualTo("\"prompt_tokens\" must be a whole number, is \"  \"");
		assertThat(message(items.get(2))).isEqualTo("\"prompt_tokens\" is not a number: \"n/a\"");
		assertThat(((UsageRecord) items.get(3)).usage()).isEqualTo(new TokenUsage(7, 3));
	}

	@Test
	void unclosedQuoteBeyondTheMaximumRecordSizeRejectsOnlyItsFirstLine() throws Exception {
		StringBuilder csv = new StringBuilder("timestamp,model,customer_id\n");
		csv.append("2025-03-02T09:00:00Z,m,\"open\n");
		for (int i = 0; i < 50; i++) {
			csv.append("2025-03-02T09:00:0").append(i % 10).append("Z,m,c").append(i).append('\n');
		}
		Path file = Files.writeString(this.dir.resolve("open.csv"), csv);

		List<SourceItem> items = readAll(new UsageCsvItemReader("r", SourceFile.of(file), WITHOUT_IDS_AND_TOKENS, 300),
				new ExecutionContext());
		Path atTheEnd = Files.writeString(this.dir.resolve("end.csv"), "timestamp,model\nt,\"m\n");
		UnreadableRecord last = (UnreadableRecord) readAll(new UsageCsvItemReader(SourceFile.of(atTheEnd),
				WITHOUT_IDS_AND_TOKENS), new ExecutionContext()).get(0);

		assertThat(last.message()).isEqualTo("a quoted field is not closed before the end of the file");
		assertThat(items).hasSize(51);
		assertThat(((UnreadableRecord) items.get(0)).reason()).isEqualTo(RejectReason.MALFORMED_CSV);
		assertThat(((UnreadableRecord) items.get(0)).message()).contains("within 300 bytes");
		assertThat(items.subList(1, 51)).allMatch(UsageRecord.class::isInstance);
	}

	@Test
	void headerOnlyAndEmptyFilesYieldNothingWithAWarning() throws Exception {
		UsageCsvItemReader headerOnly = new UsageCsvItemReader(SourceFile.of(FIXTURES.resolve("header-only.csv")),
				null);
		assertThat(readAll(headerOnly, new ExecutionContext())).isEmpty();
		assertThat(headerOnly.warning()).isEqualTo("header only, no rows");

		UsageCsvItemReader empty = new UsageCsvItemReader(SourceFile.of(FIXTURES.resolve("empty.csv")), null);
		assertThat(readAll(empty, new ExecutionContext())).isEmpty();
		assertThat(empty.warning()).isEqualTo("empty file");

		UsageCsvItemReader sample = new UsageCsvItemReader(SourceFile.of(USAGE_CSV), null);
		readAll(sample, new ExecutionContext());
		assertThat(sample.warning()).isNull();
		assertThat(sample.rowsRead()).isEqualTo(10);
	}

	@Test
	void missingRequiredOrMappedColumnsFailAtOpen() {
		Path file = FIXTURES.resolve("no-model-column.csv");
		assertThatThrownBy(() -> new UsageCsvItemReader(SourceFile.of(file), null).open(new ExecutionContext()))
			.isInstanceOf(ItemStreamException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("no column for model (looked for model, model_name, model_id, ignoring case, spaces, _ and -), "
					+ "completion_tokens");

		UsageCsvOptions mapped = new UsageCsvOptions(Map.of("customer_id", "tenant"), null, null, ',');
		assertThatThrownBy(() -> new UsageCsvItemReader(SourceFile.of(USAGE_CSV), mapped).open(new ExecutionContext()))
			.isInstanceOf(ItemStreamException.class)
			.hasMessageContaining("customer_id is mapped to \"tenant\", which is not a column");
	}

	@Test
	void appliesColumnMappingSecondsZoneAndDelimiter() throws Exception {
		Path file = Files.writeString(this.dir.resolve("litellm.csv"),
				"Start Time;Model Name;Input Tokens;Output Tokens;Duration;Team\n"
						+ "2025-03-02 10:00:00;deepseek-ai/DeepSeek-V3;100;20;1.5;\"data; science\"\n");
		UsageCsvOptions options = new UsageCsvOptions(Map.of("timestamp", "start time", "model", "Model Name",
				"prompt_tokens", "Input Tokens", "completion_tokens", "Output Tokens", "latency_ms", "Duration",
				"customer_id", "Team"), LatencyUnit.SECONDS, ZoneId.of("America/New_York"), ';', true);

		UsageRecord record = (UsageRecord) readAll(new UsageCsvItemReader(SourceFile.of(file), options),
				new ExecutionContext()).get(0);

		assertThat(record.completedAt()).isEqualTo(Instant.parse("2025-03-02T15:00:00Z"));
		assertThat(record.generationTime()).isEqualTo(Duration.ofMillis(1500));
		assertThat(record.startedAt()).isEqualTo(Instant.parse("2025-03-02T14:59:58.500Z"));
		assertThat(record.usage()).isEqualTo(new TokenUsage(100, 20));
		assertThat(record.customerIdentifier()).isEqualTo("data; science");
	}

	@Test
	void restartResumesAtTheNextRecordAfterAnyNumberOfItems() throws Exception {
		SourceFile source = SourceFile.of(USAGE_CSV);
		List<SourceItem> all = readAll(new UsageCsvItemReader(source, null), new ExecutionContext());

		for (int stopAfter = 0; stopAfter <= all.size(); stopAfter++) {
			ExecutionContext context = new ExecutionContext();
			List<SourceItem> seen = new ArrayList<>(readSome(new UsageCsvItemReader(source, null), context, stopAfter));
			seen.addAll(readAll(new UsageCsvItemReader(source, null), context));
			assertThat(seen).as("stopped after %d", stopAfter).isEqualTo(all);
		}
	}

	@Test
	void resumeReadsTheHeaderButNotTheRowsBeforeTheOffset() throws Exception {
		Path file = Files.copy(USAGE_CSV, this.dir.resolve("usage.csv"));
		SourceFile source = SourceFile.of(file);
		List<SourceItem> all = readAll(new UsageCsvItemReader(source, null), new ExecutionContext());
		ExecutionContext context = new ExecutionContext();
		// past the multi-line record (lines 10 and 11)
		readSome(new UsageCsvItemReader(source, null), context, 9);
		long offset = context.getLong("usageCsvReader.offset");
		assertThat(context.getLong("usageCsvReader.line")).isEqualTo(12);
		long headerEnd = all.get(0).position().byteOffset();
		// scribble over the rows only: re-read, they would be column-count rejects
		byte[] bytes = Files.readAllBytes(file);
		for (int i = (int) headerEnd; i < offset; i++) {
			if (bytes[i] != '\n') {
				bytes[i] = 'x';
			}
		}
		Files.write(file, bytes);

		List<SourceItem> rest = readAll(new UsageCsvItemReader(source, null), context);

		assertThat(rest).isEqualTo(all.subList(9, 10));
	}

	@Test
	void gzipReadsTheSameRecordsAndResumes() throws Exception {
		Path gzip = SourceTestSupport.gzip(USAGE_CSV, this.dir.resolve("usage.csv.gz"));
		SourceFile source = SourceFile.of(gzip);
		List<SourceItem> plain = readAll(new UsageCsvItemReader(SourceFile.of(USAGE_CSV), null),
				new ExecutionContext());
		List<SourceItem> all = readAll(new UsageCsvItemReader(source, null), new ExecutionContext());
		assertThat(all).extracting(SourceItem::position)
			.extracting(SourcePosition::line, SourcePosition::byteOffset)
			.isEqualTo(plain.stream().map((item) -> org.assertj.core.groups.Tuple.tuple(item.position().line(),
					item.position().byteOffset())).toList());

		ExecutionContext context = new ExecutionContext();
		readSome(new UsageCsvItemReader(source, null), context, 6);
		assertThat(readAll(new UsageCsvItemReader(source, null), context)).isEqualTo(all.subList(6, 10));
	}

	private static List<UsageRecord> records(List<SourceItem> items) {
		assertThat(items).allMatch(UsageRecord.class::isInstance);
		return items.stream().map(UsageRecord.class::cast).toList();
	}

	private static String message(SourceItem item) {
		return ((UnreadableRecord) item).message();
	}

	private static String outcome(SourceItem item) {
		return (item instanceof UnreadableRecord unreadable) ? unreadable.reason().code() : "ok";
	}

}
