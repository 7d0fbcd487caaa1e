package io.keywordsbackfill.cli;

import java.util.Locale;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

import io.keywordsbackfill.job.InvalidConfigurationException;
import io.keywordsbackfill.schedule.InvalidJobDefinitionException;

/**
 * Turns start-up failures into one line that names the property at fault, instead of a stack trace.
 */
final class ConfigurationErrors {

	private ConfigurationErrors() {
	}

	static boolean isConfigurationError(Throwable ex) {
		return find(ex, BindException.class) != null || find(ex, UsageException.class) != null
				|| find(ex, InvalidConfigurationException.class) != null
				|| find(ex, InvalidJobDefinitionException.class) != null;
	}

	static String describe(Throwable ex) {
		UsageException usage = find(ex, UsageException.class);
		if (usage != null) {
			return usage.getMessage();
		}
		InvalidJobDefinitionException definition = find(ex, InvalidJobDefinitionException.class);
		if (definition != null) {
			return definition.getMessage();
		}
		InvalidConfigurationException invalid = find(ex, InvalidConfigurationException.class);
		if (invalid != null) {
			return "invalid configuration: " + invalid.getMessage();
		}
		BindValidationException validation = find(ex, BindValidationException.class);
		if (validation != null) {
			StringBuilder text = new StringBuilder("invalid configuration:");
			for (ObjectError error : validation.getValidationErrors().getAllErrors()) {
				String name = validation.getValidationErrors().getName().toString();
				if (error instanceof FieldError field) {
					// Spelled as users write properties: max-batch-logs, not maxBatchLogs.
					name = name + "." + field.getField().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
				}
				text.append(' ').append(name).append(": ").append(error.getDefaultMessage()).append(';');
			}
			return text.substring(0, text.length() - 1);
		}
		BindException bind = find(ex, BindException.class);
		if (bind != null) {
			Throwable cause = bind.getCause();
			return "invalid configuration: property " + bind.getName()
					+ (cause == null ? "" : ": " + cause.getMessage());
		}
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
		return message;
	}

	static <T extends Throwable> T find(Throwable ex, Class<T> type) {
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (type.isInstance(t)) {
				return type.cast(t);
			}
		}
		return null;
	}

}
