package io.keywordsbackfill.record;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One past LLM call, whatever file format it came from. Readers produce it, the mapping turns it into a
 * Keywords AI log.
 *
 * @param position where the record was read
 * @param ids the call's own ids and its ledger key; never null
 * @param model the model as the provider spells it; null when the source lacks it (a reject later)
 * @param promptMessages the request's messages, possibly empty (batch output without its input file)
 * @param completionMessage the assistant reply, null for failed calls
 * @param usage token counts, null when the source has none
 * @param completedAt when the call completed; null when the source does not say
 * @param startedAt when the call started; null when unknown
 * @param generationTime total latency; null when unknown (never invented)
 * @param timeToFirstToken TTFT; null when unknown
 * @param statusCode HTTP status of the original call
 * @param errorMessage error text of a failed call, else null
 * @param customerIdentifier end user or tenant, else null
 * @param parameters request parameters, never null
 * @param batchRequest true when the call ran through a batch API (batch prices apply)
 * @param exportedCostUsd a cost present in the export, else null
 */
public record UsageRecord(
		SourcePosition position,
		SourceIds ids,
		String model,
		List<ChatMessage> promptMessages,
		ChatMessage completionMessage,
		TokenUsage usage,
		Instant completedAt,
		Instant startedAt,
		Duration generationTime,
		Duration timeToFirstToken,
		int statusCode,
		String errorMessage,
		String customerIdentifier,
		RequestParameters parameters,
		boolean batchRequest,
		BigDecimal exportedCostUsd) implements SourceItem {

	public UsageRecord {
		promptMessages = promptMessages == null ? List.of() : List.copyOf(promptMessages);
		parameters = parameters == null ? RequestParameters.NONE : parameters;
		Objects.requireNonNull(ids, "ids");
	}

	/** The ledger key of the call: see {@link SourceIds#key()}. */
	public String sourceId() {
		return this.ids.key();
	}

	public boolean failed() {
		return statusCode >= 400 || errorMessage != null;
	}

}
