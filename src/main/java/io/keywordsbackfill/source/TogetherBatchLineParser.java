package io.keywordsbackfill.source;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

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

/**
 * Turns one line of a Batch output or error file into a {@link UsageRecord}, joined with its request
 * from the input file when there is one, or into an {@link UnreadableRecord}. Never throws for bad
 * content; only a failing read of the input file throws.
 * <p>
 * Ids ({@link SourceIds}): {@code response.request_id}, {@code custom_id} and {@code response.body.id},
 * verbatim. The log's {@code custom_identifier} is the request id, else the {@code custom_id}; the ledger key
 * scopes a {@code custom_id} alone by the file's fingerprint, because it is only unique within one batch and
 * users reuse {@code req-1, req-2, ...} in every batch.
 */
final class TogetherBatchLineParser {

	static final int MAX_CUSTOM_ID_LENGTH = 64;

	private final JsonMapper mapper;

	private final TogetherBatchIndex index;

	private final TogetherBatchOutputReader streaming;

	/**
	 * @param index the input file's index, or null when no input file was given
	 */
	TogetherBatchLineParser(JsonMapper mapper, TogetherBatchIndex index) {
		this.mapper = mapper;
		this.index = index;
		this.streaming = new TogetherBatchOutputReader(mapper);
	}

	SourceItem parse(SourceLine line, SourceFile file) throws IOException {
		SourcePosition position = new SourcePosition(file.displayName(), line.lineNumber(), line.byteOffset());
		UnreadableRecord flawed = SourceLines.flawed(line, position);
		if (flawed != null) {
			return flawed;
		}
		TogetherBatchOutputLine output = fastParse(line.bytes());
		String customId;
		SourceIds ids;
		if (output != null) {
			customId = output.customId();
			ids = ids(output, file);
		}
		else {
			// The slow path reads the line as a tree to say exactly what is wrong with it.
			JsonNode node;
			try {
				node = this.mapper.readTree(line.text());
			}
			catch (JacksonException ex) {
				return unreadable(position, null, RejectReason.MALFORMED_JSON, "not valid JSON: " + describe(ex), line);
			}
			if (node == null || !node.isObject()) {
				String type = (node == null) ? "empty" : node.getNodeType().name().toLowerCase(Locale.ROOT);
				return unreadable(position, null, RejectReason.NOT_AN_OBJECT, "line is a JSON " + type + ", not an object",
						line);
			}
			JsonNode customIdNode = node.get("custom_id");
			if (customIdNode == null || customIdNode.isNull()) {
				return unreadable(position, null, RejectReason.MISSING_FIELD, "missing \"custom_id\"", line);
			}
			if (!customIdNode.isString()) {
				return unreadable(position, null, RejectReason.INVALID_FIELD, "\"custom_id\" is a "
						+ customIdNode.getNodeType().name().toLowerCase(Locale.ROOT) + ", expected a string", line);
			}
			customId = customIdNode.stringValue();
			if (customId.isEmpty() || customId.length() > MAX_CUSTOM_ID_LENGTH) {
				return unreadable(position, null, RejectReason.INVALID_FIELD,
						"\"custom_id\" must have 1 to 64 characters, has " + customId.length(), line);
			}
			try {
				output = this.mapper.treeToValue(node, TogetherBatchOutputLine.class);
			}
			catch (JacksonException ex) {
				return unreadable(position, SourceIds.of(null, customId, null, file.shortFingerprint()).key(),
						RejectReason.INVALID_FIELD, describe(ex), line);
			}
			ids = ids(output, file);
		}
		ChatCompletion body = output.body();
		if (body == null && output.error() == null) {
			return unreadable(position, ids.key(), RejectReason.MISSING_FIELD,
					"missing \"response.body\" (and no \"error\")", line);
		}
		TokenUsage usage;
		Instant completedAt;
		try {
			usage = (body != null && body.usage() != null) ? body.usage().toTokenUsage() : null;
			completedAt = (body != null && body.created() != null)
					? FieldValues.epochSeconds(body.created(), "response.body.created") : null;
		}
		catch (BadFieldException ex) {
			return unreadable(position, ids.key(), ex.reason(), ex.getMessage(), line);
		}
		TogetherBatchInputLine.Body request = request(customId);
		String model = (body != null && body.model() != null) ? body.model()
				: (request != null) ? request.model() : null;
		List<ChatMessage> prompt = (request != null) ? request.messages() : null;
		RequestParameters parameters = (request != null) ? request.parameters() : RequestParameters.NONE;
		String customer = (request != null) ? request.user() : null;
		boolean failed = output.error() != null;
		ChatMessage completion = (!failed && body != null) ? body.firstMessage() : null;
		return new UsageRecord(position, ids, model, prompt, completion, usage, completedAt,
				null, null, null, statusCode(output), failed ? errorMessage(output.error()) : null, customer,
				parameters, true, null);
	}

	/**
	 * One pass straight into the record, for the common well-formed line; null when the line needs the
	 * slow path's diagnosis (any parse error, or a missing or invalid custom_id).
	 */
	private TogetherBatchOutputLine fastParse(byte[] utf8) {
		try {
			TogetherBatchOutputLine output = this.streaming.read(utf8);
			if (output == null) {
				output = this.mapper.readValue(utf8, TogetherBatchOutputLine.class);
			}
			String customId = (output != null) ? output.customId() : null;
			return (customId != null && !customId.isEmpty() && customId.length() <= MAX_CUSTOM_ID_LENGTH) ? output : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private TogetherBatchInputLine.Body request(String customId) throws IOException {
		if (this.index == null) {
			return null;
		}
		TogetherBatchInputLine input = this.index.lookup(customId);
		return (input != null) ? input.body() : null;
	}

	/** Never null: a line that got this far has a {@code custom_id}. */
	private static SourceIds ids(TogetherBatchOutputLine output, SourceFile file) {
		TogetherBatchOutputLine.Response response = output.response();
		ChatCompletion body = output.body();
		return SourceIds.of((response != null) ? response.requestId() : null, output.customId(),
				(body != null) ? body.id() : null, file.shortFingerprint());
	}

	/**
	 * The original call's HTTP status. A success is {@code response.status_code} or 200. A failure takes an
	 * explicit {@code error.status_code} or an error {@code response.status_code}; otherwise, as the error
	 * file carries only a code, codes naming a client mistake ({@code invalid_*}, {@code *_not_found},
	 * {@code context_length_exceeded}, {@code bad_request*}) become 400 and anything else 500, the status
	 * the synchronous API would have answered.
	 */
	static int statusCode(TogetherBatchOutputLine output) {
		TogetherBatchOutputLine.Response response = output.response();
		Integer responseStatus = (response != null) ? response.statusCode() : null;
		TogetherBatchError error = output.error();
		if (error == null) {
			return (responseStatus != null) ? responseStatus : 200;
		}
		if (error.statusCode() != null && error.statusCode() >= 400) {
			return error.statusCode();
		}
		if (responseStatus != null && responseStatus >= 400) {
			return responseStatus;
		}
		String code = (error.code() != null) ? error.code() : error.type();
		if (code != null) {
			String lower = code.toLowerCase(Locale.ROOT);
			if (lower.startsWith("invalid") || lower.endsWith("not_found") || lower.startsWith("bad_request")
					|| lower.equals("context_length_exceeded")) {
				return 400;
			}
		}
		return 500;
	}

	private static String errorMessage(TogetherBatchError error) {
		if (error.message() != null && !error.message().isBlank()) {
			return SecretRedactor.redact(error.message());
		}
		return (error.code() != null) ? error.code() : "unknown error";
	}

	private static UnreadableRecord unreadable(SourcePosition position, String sourceId, RejectReason reason,
			String message, SourceLine line) {
		return SourceLines.unreadable(position, sourceId, reason, message, line.text());
	}

	private static String describe(JacksonException ex) {
		return SourceLines.describe(ex);
	}

}
