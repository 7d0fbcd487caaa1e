package io.keywordsbackfill.source;

import java.util.ArrayList;
import java.util.List;

import io.keywordsbackfill.record.ChatMessage;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.StringNode;

/**
 * Reads the usual Batch output line straight from its bytes with Jackson's streaming parser, into the same
 * {@link TogetherBatchOutputLine} that data binding makes, at about half the cost per line.
 * <p>
 * It only handles what it is sure of: values of the expected JSON type, nulls, unknown fields (skipped).
 * Anything else (a number where a string belongs, a string where a number does, an {@code error} object,
 * malformed JSON) gives null, and the caller binds the line with {@link JsonMapper#readValue}, whose
 * coercions and error messages then decide. A test holds both to the same result.
 */
final class TogetherBatchOutputReader {

	/** Thrown inside to give up on a line; carries no stack trace, as it is not an error. */
	private static final class NotPlain extends RuntimeException {

		private static final NotPlain INSTANCE = new NotPlain();

		private NotPlain() {
			super(null, null, false, false);
		}

	}

	private final JsonMapper mapper;

	TogetherBatchOutputReader(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/** The line, or null when data binding must read it. */
	TogetherBatchOutputLine read(byte[] utf8) {
		try (JsonParser parser = this.mapper.createParser(utf8)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			String id = null;
			String customId = null;
			TogetherBatchOutputLine.Response response = null;
			String name;
			while ((name = parser.nextName()) != null) {
				JsonToken token = parser.nextToken();
				switch (name) {
					case "id" -> id = string(parser, token);
					case "custom_id" -> customId = string(parser, token);
					case "response" -> response = (token == JsonToken.VALUE_NULL) ? null : response(parser, token);
					case "error" -> {
						if (token != JsonToken.VALUE_NULL) {
							return null; // failed calls are rare: data binding reads their error object
						}
					}
					default -> parser.skipChildren();
				}
			}
			if (parser.nextToken() != null) {
				return null; // trailing content: let data binding say what is wrong
			}
			return new TogetherBatchOutputLine(id, customId, response, null);
		}
		catch (NotPlain | JacksonException ex) {
			return null;
		}
	}

	private TogetherBatchOutputLine.Response response(JsonParser parser, JsonToken token) {
		expect(token, JsonToken.START_OBJECT);
		Integer statusCode = null;
		String requestId = null;
		ChatCompletion body = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "status_code" -> statusCode = integer(parser, value);
				case "request_id" -> requestId = string(parser, value);
				case "body" -> body = (value == JsonToken.VALUE_NULL) ? null : completion(parser, value);
				default -> parser.skipChildren();
			}
		}
		return new TogetherBatchOutputLine.Response(statusCode, requestId, body);
	}

	private ChatCompletion completion(JsonParser parser, JsonToken token) {
		expect(token, JsonToken.START_OBJECT);
		String id = null;
		String object = null;
		Long created = null;
		String model = null;
		List<ChatCompletion.Choice> choices = null;
		ChatCompletion.Usage usage = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "id" -> id = string(parser, value);
				case "object" -> object = string(parser, value);
				case "created" -> created = longValue(parser, value);
				case "model" -> model = string(parser, value);
				case "choices" -> choices = choices(parser, value);
				case "usage" -> usage = (value == JsonToken.VALUE_NULL) ? null : usage(parser, value);
				default -> parser.skipChildren();
			}
		}
		return new ChatCompletion(id, object, created, model, choices, usage);
	}

	private List<ChatCompletion.Choice> choices(JsonParser parser, JsonToken token) {
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		expect(token, JsonToken.START_ARRAY);
		List<ChatCompletion.Choice> choices = new ArrayList<>(1);
		JsonToken element;
		while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
			choices.add((element == JsonToken.VALUE_NULL) ? null : choice(parser, element));
		}
		return choices;
	}

	private ChatCompletion.Choice choice(JsonParser parser, JsonToken token) {
		expect(token, JsonToken.START_OBJECT);
		Integer index = null;
		ChatMessage message = null;
		String finishReason = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "index" -> index = integer(parser, value);
				case "message" -> message = (value == JsonToken.VALUE_NULL) ? null : message(parser, value);
				case "finish_reason" -> finishReason = string(parser, value);
				default -> parser.skipChildren();
			}
		}
		return new ChatCompletion.Choice(index, message, finishReason);
	}

	private ChatMessage message(JsonParser parser, JsonToken token) {
		expect(token, JsonToken.START_OBJECT);
		String role = null;
		JsonNode content = null;
		JsonNode toolCalls = null;
		String toolCallId = null;
		String messageName = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "role" -> role = string(parser, value);
				case "content" -> content = tree(parser, value);
				case "tool_calls" -> toolCalls = tree(parser, value);
				case "tool_call_id" -> toolCallId = string(parser, value);
				case "name" -> messageName = string(parser, value);
				default -> parser.skipChildren();
			}
		}
		return new ChatMessage(role, content, toolCalls, toolCallId, messageName);
	}

	private ChatCompletion.Usage usage(JsonParser parser, JsonToken token) {
		expect(token, JsonToken.START_OBJECT);
		JsonNode prompt = null;
		JsonNode completion = null;
		JsonNode total = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "prompt_tokens" -> prompt = tree(parser, value);
				case "completion_tokens" -> completion = tree(parser, value);
				case "total_tokens" -> total = tree(parser, value);
				default -> parser.skipChildren();
			}
		}
		return new ChatCompletion.Usage(prompt, completion, total);
	}

	private static String string(JsonParser parser, JsonToken token) {
		if (token == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		throw NotPlain.INSTANCE;
	}

	private static Integer integer(JsonParser parser, JsonToken token) {
		if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
			return parser.getIntValue();
		}
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		throw NotPlain.INSTANCE;
	}

	private static Long longValue(JsonParser parser, JsonToken token) {
		if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
			return parser.getLongValue();
		}
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		throw NotPlain.INSTANCE;
	}

	/**
	 * Any JSON value as a tree, the node types data binding makes: JSON null becomes {@link NullNode}. Strings
	 * and whole numbers (message content, token counts) are made here; the rest goes through the parser's tree
	 * reader, which sets up a deserialization context per call.
	 */
	private static JsonNode tree(JsonParser parser, JsonToken token) {
		switch (token) {
			case VALUE_NULL:
				return NullNode.getInstance();
			case VALUE_STRING:
				return StringNode.valueOf(parser.getString());
			case VALUE_NUMBER_INT:
				JsonParser.NumberType type = parser.getNumberType();
				if (type == JsonParser.NumberType.INT) {
					return IntNode.valueOf(parser.getIntValue());
				}
				if (type == JsonParser.NumberType.LONG) {
					return LongNode.valueOf(parser.getLongValue());
				}
				return parser.readValueAsTree();
			default:
				return parser.readValueAsTree();
		}
	}

	private static void expect(JsonToken actual, JsonToken expected) {
		if (actual != expected) {
			throw NotPlain.INSTANCE;
		}
	}

}
