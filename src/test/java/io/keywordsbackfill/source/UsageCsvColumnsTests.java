package io.keywordsbackfill.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;

import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.TokenUsage;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;
import io.keywordsbackfill.source.UsageCsvHeaderException.Kind;
import io.keywordsbackfill.source.UsageCsvOptions.LatencyUnit;

import static io.keywordsbackfill.source.SourceTestSupport.FIXTURES;
import static io.keywordsbackfill.source.SourceTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsageCsvColumnsTests {

	static final String REST = ",timestamp,model,prompt_tokens,completion_tokens";

	@TempDir
	Path dir;

	@Test
	void namesMatchIgnoringCaseSpacesUnderscoresAndDashes() {
		for (String id : List.of("request_id", "Request ID", "RequestId", "request-id", "REQUEST_ID", " request id ",
				"id", "Call ID", "generation_id")) {
			UsageCsvColumns columns = resolve(id + REST, UsageCsvOptions.DEFAULTS);
			assertThat(columns.index("request_id")).as(id).isZero();
			assertThat(columns.name("request_id")).isEqualTo(id.strip());
		}
		UsageCsvColumns synonyms = resolve("Created At,Model Name,Input Tokens,Output Tokens,Latency,TTFT,Spend,User,"
				+ "Call ID,HTTP Status,Error", UsageCsvOptions.DEFAULTS);
		assertThat(List.of("timestamp", "model", "prompt_tokens", "completion_tokens", "latency_ms", "ttft_ms",
				"cost_usd", "customer_id", "request_id", "status_code", "error_message"))
			.extracting(synonyms::index)
			.containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	}

	@Test
	void theCanonicalNameWinsOverASynonymAndAMappingOverBoth() {
		UsageCsvColumns columns = resolve("id,request_id" + REST, UsageCsvOptions.DEFAULTS);
		assertThat(columns.index("request_id")).isEqualTo(1);

		UsageCsvColumns mapped = resolve("id,request_id" + REST, options(Map.of("request_id", "ID")));
		assertThat(mapped.index("request_id")).isZero();
	}

	@Test
	void aFileWithoutAnIdColumnIsRefusedUnlessLineIdsAreAskedFor() {
		assertThatThrownBy(() -> resolve("Timestamp,Model,Prompt Tokens,Completion Tokens", UsageCsvOptions.DEFAULTS))
			.isInstanceOfSatisfying(UsageCsvHeaderException.class, (ex) -> {
				assertThat(ex.kind()).isEqualTo(Kind.MISSING);
				assertThat(ex.columns()).containsExactly("request_id");
				assertThat(ex.getMessage()).startsWith("no column for request_id (looked for request_id, id, call_id,")
					.endsWith(" in the header of f.csv: \"Timestamp,Model,Prompt Tokens,Completion Tokens\"");
				assertThat(ex.fix(UsageCsvHeaderException.COMMAND_LINE))
					.contains("--column request_id=HEADER").contains("--line-ids");
			});

		UsageCsvColumns lineIds = resolve("Timestamp,Model,Prompt Tokens,Completion Tokens",
				new UsageCsvOptions(Map.of(), null, null, ',', true));
		assertThat(lineIds.has("request_id")).isFalse();
	}

	@Test
	void tokenColumnsAreRequiredUnlessDeclaredAbsent() {
		assertThatThrownBy(() -> resolve("request_id,timestamp,model,tokens", UsageCsvOptions.DEFAULTS))
			.isInstanceOfSatisfying(UsageCsvHeaderException.class, (ex) -> {
				assertThat(ex.columns()).containsExactly("prompt_tokens", "completion_tokens");
				assertThat(ex.fix(UsageCsvHeaderException.COMMAND_LINE)).contains("--column prompt_tokens=HEADER")
					.contains("--column prompt_tokens= ")
					.contains("--column completion_tokens= ");
			});
		assertThatThrownBy(() -> resolve("request_id,model,prompt_tokens,completion_tokens", UsageCsvOptions.DEFAULTS))
			.isInstanceOfSatisfying(UsageCsvHeaderException.class,
					(ex) -> assertThat(ex.columns()).containsExactly("timestamp"));

		UsageCsvColumns waived = resolve("request_id,timestamp,model,tokens",
				options(Map.of("prompt_tokens", "", "completion_tokens", "")));
		assertThat(waived.has("prompt_tokens")).isFalse();
		assertThat(waived.has("total_tokens")).isTrue();
		// declared absent: not read even when a header would match
		assertThat(resolve("request_id,timestamp,model,prompt_tokens,completion_tokens,latency",
				options(Map.of("latency_ms", ""))).has("latency_ms")).isFalse();
	}

	@Test
	void theIdTimestampAndModelCannotBeDeclaredAbsent() {
		assertThatIllegalArgumentException().isThrownBy(() -> options(Map.of("request_id", "")))
			.withMessageContaining("--line-ids");
		assertThatIllegalArgumentException().isThrownBy(() -> options(Map.of("timestamp", "")))
			.withMessageContaining("no row can become a log without it");
		assertThatIllegalArgumentException().isThrownBy(() -> options(Map.of("model", "")));
		assertThatIllegalArgumentException().isThrownBy(() -> options(Map.of("latency_ms", " ")));
	}

	@Test
	void twoHeadersForOneColumnOrOneHeaderForTwoColumnsAreRefused() {
		assertThatThrownBy(() -> resolve("id,call_id" + REST, UsageCsvOptions.DEFAULTS))
			.isInstanceOfSatisfying(UsageCsvHeaderException.class, (ex) -> {
				assertThat(ex.kind()).isEqualTo(Kind.AMBIGUOUS);
				assertThat(ex.getMessage()).startsWith("columns \"id\" and \"call_id\" both match request_id");
			});
		assertThatThrownBy(() -> resolve("request_id,Request ID" + REST, UsageCsvOptions.DEFAULTS))
			.isInstanceOfSatisfying(UsageCsvHeaderException.class,
					(ex) -> assertThat(ex.kind()).isEqualTo(Kind.AMBIGUOUS));
		assertThatThrownBy(() -> resolve("request_id,ttft" + REST, options(Map.of("latency_ms", "TTFT"))))
			.isInstanceOfSatisfying(UsageCsvHeaderException.class, (ex) -> {
				assertThat(ex.kind()).isEqualTo(Kind.MATCHED_TWICE);
				assertThat(ex.getMessage()).startsWith("column \"ttft\" matches both latency_ms and ttft_ms");
				assertThat(ex.fix(UsageCsvHeaderException.COMMAND_LINE)).contains("--column ttft_ms=");
			});
		assertThatThrownBy(() -> resolve("request_id,a" + REST, options(Map.of("customer_id", "a", "error_message", "A"))))
			.isInstanceOfSatisfying(UsageCsvHeaderException.class,
					(ex) -> assertThat(ex.columns()).containsExactly("customer_id", "error_message"));
	}

	@Test
	void aMappedHeaderMustExist() {
		assertThatThrownBy(() -> resolve("request_id" + REST, options(Map.of("customer_id", "tenant"))))
			.isInstanceOfSatisfying(UsageCsvHeaderException.class, (ex) -> {
				assertThat(ex.kind()).isEqualTo(Kind.MAPPED_NOT_FOUND);
				assertThat(ex.getMessage()).startsWith("customer_id is mapped to \"tenant\", which is not a column");
			});
	}

	@Test
	void noSynonymNamesTwoColumnsOrAnotherColumn() {
		Map<String, String> owner = new HashMap<>();
		for (String canonical : UsageCsvOptions.DEFAULT_HEADER) {
			assertThat(owner.put(UsageCsvColumns.normalise(canonical), canonical)).isNull();
		}
		UsageCsvColumns.SYNONYMS.forEach((canonical, synonyms) -> {
			for (String synonym : synonyms) {
				assertThat(owner.put(UsageCsvColumns.normalise(synonym), canonical)).as(synonym).isNull();
			}
		});
		assertThat(UsageCsvColumns.SYNONYMS.keySet()).containsExactlyElementsOf(UsageCsvOptions.DEFAULT_HEADER);
	}

	@Test
	void aRequestIdHeaderAsSpreadsheetsWriteItGivesTheRowsTheirIds() throws Exception {
		Path file = FIXTURES.resolve("request-id-header.csv");
		List<SourceItem> items = readAll(new UsageCsvItemReader(SourceFile.of(file),
				new UsageCsvOptions(Map.of(), LatencyUnit.SECONDS, null, ',')), new ExecutionContext());

		assertThat(items).allMatch(UsageRecord.class::isInstance);
		UsageRecord first = (UsageRecord) items.get(0);
		assertThat(first.ids().customIdentifier()).isEqualTo("req_9f8e7d6c5b4a");
		assertThat(first.sourceId()).isEqualTo("together-request:req_9f8e7d6c5b4a");
		assertThat(first.usage()).isEqualTo(new TokenUsage(412, 96));
		assertThat(first.generationTime()).isEqualTo(java.time.Duration.ofNanos(14_615_500_000L));
		assertThat(((UsageRecord) items.get(1)).exportedCostUsd()).isEqualTo(new java.math.BigDecimal("0.000126"));
	}

	@Test
	void withoutAnIdColumnTheReaderRefusesToOpenAndWithLineIdsUsesLines() throws Exception {
		Path file = FIXTURES.resolve("no-id-column.csv");
		assertThatThrownBy(() -> new UsageCsvItemReader(SourceFile.of(file), null).open(new ExecutionContext()))
			.isInstanceOf(ItemStreamException.class)
			.hasMessageContaining("no column for request_id")
			.hasMessageContaining("\"Timestamp,Model,Prompt Tokens,Completion Tokens,Latency\"");
		assertThatThrownBy(() -> UsageCsvColumns.read(file, "no-id-column.csv", UsageCsvOptions.DEFAULTS))
			.isInstanceOf(UsageCsvHeaderException.class);

		SourceFile source = SourceFile.of(file);
		List<SourceItem> items = readAll(new UsageCsvItemReader(source,
				new UsageCsvOptions(Map.of(), null, null, ',', true)), new ExecutionContext());
		assertThat(items).extracting((item) -> ((UsageRecord) item).sourceId())
			.containsExactly("usage-csv:" + source.shortFingerprint() + ":2", "usage-csv:" + source.shortFingerprint() + ":3");
	}

	@Test
	void aRowWithAnEmptyIdIsRejectedUnlessLineIdsAreAskedFor() throws Exception {
		Path file = Files.writeString(this.dir.resolve("ids.csv"), "Request ID" + REST + "\n"
				+ "r-1,2025-03-02T09:00:00Z,m,1,1\n" + ",2025-03-02T09:00:01Z,m,1,1\n");

		List<SourceItem> strict = readAll(new UsageCsvItemReader(SourceFile.of(file), null), new ExecutionContext());
		List<SourceItem> lenient = readAll(new UsageCsvItemReader(SourceFile.of(file),
				new UsageCsvOptions(Map.of(), null, null, ',', true)), new ExecutionContext());

		assertThat(strict.get(0)).isInstanceOf(UsageRecord.class);
		UnreadableRecord noId = (UnreadableRecord) strict.get(1);
		assertThat(noId.reason()).isEqualTo(RejectReason.MISSING_SOURCE_ID);
		assertThat(noId.message()).isEqualTo("no id in column \"Request ID\" (ids made from file and line are used only with --line-ids)");
		assertThat(((UsageRecord) lenient.get(1)).sourceId()).endsWith(":3");
	}

	private static UsageCsvOptions options(Map<String, String> columns) {
		return new UsageCsvOptions(columns, null, null, ',');
	}

	private static UsageCsvColumns resolve(String header, UsageCsvOptions options) {
		return UsageCsvColumns.resolve(List.of(header.split(",", -1)), header, options, "f.csv");
	}

}
