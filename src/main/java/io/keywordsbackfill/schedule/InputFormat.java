package io.keywordsbackfill.schedule;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The input formats a job definition can name, by the names written in {@code jobs/*.yml}. */
public enum InputFormat {

	TOGETHER_BATCH("together-batch"), CHAT_LOG("chat-log"), USAGE_CSV("usage-csv");

	private final String id;

	InputFormat(String id) {
		this.id = id;
	}

	/** The name as written in a definition and in the {@code format} job parameter. */
	public String id() {
		return id;
	}

	static Optional<InputFormat> of(String id) {
		return Arrays.stream(values()).filter((format) -> format.id.equals(id)).findFirst();
	}

	static String names() {
		return Arrays.stream(values()).map(InputFormat::id).collect(Collectors.joining(", "));
	}

	@Override
	public String toString() {
		return id;
	}

}
