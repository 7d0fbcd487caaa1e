package io.keywordsbackfill.mapping;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keywordsbackfill.mapping.MappingOptions.ExportedCostPolicy;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;
import io.keywordsbackfill.pricing.PriceCatalog;
import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SourceIds;
import io.keywordsbackfill.record.SourcePosition;
import io.keywordsbackfill.record.TokenUsage;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The import window: how its bounds are read, and which records the processor lets through. */
class ImportWindowTests {

	private static final PriceCatalog CATALOG = PriceCatalog.load();

	private static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";

	private static final Instant SINCE = Instant.parse("2025-03-01T00:00:00Z");

	private static final Instant BEFORE = Instant.parse("2025-06-01T00:00:00Z");

	private static final ImportWindow WINDOW = new ImportWindow(SINCE, BEFORE);

	@Test
	void sinceIsInclusiveAndBeforeExclusive() {
		SourceItemProcessor processor = processor(WINDOW);

		// given: one record each inside, before since, at since, at before and after
		UsageRecord inside = record("inside", Instant.parse("2025-04-15T12:00:00Z"));
		UsageRecord beforeSince = record("before-since", SINCE.minusMillis(1));
		UsageRecord atSince = record("at-since", SINCE);
		UsageRecord atBefore = record("at-before", BEFORE);
		UsageRecord after = record("after", Instant.parse("2025-09-01T08:00:00Z"));

		// then
		assertThat(processor.process(inside)).isInstanceOf(MappedLog.class);
		assertThat(processor.process(beforeSince))
			.isEqualTo(new OutsideWindow(position(), "test:before-since", SINCE.minusMillis(1)));
		assertThat(processor.process(atSince)).isInstanceOfSatisfying(MappedLog.class,
				(mapped) -> assertThat(mapped.log().timestamp()).isEqualTo("2025-03-01T00:00:00Z"));
		assertThat(processor.process(atBefore)).isEqualTo(new OutsideWindow(position(), "test:at-before", BEFORE));
		assertThat(processor.process(after)).isInstanceOf(OutsideWindow.class);
	}

	@Test
	void aWindowWithOneBoundLimitsOnlyThatSide() {
		SourceItemProcessor onlyBefore = processor(new ImportWindow(null, BEFORE));
		SourceItemProcessor onlySince = processor(new ImportWindow(SINCE, null));
		UsageRecord old = record("old", Instant.parse("2024-01-01T00:00:00Z"));
		UsageRecord late = record("late", Instant.parse("2026-01-01T00:00:00Z"));

		assertThat(onlyBefore.process(old)).isInstanceOf(MappedLog.class);
		assertThat(onlyBefore.process(late)).isInstanceOf(OutsideWindow.class);
		assertThat(onlySince.process(old)).isInstanceOf(OutsideWindow.class);
		assertThat(onlySince.process(late)).isInstanceOf(MappedLog.class);
		assertThat(processor(ImportWindow.NONE).process(old)).isInstanceOf(MappedLog.class);
	}

	@Test
	void aRecordWithoutATimeIsJudgedByTheTimeTheMappingGivesIt() {
		// a Batch error line: no completion time, the batch's completion time stands in
		UsageRecord errorLine = new UsageRecord(position(), ids("test:error"), MIXTRAL, null, null, null, null, null, null,
				null, 400, "Invalid model specified", null, null, true, null);

		ProcessedItem inside = new SourceItemProcessor(new KeywordsLogMapper(CATALOG,
				new MappingOptions(BEFORE.minusSeconds(1), null, null).withWindow(WINDOW))).process(errorLine);
		ProcessedItem outside = new SourceItemProcessor(new KeywordsLogMapper(CATALOG,
				new MappingOptions(BEFORE, null, null).withWindow(WINDOW))).process(errorLine);

		assertThat(inside).isInstanceOf(MappedLog.class);
		assertThat(outside).isEqualTo(new OutsideWindow(position(), "test:error", BEFORE));
	}

	@Test
	void recordsThatAreRejectsAnywayStayRejectsWhateverTheirTime() {
		SourceItemProcessor processor = processor(WINDOW);
		UnreadableRecord unreadable = new UnreadableRecord(position(), null, RejectReason.MALFORMED_JSON,
				"not JSON", "{");
		UsageRecord noModel = new UsageRecord(position(), ids("test:no-model"), null, null, null, new TokenUsage(1, 1),
				Instant.parse("2026-01-01T00:00:00Z"), null, null, null, 200, null, null, null, true, null);
		UsageRecord noTime = new UsageRecord(position(), ids("test:no-time"), MIXTRAL, null, null, null, null, null, null,
				null, 400, "failed", null, null, true, null);

		assertThat(processor.process(unreadable)).isInstanceOfSatisfying(RejectedRecord.class,
				(rejected) -> assertThat(rejected.reason()).isEqualTo(RejectReason.MALFORMED_JSON));
		assertThat(processor.process(noModel)).isInstanceOfSatisfying(RejectedRecord.class,
				(rejected) -> assertThat(rejected.reason()).isEqualTo(RejectReason.MISSING_FIELD));
		assertThat(processor.process(noTime)).isInstanceOfSatisfying(RejectedRecord.class,
				(rejected) -> assertThat(rejected.reason()).isEqualTo(RejectReason.MISSING_TIMESTAMP));
	}

	@Test
	void aCallOutsideTheWindowIsNotRejectedForItsPrice() {
		// a model without a price, under the policy that rejects such logs: outside the window it is not a log to send
		UsageRecord unpriced = new UsageRecord(position(), ids("test:unpriced"), "no/such-model", null, null,
				new TokenUsage(10, 5), Instant.parse("2026-01-01T00:00:00Z"), null, null, null, 200, null, null, null,
				true, null);
		SourceItemProcessor processor = new SourceItemProcessor(new KeywordsLogMapper(CATALOG,
				new MappingOptions(null, ExportedCostPolicy.FILL_MISSING, UnpricedModelPolicy.REJECT).withWindow(WINDOW)));

		assertThat(processor.process(unpriced)).isInstanceOf(OutsideWindow.class);
	}

	@Test
	void boundsAreInstantsWithAnOffsetOrDatesAtMidnightUtc() {
		assertThat(ImportWindow.parseWhen("2025-06-01T12:00:00Z")).isEqualTo(Instant.parse("2025-06-01T12:00:00Z"));
		assertThat(ImportWindow.parseWhen("2025-06-01T14:00:00+02:00")).isEqualTo(Instant.parse("2025-06-01T12:00:00Z"));
		assertThat(ImportWindow.parseWhen("2025-06-01T12:00:00.250Z")).isEqualTo(Instant.parse("2025-06-01T12:00:00.250Z"));
		assertThat(ImportWindow.parseWhen("2025-06-01")).isEqualTo(Instant.parse("2025-06-01T00:00:00Z"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "2025-06-01T12:00:00", "2025-06-01 12:00:00Z", "2025-02-30", "June 1st", "1748779200",
			"2025-06", "" })
	void anythingElseIsRefusedNamingTheValueAndTheSyntax(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> ImportWindow.parseWhen(value))
			.withMessage("'" + value + "' is not " + ImportWindow.WHEN_SYNTAX);
	}

	@Test
	void anEmptyWindowIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ImportWindow(BEFORE, BEFORE))
			.withMessageContaining("the window is empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new ImportWindow(BEFORE, SINCE));
	}

	@Test
	void saysWhatItBounds() {
		assertThat(WINDOW).hasToString("since 2025-03-01T00:00:00Z, before 2025-06-01T00:00:00Z");
		assertThat(new ImportWindow(null, BEFORE)).hasToString("before 2025-06-01T00:00:00Z");
		assertThat(ImportWindow.NONE.bounded()).isFalse();
		assertThat(new ImportWindow(SINCE, null).bounded()).isTrue();
	}

	private static SourceItemProcessor processor(ImportWindow window) {
		return new SourceItemProcessor(new KeywordsLogMapper(CATALOG, MappingOptions.DEFAULTS.withWindow(window)));
	}

	private static UsageRecord record(String id, Instant completedAt) {
		return new UsageRecord(position(), ids("test:" + id), MIXTRAL, null, null, new TokenUsage(100, 20), completedAt,
				null, null, null, 200, null, null, null, true, null);
	}

	private static SourceIds ids(String id) {
		return new SourceIds(id, id, Map.of());
	}

	private static SourcePosition position() {
		return new SourcePosition("test.jsonl", 1, 0);
	}

}
