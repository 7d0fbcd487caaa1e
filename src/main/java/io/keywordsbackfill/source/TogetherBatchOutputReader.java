package io.keywordsbackfill.source;

import java.util.ArrayList;
import java.util.List;

import io.keywordsbackfill.record.ChatMessage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.StringNode;

/**
 * Reads the usual Batch output line straight from its bytes with a {@link JsonByteCursor}, into the same
 * {@link TogetherBatchOutputLine} that data binding makes, at a fraction of the cost per line.
 * <p>
 * It only handles what it is sure of: well-formed JSON, values of the expected JSON type, nulls, unknown
 * fields (skipped), duplicate keys (the last wins, as in data binding). Anything else (a number where a string
 * belongs, a string where a number does, an {@code error} object, malformed JSON) gives null, and the caller
 * binds the line with {@link JsonMapper#readValue}, whose coercions and error messages then decide. A test
 * holds both to the same result for the mapper of {@link TogetherBatchItemReader#newMapper()}.
 */
final class TogetherBatchOutputReader {

	// Each object's known keys; JsonByteCursor.nextKey answers a key's index in its list. Each object is read by a
	// switch on nextKey inside an endless loop, rather than by a loop that tests for the end: the JIT copies a
	// loop's test to the loop's entry, and the test would hold a second copy of nextKey.

	private static final byte[][] LINE_KEYS = JsonByteCursor.keys("id", "custom_id", "response", "error");

	private static final int LINE_ID = 0;

	private static final int LINE_CUSTOM_ID = 1;

	private static final int LINE_RESPONSE = 2;

	private static final int LINE_ERROR = 3;

	private static final byte[][] RESPONSE_KEYS = JsonByteCursor.keys("status_code", "request_id", "body");

	private static final int RESPONSE_STATUS_CODE = 0;

	private static final int RESPONSE_REQUEST_ID = 1;

	private static final int RESPONSE_BODY = 2;

	private static final byte[][] BODY_KEYS = JsonByteCursor.keys("id", "object", "created", "model", "choices",
			"usage");

	private static final int BODY_ID = 0;

	private static final int BODY_OBJECT = 1;

	private static final int BODY_CREATED = 2;

	private static final int BODY_MODEL = 3;

	private static final int BODY_CHOICES = 4;

	private static final int BODY_USAGE = 5;

	private static final byte[][] CHOICE_KEYS = JsonByteCursor.keys("index", "message", "finish_reason");

	private static final int CHOICE_INDEX = 0;

	private static final int CHOICE_MESSAGE = 1;

	private static final int CHOICE_FINISH_REASON = 2;

	private static final byte[][] MESSAGE_KEYS = JsonByteCursor.keys("role", "content", "tool_calls",
			"tool_call_id", "name");

	private static final int MESSAGE_ROLE = 0;

	private static final int MESSAGE_CONTENT = 1;

	private static final int MESSAGE_TOOL_CALLS = 2;

	private static final int MESSAGE_TOOL_CALL_ID = 3;

	private static final int MESSAGE_NAME = 4;

	private static final byte[][] USAGE_KEYS = JsonByteCursor.keys("prompt_tokens", "completion_tokens",
			"total_tokens");

	private static final int USAGE_PROMPT_TOKENS = 0;

	private static final int USAGE_COMPLETION_TOKENS = 1;

	private static final int USAGE_TOTAL_TOKENS = 2;

	private final JsonMapper mapper;

	private final JsonByteCursor.Limits limits;

	TogetherBatchOutputReader(JsonMapper mapper) {
		this.mapper = mapper;
		this.limits = JsonByteCursor.Limits.of(mapper.tokenStreamFactory().streamReadConstraints());
	}

	/** The line, or null when data binding must read it. */
	TogetherBatchOutputLine read(byte[] utf8) {
		try {
			JsonByteCursor json = new JsonByteCursor(utf8, this.limits);
			json.beginObject();
			String id = null;
			String customId = null;
			TogetherBatchOutputLine.Response response = null;
			while (true) {
				switch (json.nextKey(LINE_KEYS)) {
					case LINE_ID -> id = json.readString();
					case LINE_CUSTOM_ID -> customId = json.readString();
					case LINE_RESPONSE -> response = json.isNull() ? null : response(json);
					case LINE_ERROR -> json.readNull(); // failed calls are rare: data binding reads their error object
					case JsonByteCursor.END -> {
						json.endOfDocument();
						return new TogetherBatchOutputLine(id, customId, response, null);
					}
					default -> json.skipValue();
				}
			}
		}
		catch (JsonByteCursor.NotPlain | JacksonException ex) {
			return null;
		}
	}

	private TogetherBatchOutputLine.Response response(JsonByteCursor json) {
		json.beginObject();
		Integer statusCode = null;
		String requestId = null;
		ChatCompletion body = null;
		while (true) {
			switch (json.nextKey(RESPONSE_KEYS)) {
				case RESPONSE_STATUS_CODE -> statusCode = json.readInt();
				case RESPONSE_REQUEST_ID -> requestId = json.readString();
				case RESPONSE_BODY -> body = json.isNull() ? null : completion(json);
				case JsonByteCursor.END -> {
					return new TogetherBatchOutputLine.Response(statusCode, requestId, body);
				}
				default -> json.skipValue();
			}
		}
	}

	private ChatCompletion completion(JsonByteCursor json) {
		json.beginObject();
		String id = null;
		String object = null;
		Long created = null;
		String model = null;
		List<ChatCompletion.Choice> choices = null;
		ChatCompletion.Usage usage = null;
		while (true) {
			switch (json.nextKey(BODY_KEYS)) {
				case BODY_ID -> id = json.readString();
				case BODY_OBJECT -> object = json.readString();
				case BODY_CREATED -> created = json.readLong();
				case BODY_MODEL -> model = json.readString();
				case BODY_CHOICES -> choices = json.isNull() ? null : choices(json);
				case BODY_USAGE -> usage = json.isNull() ? null : usage(json);
				case JsonByteCursor.END -> {
					return new ChatCompletion(id, object, created, model, choices, usage);
				}
				default -> json.skipValue();
			}
		}
	}

	private List<ChatCompletion.Choice> choices(JsonByteCursor json) {
		json.beginArray();
		List<ChatCompletion.Choice> choices = new ArrayList<>(1);
		while (json.nextElement()) {
			choices.add(json.isNull() ? null : choice(json));
		}
		return choices;
	}

	private ChatCompletion.Choice choice(JsonByteCursor json) {
		json.beginObject();
		Integer index = null;
		ChatMessage message = null;
		String finishReason = null;
		while (true) {
			switch (json.nextKey(CHOICE_KEYS)) {
				case CHOICE_INDEX -> index = json.readInt();
				case CHOICE_MESSAGE -> message = json.isNull() ? null : message(json);
				case CHOICE_FINISH_REASON -> finishReason = json.readString();
				case JsonByteCursor.END -> {
					return new ChatCompletion.Choice(index, message, finishReason);
				}
				default -> json.skipValue();
			}
		}
	}

	private ChatMessage message(JsonByteCursor json) {
		json.beginObject();
		String role = null;
		JsonNode content = null;
		JsonNode toolCalls = null;
		String toolCallId = null;
		String name = null;
		while (true) {
			switch (json.nextKey(MESSAGE_KEYS)) {
				case MESSAGE_ROLE -> role = json.readString();
				case MESSAGE_CONTENT -> content = tree(json);
				case MESSAGE_TOOL_CALLS -> toolCalls = tree(json);
				case MESSAGE_TOOL_CALL_ID -> toolCallId = json.readString();
				case MESSAGE_NAME -> name = json.readString();
				case JsonByteCursor.END -> {
					return new ChatMessage(role, content, toolCalls, toolCallId, name);
				}
				default -> json.skipValue();
			}
		}
	}

	private ChatCompletion.Usage usage(JsonByteCursor json) {
		json.beginObject();
		JsonNode prompt = null;
		JsonNode completion = null;
		JsonNode total = null;
		while (true) {
			switch (json.nextKey(USAGE_KEYS)) {
				case USAGE_PROMPT_TOKENS -> prompt = tree(json);
				case USAGE_COMPLETION_TOKENS -> completion = tree(json);
				case USAGE_TOTAL_TOKENS -> total = tree(json);
				case JsonByteCursor.END -> {
					return new ChatCompletion.Usage(prompt, completion, total);
				}
				default -> json.skipValue();
			}
		}
	}

	/**
	 * Any JSON value as a tree, the node types data binding makes: JSON null becomes {@link NullNode}. Strings,
	 * whole numbers (message content, token counts) and empty arrays and objects (no tool calls) are made here;
	 * the rest is checked by the cursor and then read by the mapper from its own bytes, so its nodes are the
	 * mapper's.
	 */
	private JsonNode tree(JsonByteCursor json) {
		int first = json.peek();
		if (first == 'n') {
			json.readNull();
			return NullNode.getInstance();
		}
		if (first == '"') {
			return StringNode.valueOf(json.readString());
		}
		int start = json.position();
		if (first == '-' || (first >= '0' && first <= '9')) {
			long value = json.readNumber();
			if (value != JsonByteCursor.NOT_SMALL) {
				return (value == (int) value) ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
			}
		}
		else {
			json.skipValue();
		}
		return slice(json.bytes(), start, json.position());
	}

	/** The checked value in [start, end) as a tree: the mapper's own, or the same node made without it. */
	private JsonNode slice(byte[] utf8, int start, int end) {
		if (end - start == 2) { // [] or {}: no other value that gets here is two bytes long
			return (utf8[start] == '[') ? this.mapper.createArrayNode() : this.mapper.createObjectNode();
		}
		return this.mapper.readTree(utf8, start, end - start);
	}

}
