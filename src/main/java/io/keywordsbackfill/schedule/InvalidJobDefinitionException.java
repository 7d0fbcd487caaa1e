package io.keywordsbackfill.schedule;

import java.nio.file.Path;

/**
 * A job definition that cannot be used. The message reads {@code FILE: FIELD: what was wrong and what is
 * expected}, e.g. {@code jobs/x.yml: inputs[0].format: 'excel' is not one of together-batch, chat-log,
 * usage-csv}, and never contains a secret value.
 */
public class InvalidJobDefinitionException extends RuntimeException {

	private final Path file;

	private final String field;

	/**
	 * @param field the field's path ({@code inputs[0].columns}), or empty for the whole file
	 */
	public InvalidJobDefinitionException(Path file, String field, String problem) {
		this(file, field, problem, null);
	}

	InvalidJobDefinitionException(Path file, String field, String problem, Throwable cause) {
		super(file + ": " + (field.isEmpty() ? "" : field + ": ") + problem, cause);
		this.file = file;
		this.field = field;
	}

	/** The definition file, as given to the loader. */
	public Path file() {
		return file;
	}

	/** The field path ({@code inputs[0].columns.model}), or empty when the file as a whole is wrong. */
	public String field() {
		return field;
	}

}
