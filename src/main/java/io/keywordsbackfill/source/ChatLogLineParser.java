package io.keywordsbackfill.source;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.keywordsbackfill.record.ChatMessage;
import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.RequestParameters;
import io.keywordsbackfill.record.SecretRedactor;
import io.keywordsbackfill.record.SourceIds;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.SourcePosition;
import io.keywordsbackfill.record.TokenUsage;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one line of a {@code chat-log} file into a {@link UsageRecord}, or into an
 * {@link UnreadableRecord}. Never throws for bad content.
 * <p>
 * A line is a log object ({@code request}, {@code response}, {@code error}, times, ...; fields renamed by
 * {@link ChatLogOptions}) or a bare chat completion (an object with {@code choices} or
 * {@code "object": "chat.completion"} and none of {@code request}, {@code response}, {@code error}).
 * <ul>
 * <li>Model: {@code response.model}, else {@code request.model}; absent is left to the mapper to reject.</li>
 * <li>Timing, never invented: generation time = {@code completed_at − started_at}, else
 * {@code latency_ms}; TTFT = {@code ttft_ms}. Completion time = {@code completed_at}, else
 * {@code started_at + latency_ms}, else {@code response.created}. Start time = {@code started_at}, else
 * {@code completed_at − latency_ms}.</li>
 * <li>Status: a line with an {@code error} is failed, with {@code status_code} (or {@code error.status_code})
 * when it is 4xx/5xx, else 500; otherwise {@code status_code}, else 200.</li>
 * <li>Customer: {@code user}, else {@code request.user}. Cost: {@code cost_usd}. {@code metadata} is
 * accepted but not carried: the source-neutral record has no place for it yet.</li>
 * <li>Ids ({@link SourceIds}): {@code request_id} and {@code response.id}, verbatim; the first present is the
 * log's {@code custom_identifier}. A line with neither is rejected as {@code missing_source_id}, unless
 * {@link ChatLogOptions#lineIds()} asks for ids made from the file and line.</li>
 * </ul>
 */
final class ChatLogLineParser {

	private final JsonMapper mapper;

	private final ChatLogOptions options;

	ChatLogLineParser(JsonMapper mapper, ChatLogOptions options) {
		this.mapper = mapper;
		this.options = options;
	}

	SourceItem parse(SourceLine line, SourceFile file) {
		SourcePosition position = new SourcePosition(file.displayName(), line.lineNumber(), line.byteOffset());
		UnreadableRecord flawed = SourceLines.flawed(line, position);
		if (flawed != null) {
			return flawed;
		}
		JsonNode node;
		try {
			node = this.mapper.readTree(line.bytes());
		}
		catch (JacksonException ex) {
			return reject(position, null, RejectReason.MALFORMED_JSON, "not valid JSON: " + SourceLines.describe(ex),
					line);
		}
		if (node == null || !node.isObject()) {
			String type = (node == null) ? "empty" : FieldValues.type(node);
			return reject(position, null, RejectReason.NOT_AN_OBJECT, "line is a JSON " + type + ", not an object",
					line);
		}
		ObjectNode object = canonical((ObjectNode) node);
		ChatLogLine log;
		try {
			log = isBareCompletion(object) ? ChatLogLine.ofCompletion(this.mapper.treeToValue(object, ChatCompletion.class))
					: this.mapper.treeToValue(object, ChatLogLine.class);
		}
		catch (JacksonException ex) {
			return reject(position, null, RejectReason.INVALID_FIELD, SourceLines.describe(ex), line);
		}
		SourceIds ids = ids(log, file, line.lineNumber());
		String sourceId = (ids != null) ? ids.key() : null;
		if (log.request() == null && log.response() == null && log.error() == null) {
			return reject(position, sourceId, RejectReason.MISSING_FIELD, "none of \"" + name("request") + "\", \""
					+ name("response") + "\", \"" + name("error") + "\"", line);
		}
		if (ids == null) {
			return reject(position, null, RejectReason.MISSING_SOURCE_ID, "neither \"" + name("request_id")
					+ "\" nor \"" + name("response") + ".id\": the call cannot be identified, so a later import could "
					+ "send it again (name the id field with --field request_id=NAME, or pass --line-ids to identify "
					+ "lines by file and line)", line);
		}
		try {
			return toRecord(log, position, ids);
		}
		catch (BadFieldException ex) {
			return reject(position, sourceId, ex.reason(), ex.getMessage(), line);
		}
	}

	private UsageRecord toRecord(ChatLogLine log, SourcePosition position, SourceIds ids) throws BadFieldException {
		ChatCompletion response = log.response();
		TogetherBatchInputLine.Body request = log.request();
		Integer explicitStatus = FieldValues.statusCode(log.statusCode(), name("status_code"));
		boolean failed = log.error() != null || (explicitStatus != null && explicitStatus >= 400);
		if (response == null && !failed) {
			throw new BadFieldException(RejectReason.MISSING_FIELD,
					"missing \"" + name("response") + "\" (and no \"" + name("error") + "\")");
		}
		Instant started = FieldValues.timestamp(log.startedAt(), this.options.defaultZone(), name("started_at"));
		Instant completed = FieldValues.timestamp(log.completedAt(), this.options.defaultZone(), name("completed_at"));
		Duration latency = FieldValues.duration(FieldValues.decimal(log.latencyMillis(), name("latency_ms")), false,
				name("latency_ms"));
		Duration ttft = FieldValues.duration(FieldValues.decimal(log.ttftMillis(), name("ttft_ms")), false, name("ttft_ms"));
		if (started != null && completed != null && completed.isBefore(started)) {
			throw new BadFieldException("\"" + name("completed_at") + "\" " + completed + " is before \""
					+ name("started_at") + "\" " + started);
		}
		Duration generation = (started != null && completed != null) ? Duration.between(started, completed) : latency;
		Instant completedAt = completed;
		if (completedAt == null && started != null && latency != null) {
			completedAt = started.plus(latency);
		}
		if (completedAt == null && response != null && response.created() != null) {
			completedAt = FieldValues.epochSeconds(response.created(), name("response") + ".created");
		}
		Instant startedAt = (started == null && completed != null && latency != null) ? completed.minus(latency)
				: started;
		TokenUsage usage = (response != null && response.usage() != null) ? response.usage().toTokenUsage() : null;
		BigDecimal cost = FieldValues.decimal(log.costUsd(), name("cost_usd"));
		String model = (response != null && response.model() != null) ? response.model()
				: (request != null) ? request.model() : null;
		ChatMessage completion = (!failed && response != null) ? response.firstMessage() : null;
		String customer = (log.user() != null) ? log.user() : (request != null) ? request.user() : null;
		RequestParameters parameters = (request != null) ? request.parameters() : RequestParameters.NONE;
		return new UsageRecord(position, ids, model, (request != null) ? request.messages() : null, completion,
				usage, completedAt, startedAt, generation, ttft, status(log, explicitStatus),
				(log.error() != null) ? errorMessage(log.error()) : null, customer, parameters, false, cost);
	}

	private static int status(ChatLogLine log, Integer explicit) {
		TogetherBatchError error = log.error();
		if (error == null) {
			return (explicit != null) ? explicit : 200;
		}
		if (explicit != null && explicit >= 400) {
			return explicit;
		}
		if (error.statusCode() != null && error.statusCode() >= 400 && error.statusCode() <= 599) {
			return error.statusCode();
		}
		return 500;
	}

	private static String errorMessage(TogetherBatchError error) {
		if (error.message() != null && !error.message().isBlank()) {
			return SecretRedactor.redact(error.message());
		}
		return (error.code() != null) ? error.code() : "unknown error";
	}

	private SourceIds ids(ChatLogLine log, SourceFile file, long lineNumber) {
		SourceIds ids = SourceIds.of(log.requestId(), null, (log.response() != null) ? log.response().id() : null,
				file.shortFingerprint());
		if (ids == null && this.options.lineIds()) {
			return SourceIds.fromLine("chat-log", file.shortFingerprint(), lineNumber);
		}
		return ids;
	}

	/** The line with renamed fields under their canonical names (the line itself when nothing is renamed). */
	private ObjectNode canonical(ObjectNode node) {
		if (this.options.fieldNames().isEmpty()) {
			return node;
		}
		ObjectNode result = node.deepCopy();
		for (Map.Entry<String, String> rename : this.options.fieldNames().entrySet()) {
			JsonNode value = result.remove(rename.getValue());
			result.remove(rename.getKey());
			if (value != null) {
				result.set(rename.getKey(), value);
			}
		}
		return result;
	}

	private static boolean isBareCompletion(ObjectNode node) {
		if (node.has("request") || node.has("response") || node.has("error")) {
			return false;
		}
		return node.has("choices") || "chat.completion".equals(node.path("object").asString(null));
	}

	/** The field's name as the file spells it, for messages. */
	private String name(String canonical) {
		return this.options.nameInFile(canonical);
	}

	private static UnreadableRecord reject(SourcePosition position, String sourceId, RejectReason reason,
			String message, SourceLine line) {
		return SourceLines.unreadable(position, sourceId, reason, message, line.text());
	}

}
