package io.keywordsbackfill.mapping;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.keywordsbackfill.mapping.MappedLog.PricingOutcome;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;
import io.keywordsbackfill.pricing.CostCalculator;
import io.keywordsbackfill.pricing.ModelPrice;
import io.keywordsbackfill.pricing.PriceCatalog;
import io.keywordsbackfill.record.ChatMessage;
import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.RequestParameters;
import io.keywordsbackfill.record.TokenUsage;
import io.keywordsbackfill.record.UsageRecord;
import tools.jackson.databind.JsonNode;

/**
 * Turns a {@link UsageRecord} into a Keywords AI log, or into a {@link RejectedRecord} when it cannot be
 * sent. Never throws for bad data.
 * <ul>
 * <li>{@code model} is required ({@code MISSING_FIELD}).</li>
 * <li>{@code timestamp} is the completion time, else {@link MappingOptions#fallbackCompletedAt()}, in UTC
 * ({@code 2025-01-01T10:30:00Z}, the sub-second part to the nanosecond when not zero); neither means
 * {@code MISSING_TIMESTAMP}. Never "now".</li>
 * <li>A record whose {@code timestamp} is outside {@link MappingOptions#window()} becomes an
 * {@link OutsideWindow}: not sent, not rejected, not priced. The checks above come first, so a record that cannot
 * become a log is rejected whatever its time.</li>
 * <li>{@code start_time}, {@code generation_time} and {@code ttft} (seconds) only when the source knows
 * them.</li>
 * <li>{@code cost}: see {@link MappingOptions.ExportedCostPolicy}; computed from the price in force on the
 * call's UTC date. A record without token usage (typically a failed call) has nothing to price: it is sent
 * without cost as {@link PricingOutcome#UNPRICED} and never rejected for its model's price, so an
 * {@code invalid_model} error still becomes a log.</li>
 * <li>{@code status_code} is always set; a failed call also gets {@code error_message} and
 * {@code status: "error"}. A successful one leaves {@code status} out (the server's default is
 * success and {@code status_code} already says it).</li>
 * <li>{@code custom_identifier} is the source's own id of the call, verbatim; {@code metadata} holds every raw id
 * the source had ({@code together_request_id}, {@code together_custom_id}, {@code together_completion_id}), the
 * ledger key as {@code backfill_source_id}, and, last, {@code backfill_file} and {@code backfill_line}.</li>
 * </ul>
 * A {@link RejectedRecord}'s payload is the log's JSON when one was built, else null.
 */
public class KeywordsLogMapper {

	static final String LOG_TYPE = "chat";

	private static final long SECONDS_PER_DAY = 86_400;

	private final PriceCatalog catalog;

	private final MappingOptions options;

	public KeywordsLogMapper(PriceCatalog catalog, MappingOptions options) {
		this.catalog = Objects.requireNonNull(catalog, "catalog");
		this.options = Objects.requireNonNull(options, "options");
	}

	/**
	 * @return a {@link MappedLog}, a {@link RejectedRecord} saying why not, or an {@link OutsideWindow}
	 */
	public ProcessedItem map(UsageRecord record) {
		if (record.model() == null || record.model().isBlank()) {
			return reject(record, RejectReason.MISSING_FIELD,
					"missing model (not in the response, and no request line to take it from)", null);
		}
		Instant completedAt = (record.completedAt() != null) ? record.completedAt()
				: this.options.fallbackCompletedAt();
		if (completedAt == null) {
			return reject(record, RejectReason.MISSING_TIMESTAMP,
					"the call's completion time is unknown; pass --batch-completed-at to use the batch's completion time",
					null);
		}
		if (!this.options.window().contains(completedAt)) {
			return new OutsideWindow(record.position(), record.sourceId(), completedAt);
		}
		CostDecision cost = cost(record, completedAt);
		KeywordsLog log = toLog(record, completedAt, cost.costUsd());
		if (cost.outcome() == PricingOutcome.UNPRICED && cost.priceMissing()
				&& this.options.unpricedModelPolicy() == UnpricedModelPolicy.REJECT) {
			return reject(record, RejectReason.UNKNOWN_MODEL_PRICE, "no price for model " + record.model() + " on "
					+ LocalDate.ofInstant(completedAt, ZoneOffset.UTC) + " (UTC)",
					LogJson.toJson(log));
		}
		return new MappedLog(record.sourceId(), record.position(), log, cost.outcome());
	}

	private CostDecision cost(UsageRecord record, Instant at) {
		BigDecimal exported = record.exportedCostUsd();
		switch (this.options.exportedCostPolicy()) {
			case KEEP:
				return (exported != null) ? new CostDecision(exported, PricingOutcome.FROM_EXPORT, false)
						: new CostDecision(null, PricingOutcome.UNPRICED, false);
			case FILL_MISSING:
				if (exported != null) {
					return new CostDecision(exported, PricingOutcome.FROM_EXPORT, false);
				}
				break;
			default:
				break;
		}
		TokenUsage usage = record.usage();
		if (usage == null) {
			return new CostDecision(null, PricingOutcome.NO_USAGE, false);
		}
		Optional<ModelPrice> price = this.catalog.priceAt(record.model(), at);
		if (price.isEmpty()) {
			return new CostDecision(null, PricingOutcome.UNPRICED, true);
		}
		return new CostDecision(CostCalculator.cost(price.get(), usage, record.batchRequest()), PricingOutcome.PRICED,
				false);
	}

	private KeywordsLog toLog(UsageRecord record, Instant completedAt, BigDecimal cost) {
		Map<String, Object> metadata = new LinkedHashMap<>(8);
		metadata.putAll(record.ids().raw());
		metadata.put(KeywordsLog.META_SOURCE_ID, record.sourceId());
		if (record.completedAt() == null) {
			// the source had no time for this call: say where the timestamp came from
			metadata.put(KeywordsLog.META_TIMESTAMP, this.options.fallbackSource());
		}
		// where the log came from, last: the only part of a log that differs between two copies of one call
		// (see LogJson.contentHash)
		metadata.put(KeywordsLog.META_FILE, record.position().file());
		metadata.put(KeywordsLog.META_LINE, record.position().line());
		TokenUsage usage = record.usage();
		RequestParameters parameters = record.parameters();
		List<ChatMessage> prompt = record.promptMessages().isEmpty() ? null
				: record.promptMessages().stream().map(KeywordsLogMapper::withoutJsonNulls).toList();
		boolean failed = record.failed();
		return new KeywordsLog(record.model(), LOG_TYPE, prompt, withoutJsonNulls(record.completionMessage()),
				(usage != null) ? usage.promptTokens() : null, (usage != null) ? usage.completionTokens() : null, cost,
				seconds(record.generationTime()), seconds(record.timeToFirstToken()), format(completedAt),
				(record.startedAt() != null) ? format(record.startedAt()) : null, record.customerIdentifier(),
				record.ids().customIdentifier(), metadata, record.statusCode(), failed ? errorMessage(record) : null,
				failed ? "error" : null, parameters.temperature(), parameters.maxTokens(), parameters.topP(),
				parameters.frequencyPenalty(), parameters.presencePenalty(), parameters.stream(),
				present(parameters.stop()), present(parameters.tools()), present(parameters.toolChoice()),
				present(parameters.responseFormat()));
	}

	private static String errorMessage(UsageRecord record) {
		return (record.errorMessage() != null) ? record.errorMessage() : "HTTP " + record.statusCode();
	}

	/**
	 * ISO-8601 UTC with {@code Z}, keeping the sub-second part to the nanosecond: none when it is zero, else 3, 6
	 * or 9 digits, the fewest that hold it ({@code .120}, {@code .123400}, {@code .123456789}). The same text as
	 * {@link DateTimeFormatter#ISO_INSTANT}, written directly for years 0000-9999: the general formatter is one of
	 * the costliest calls per log.
	 */
	static String format(Instant instant) {
		long seconds = instant.getEpochSecond();
		LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
		int year = date.getYear();
		if (year < 0 || year > 9999) {
			return DateTimeFormatter.ISO_INSTANT.format(instant);
		}
		int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
		int nanos = instant.getNano();
		int fraction;
		int fractionDigits;
		if (nanos == 0) {
			fraction = 0;
			fractionDigits = 0;
		}
		else if (nanos % 1_000_000 == 0) {
			fraction = nanos / 1_000_000;
			fractionDigits = 3;
		}
		else if (nanos % 1_000 == 0) {
			fraction = nanos / 1_000;
			fractionDigits = 6;
		}
		else {
			fraction = nanos;
			fractionDigits = 9;
		}
		byte[] text = new byte[(fractionDigits == 0) ? 20 : 21 + fractionDigits];
		digits(text, 0, year, 4);
		text[4] = '-';
		digits(text, 5, date.getMonthValue(), 2);
		text[7] = '-';
		digits(text, 8, date.getDayOfMonth(), 2);
		text[10] = 'T';
		digits(text, 11, secondOfDay / 3600, 2);
		text[13] = ':';
		digits(text, 14, secondOfDay / 60 % 60, 2);
		text[16] = ':';
		digits(text, 17, secondOfDay % 60, 2);
		if (fractionDigits != 0) {
			text[19] = '.';
			digits(text, 20, fraction, fractionDigits);
		}
		text[text.length - 1] = 'Z';
		return new String(text, StandardCharsets.ISO_8859_1);
	}

	/** Writes {@code value} as exactly {@code width} decimal digits, zero-padded. */
	private static void digits(byte[] text, int offset, int value, int width) {
		for (int i = offset + width - 1; i >= offset; i--) {
			text[i] = (byte) ('0' + value % 10);
			value /= 10;
		}
	}

	/**
	 * Seconds to the nanosecond, without trailing zeros: the source's precision, not rounded (14.6155 s stays
	 * 14.6155). Durations reach here from readers that bound them, so their nanoseconds fit in a long.
	 */
	static BigDecimal seconds(Duration duration) {
		if (duration == null) {
			return null;
		}
		BigDecimal seconds = BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros();
		return (seconds.signum() == 0) ? BigDecimal.ZERO : seconds;
	}

	/**
	 * Jackson reads an explicit JSON {@code null} into a {@link JsonNode} field as a NullNode, which
	 * NON_NULL inclusion would still write; absent and null mean the same to Keywords AI, so drop them.
	 */
	private static ChatMessage withoutJsonNulls(ChatMessage message) {
		if (message == null) {
			return null;
		}
		return new ChatMessage(message.role(), present(message.content()), present(message.toolCalls()),
				message.toolCallId(), message.name());
	}

	private static JsonNode present(JsonNode node) {
		return (node == null || node.isNull() || node.isMissingNode()) ? null : node;
	}

	private static RejectedRecord reject(UsageRecord record, RejectReason reason, String message, String payload) {
		return new RejectedRecord(record.position(), record.sourceId(), reason, message, payload);
	}

	private record CostDecision(BigDecimal costUsd, PricingOutcome outcome, boolean priceMissing) {
	}

}
