package io.keywordsbackfill.mapping;

import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.keywordsbackfill.record.ChatMessage;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of outgoing logs, so that what is sent, what the dry run writes and what a
 * reject row stores are the same bytes: nulls left out (absent means unknown), {@link java.math.BigDecimal}
 * written as plain numbers ({@code 0.0000044}, never {@code 4.4E-6}).
 */
public final class LogJson {

	/** Thread-safe; do not reconfigure. */
	public static final JsonMapper MAPPER = JsonMapper.builder()
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
		.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
		.build();

	/** Writes logs one after another with nothing between them, so that each can be cut out of the output. */
	private static final ObjectWriter CONSECUTIVE = MAPPER.writer().withRootValueSeparator("");

	private LogJson() {
	}

	/** The log as UTF-8 JSON, exactly as it goes into {@code {"logs":[...]}}. */
	public static byte[] toJsonBytes(KeywordsLog log) {
		return encode(List.of(log)).get(0).json();
	}

	/** Each log as UTF-8 JSON, in order, as {@link #toJsonBytes(KeywordsLog)} writes it. */
	public static List<byte[]> toJsonBytes(List<KeywordsLog> logs) {
		return encode(logs).stream().map(EncodedLog::json).toList();
	}

	/**
	 * What identifies a log's content: a 64-bit hash of its JSON without {@code metadata.backfill_file} and
	 * {@code backfill_line}, so two copies of one call read from two places hash the same, and any other
	 * difference (a token count, a message, a raw id) makes another hash.
	 */
	public static long contentHash(KeywordsLog log) {
		return encode(List.of(log)).get(0).contentHash();
	}

	/**
	 * Each log as UTF-8 JSON with its {@link #contentHash(KeywordsLog) content hash}, in order. One generator and
	 * one buffer serve all of them: a generator and a growing buffer per log were a third of all the bytes an
	 * import allocates. Each log's bytes are copied out of the buffer once, at their exact size.
	 */
	public static List<EncodedLog> encode(List<KeywordsLog> logs) {
		List<EncodedLog> encoded = new ArrayList<>(logs.size());
		ReusableBuffer out = new ReusableBuffer(4096);
		try (JsonGenerator generator = CONSECUTIVE.createGenerator(out)) {
			PositionMarks marks = new PositionMarks(generator, out);
			for (KeywordsLog log : logs) {
				marks.reset();
				write(generator, log, marks);
				generator.flush();
				byte[] json = out.toByteArray();
				int start = (marks.start >= 0) ? marks.start : json.length;
				int end = (marks.end >= 0) ? marks.end : json.length;
				long hash = ContentHash.of(json, 0, start, ContentHash.of(json, end, json.length, 0));
				encoded.add(new EncodedLog(json, hash));
				out.reset();
			}
		}
		return encoded;
	}

	/** A log's JSON and its content hash. */
	public record EncodedLog(byte[] json, long contentHash) {
	}

	/** Where, in the buffer, the position entries of the log being written start and end. */
	private static final class PositionMarks {

		private final JsonGenerator generator;

		private final ReusableBuffer out;

		private int start = -1;

		private int end = -1;

		PositionMarks(JsonGenerator generator, ReusableBuffer out) {
			this.generator = generator;
			this.out = out;
		}

		void reset() {
			this.start = -1;
			this.end = -1;
		}

		void markStart() {
			this.generator.flush();
			this.start = this.out.size;
		}

		void markEnd() {
			if (this.start >= 0) {
				this.generator.flush();
				this.end = this.out.size;
			}
		}

	}

	/** A byte sink whose methods are not synchronized (it never leaves one thread). */
	private static final class ReusableBuffer extends OutputStream {

		private byte[] bytes;

		private int size;

		ReusableBuffer(int capacity) {
			this.bytes = new byte[capacity];
		}

		@Override
		public void write(int b) {
			ensure(1);
			this.bytes[this.size++] = (byte) b;
		}

		@Override
		public void write(byte[] b, int off, int len) {
			ensure(len);
			System.arraycopy(b, off, this.bytes, this.size, len);
			this.size += len;
		}

		private void ensure(int more) {
			if (this.size + more > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + more));
			}
		}

		byte[] toByteArray() {
			return Arrays.copyOf(this.bytes, this.size);
		}

		void reset() {
			this.size = 0;
		}

	}

	/** The log as a JSON string (for reject rows and the dry-run file). */
	public static String toJson(KeywordsLog log) {
		StringWriter out = new StringWriter(2048);
		try (JsonGenerator generator = MAPPER.createGenerator(out)) {
			write(generator, log, null);
		}
		return out.toString();
	}

	/**
	 * Writes what {@code MAPPER.writeValue(log)} would, field by field: the same names, order and
	 * inclusion (a test holds the two equal), without the per-call lookups of bean serialization, which
	 * cost a fifth of a worker thread's CPU.
	 */
	static void write(JsonGenerator out, KeywordsLog log, PositionMarks marks) {
		out.writeStartObject();
		string(out, "model", log.model());
		string(out, "log_type", log.logType());
		if (log.promptMessages() != null) {
			out.writeName("prompt_messages");
			out.writeStartArray();
			for (ChatMessage message : log.promptMessages()) {
				message(out, message);
			}
			out.writeEndArray();
		}
		if (log.completionMessage() != null) {
			out.writeName("completion_message");
			message(out, log.completionMessage());
		}
		if (log.promptTokens() != null) {
			out.writeNumberProperty("prompt_tokens", log.promptTokens().longValue());
		}
		if (log.completionTokens() != null) {
			out.writeNumberProperty("completion_tokens", log.completionTokens().longValue());
		}
		decimal(out, "cost", log.cost());
		decimal(out, "generation_time", log.generationTimeSeconds());
		decimal(out, "ttft", log.ttft());
		string(out, "timestamp", log.timestamp());
		string(out, "start_time", log.startTime());
		string(out, "customer_identifier", log.customerIdentifier());
		string(out, "custom_identifier", log.customIdentifier());
		if (log.metadata() != null) {
			out.writeName("metadata");
			out.writeStartObject();
			for (Map.Entry<String, Object> entry : log.metadata().entrySet()) {
				if (marks != null && entry.getKey().equals(KeywordsLog.META_FILE)) {
					marks.markStart(); // the mapper puts the position last
				}
				Object value = entry.getValue();
				if (value instanceof String text) {
					out.writeStringProperty(entry.getKey(), text);
				}
				else if (value instanceof Long number) {
					out.writeNumberProperty(entry.getKey(), number.longValue());
				}
				else {
					out.writePOJOProperty(entry.getKey(), value); // rare shapes: the mapper's own rules
				}
			}
			if (marks != null) {
				marks.markEnd();
			}
			out.writeEndObject();
		}
		if (log.statusCode() != null) {
			out.writeNumberProperty("status_code", log.statusCode().intValue());
		}
		string(out, "error_message", log.errorMessage());
		string(out, "status", log.status());
		if (log.temperature() != null) {
			out.writeNumberProperty("temperature", log.temperature().doubleValue());
		}
		if (log.maxTokens() != null) {
			out.writeNumberProperty("max_tokens", log.maxTokens().intValue());
		}
		if (log.topP() != null) {
			out.writeNumberProperty("top_p", log.topP().doubleValue());
		}
		if (log.frequencyPenalty() != null) {
			out.writeNumberProperty("frequency_penalty", log.frequencyPenalty().doubleValue());
		}
		if (log.presencePenalty() != null) {
			out.writeNumberProperty("presence_penalty", log.presencePenalty().doubleValue());
		}
		if (log.stream() != null) {
			out.writeBooleanProperty("stream", log.stream());
		}
		tree(out, "stop", log.stop());
		tree(out, "tools", log.tools());
		tree(out, "tool_choice", log.toolChoice());
		tree(out, "response_format", log.responseFormat());
		out.writeEndObject();
	}

	private static void message(JsonGenerator out, ChatMessage message) {
		if (message == null) {
			out.writeNull();
			return;
		}
		out.writeStartObject();
		string(out, "role", message.role());
		tree(out, "content", message.content());
		tree(out, "tool_calls", message.toolCalls());
		string(out, "tool_call_id", message.toolCallId());
		string(out, "name", message.name());
		out.writeEndObject();
	}

	private static void string(JsonGenerator out, String name, String value) {
		if (value != null) {
			out.writeStringProperty(name, value);
		}
	}

	private static void decimal(JsonGenerator out, String name, BigDecimal value) {
		if (value != null) {
			out.writeNumberProperty(name, value);
		}
	}

	/** A JSON value; a Java null is left out, a JSON {@code null} is written (as bean serialization does). */
	private static void tree(JsonGenerator out, String name, JsonNode value) {
		if (value != null) {
			out.writeName(name);
			value(out, value);
		}
	}

	/**
	 * Writes the shapes nearly every log has (text content, an empty tool-call list, a JSON null) directly:
	 * {@link JsonGenerator#writeTree} sets up a serialization context for each value, which cost more than the
	 * rest of the log. Other shapes go through it.
	 */
	private static void value(JsonGenerator out, JsonNode value) {
		if (value.isString()) {
			out.writeString(value.stringValue());
		}
		else if (value.isNull()) {
			out.writeNull();
		}
		else if (value.isArray() && value.isEmpty()) {
			out.writeStartArray();
			out.writeEndArray();
		}
		else if (value.isObject() && value.isEmpty()) {
			out.writeStartObject();
			out.writeEndObject();
		}
		else if (value.isInt()) {
			out.writeNumber(value.intValue());
		}
		else if (value.isLong()) {
			out.writeNumber(value.longValue());
		}
		else {
			out.writeTree(value);
		}
	}

}
