package io.keywordsbackfill.record;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The identifiers of one call: the ones its source wrote, verbatim, and the key under which the ledger
 * remembers it.
 * <ul>
 * <li>{@link #customIdentifier()} is the source's own id of the call, exactly as written (a Together
 * {@code request_id}, a Batch {@code custom_id}, a CSV id cell): what a user searches Keywords AI for.</li>
 * <li>{@link #raw()} holds every id the source had, under the metadata keys {@link #REQUEST_ID},
 * {@link #CUSTOM_ID} and {@link #COMPLETION_ID}, in that order.</li>
 * <li>{@link #key()} is the dedupe key. The call's own id decides it, whatever the format, so that the same
 * call in a Batch file and in a usage CSV is one ledger entry: {@code together-request:<request_id>}, else
 * {@code together-completion:<completion id>}, else {@code together-batch:<fp16>:<custom_id>} (a
 * {@code custom_id} is unique only within its batch), else, only when the user asked for ids from lines,
 * {@code <format>:<fp16>:<line>}.</li>
 * </ul>
 */
public record SourceIds(String key, String customIdentifier, Map<String, String> raw) {

	/** Metadata key of a Together request id (Batch {@code response.request_id}, chat-log and CSV {@code request_id}). */
	public static final String REQUEST_ID = "together_request_id";

	/** Metadata key of a Batch API {@code custom_id}. */
	public static final String CUSTOM_ID = "together_custom_id";

	/** Metadata key of the chat completion's own {@code id}. */
	public static final String COMPLETION_ID = "together_completion_id";

	public SourceIds {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(customIdentifier, "customIdentifier");
		raw = (raw == null || raw.isEmpty()) ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(raw));
	}

	/**
	 * The ids of a call that has at least one id of its own; null when all three are absent or blank.
	 * @param fileFingerprint16 the first 16 hex of the file's fingerprint, which scopes a {@code custom_id}
	 */
	public static SourceIds of(String requestId, String customId, String completionId, String fileFingerprint16) {
		requestId = present(requestId);
		customId = present(customId);
		completionId = present(completionId);
		Map<String, String> raw = new LinkedHashMap<>(4);
		if (requestId != null) {
			raw.put(REQUEST_ID, requestId);
		}
		if (customId != null) {
			raw.put(CUSTOM_ID, customId);
		}
		if (completionId != null) {
			raw.put(COMPLETION_ID, completionId);
		}
		if (requestId != null) {
			return new SourceIds("together-request:" + requestId, requestId, raw);
		}
		if (customId != null) {
			// the user's own key of the call, even when the completion has an id: it is what they know
			String key = (completionId != null) ? "together-completion:" + completionId
					: "together-batch:" + fileFingerprint16 + ":" + customId;
			return new SourceIds(key, customId, raw);
		}
		if (completionId != null) {
			return new SourceIds("together-completion:" + completionId, completionId, raw);
		}
		return null;
	}

	/**
	 * Ids made from the record's place in its file, for a source without ids, only when the user asked for them:
	 * they change when an export is cut again, so the same call in another cut is another call.
	 */
	public static SourceIds fromLine(String format, String fileFingerprint16, long line) {
		String key = format + ":" + fileFingerprint16 + ":" + line;
		return new SourceIds(key, key, Map.of());
	}

	private static String present(String id) {
		return (id == null || id.isBlank()) ? null : id;
	}

}
