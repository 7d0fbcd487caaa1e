package io.keywordsbackfill.schedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.keywordsbackfill.mapping.ImportWindow;
import io.keywordsbackfill.mapping.MappingOptions.ExportedCostPolicy;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;
import io.keywordsbackfill.schedule.InputDefinition.LatencyUnit;
import io.keywordsbackfill.schedule.JobDefinition.Destination;
import io.keywordsbackfill.schedule.JobDefinition.Limits;
import io.keywordsbackfill.schedule.JobDefinition.Pricing;
import io.keywordsbackfill.schedule.JobDefinition.RateLimit;
import io.keywordsbackfill.source.UsageCsvOptions;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.scheduling.support.CronExpression;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads {@code jobs/*.yml} into {@link JobDefinition}s, failing fast on anything it does not understand.
 * <p>
 * The YAML is read as a tree and walked by a strict validator rather than bound by Jackson, so that every
 * failure names the file, the field path and what was expected: an unknown key (with the allowed ones),
 * a wrong type, a missing required field, a value outside its range or set, a cron expression Spring cannot
 * parse, an input directory that does not exist, a mapping to an unknown canonical name or an empty one (but
 * a usage-csv column mapped to {@code ""}, which declares it absent, and which the id, time and model cannot be), a
 * window bound that is not an instant or a date (or an empty window), a {@code min-file-age} that is not a
 * duration, a name used by two files, and any key
 * that looks like a secret: the API key comes from
 * {@code KEYWORDSAI_API_KEY} and is never written in a definition.
 * <p>
 * Relative paths (inputs, {@code prices-file}) are resolved against the definition file's directory.
 */
public final class JobDefinitionLoader {

	private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");

	private static final Set<String> SECRET_WORDS = Set.of("apikey", "token", "password", "passwd", "secret",
			"authorization", "bearer", "credentials");

	private static final List<String> TOP_KEYS = List.of("name", "schedule", "zone", "catch-up", "max-catch-up",
			"inputs", "pricing", "destination", "limits", "window", "min-file-age", "partitioning");

	private static final List<String> COMMON_INPUT_KEYS = List.of("format", "paths", "default-zone");

	private static final Map<InputFormat, List<String>> INPUT_KEYS = Map.of(
			InputFormat.TOGETHER_BATCH, List.of("batch-input-suffix", "errors-suffix"),
			InputFormat.CHAT_LOG, List.of("fields", "line-ids"),
			InputFormat.USAGE_CSV, List.of("columns", "latency-unit", "line-ids"));

	private static final int DEFAULT_MAX_CATCH_UP = 7;

	private final YAMLMapper yaml = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

	/**
	 * Loads and validates one definition.
	 * @param file the definition; its directory is the base of relative paths
	 * @throws InvalidJobDefinitionException if it is invalid, naming the file and the field
	 * @throws UncheckedIOException if it cannot be read
	 */
	public JobDefinition load(Path file) {
		JsonNode tree;
		try {
			tree = yaml.readTree(Files.readString(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read job definition " + file, ex);
		}
		catch (JacksonException ex) {
			String where = (ex.getLocation() != null && ex.getLocation().getLineNr() > 0)
					? "line " + ex.getLocation().getLineNr() : "";
			throw new InvalidJobDefinitionException(file, where, "not valid YAML: " + ex.getOriginalMessage(), ex);
		}
		Field root = new Field(file, "", tree);
		rejectSecrets(root);
		return definition(root);
	}

	/**
	 * Loads every {@code *.yml} and {@code *.yaml} file of a directory (not its subdirectories), in file name
	 * order.
	 * @return the definitions, possibly empty
	 * @throws InvalidJobDefinitionException on the first invalid file, or when two files use one name
	 * @throws UncheckedIOException if the directory cannot be listed
	 */
	public List<JobDefinition> loadDirectory(Path directory) {
		List<Path> files;
		try (Stream<Path> entries = Files.list(directory)) {
			files = entries.filter(Files::isRegularFile).filter((path) -> {
				String name = path.getFileName().toString();
				return !name.startsWith(".") && (name.endsWith(".yml") || name.endsWith(".yaml"));
			}).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot list job definitions in " + directory, ex);
		}
		Map<String, Path> names = new HashMap<>();
		List<JobDefinition> definitions = new ArrayList<>();
		for (Path file : files) {
			JobDefinition definition = load(file);
			Path other = names.putIfAbsent(definition.name(), file);
			if (other != null) {
				throw new InvalidJobDefinitionException(file, "name", "'" + definition.name()
						+ "' is already the name of " + other + "; names must be unique across " + directory);
			}
			definitions.add(definition);
		}
		return List.copyOf(definitions);
	}

	private JobDefinition definition(Field root) {
		root.mapping(TOP_KEYS);
		String name = root.child("name").requiredString();
		if (!NAME.matcher(name).matches()) {
			throw root.child("name").error("'" + name + "' is not a valid name: use lower-case letters, digits and '-'");
		}
		ZoneId zone = root.child("zone").zone();
		CronExpression schedule = root.child("schedule").cron();
		boolean catchUp = root.child("catch-up").bool(true);
		int maxCatchUp = root.child("max-catch-up").integer(DEFAULT_MAX_CATCH_UP, 1, 366);
		Field inputsField = root.child("inputs");
		List<Field> inputFields = inputsField.list(true);
		List<InputDefinition> inputs = new ArrayList<>();
		for (Field input : inputFields) {
			inputs.add(input(input));
		}
		return new JobDefinition(name, root.file(), schedule, zone, catchUp, maxCatchUp, inputs,
				pricing(root.child("pricing")), destination(root.child("destination")), limits(root.child("limits")),
				window(root.child("window")), root.child("min-file-age").duration(),
				root.child("partitioning").choice(Map.of("local", false, "remote", true), false));
	}

	private InputDefinition input(Field input) {
		input.requireMapping();
		Field formatField = input.child("format");
		String formatName = formatField.requiredString("one of " + InputFormat.names());
		InputFormat format = InputFormat.of(formatName)
			.orElseThrow(() -> formatField.error("'" + formatName + "' is not one of " + InputFormat.names()));
		List<String> allowed = new ArrayList<>(COMMON_INPUT_KEYS);
		allowed.addAll(INPUT_KEYS.get(format));
		input.mapping(allowed, "for format " + format.id());
		List<String> paths = new ArrayList<>();
		for (Field path : input.child("paths").list(true)) {
			String value = path.requiredString();
			checkExists(path, value);
			paths.add(value);
		}
		ZoneId defaultZone = input.child("default-zone").zone();
		return switch (format) {
			case TOGETHER_BATCH -> new InputDefinition.TogetherBatch(paths,
					input.child("batch-input-suffix").optionalString(), input.child("errors-suffix").optionalString(),
					defaultZone);
			case CHAT_LOG -> new InputDefinition.ChatLog(paths,
					input.child("fields").renames(InputDefinition.CHAT_LOG_FIELDS, "field"), defaultZone,
					input.child("line-ids").bool(false));
			case USAGE_CSV -> new InputDefinition.UsageCsv(paths, usageCsvColumns(input.child("columns")),
					input.child("latency-unit").choice(Map.of("ms", LatencyUnit.MILLISECONDS, "s", LatencyUnit.SECONDS),
							LatencyUnit.MILLISECONDS),
					defaultZone, input.child("line-ids").bool(false));
		};
	}

	/** A column mapping, where an empty header ({@code prompt_tokens: ""}) says the files have no such column. */
	private static Map<String, String> usageCsvColumns(Field columns) {
		Map<String, String> mapping = columns.renames(InputDefinition.USAGE_CSV_COLUMNS, "column", true);
		for (Map.Entry<String, String> column : mapping.entrySet()) {
			try {
				new UsageCsvOptions(Map.of(column.getKey(), column.getValue()), null, null, ',');
			}
			catch (IllegalArgumentException ex) {
				throw columns.child(column.getKey()).error(ex.getMessage());
			}
		}
		return mapping;
	}

	/**
	 * A plain path must exist; a glob's fixed directory prefix (the segments before the first one with a
	 * wildcard) must exist, so a typo fails now rather than matching nothing every night.
	 */
	private static void checkExists(Field field, String value) {
		Path base = field.file().toAbsolutePath().normalize().getParent();
		PathPattern pattern = PathPattern.of(base, value);
		if (!pattern.isGlob() && !Files.exists(pattern.path())) {
			throw field.error("'" + value + "' does not exist (" + pattern.path()
					+ "); expected an existing file or directory, relative to " + base + " or absolute");
		}
		if (pattern.isGlob() && !Files.isDirectory(pattern.path())) {
			throw field.error("directory " + pattern.path() + " of '" + value
					+ "' does not exist; expected an existing directory before the first wildcard, relative to "
					+ base + " or absolute");
		}
	}

	private static Pricing pricing(Field field) {
		if (!field.present()) {
			return Pricing.DEFAULTS;
		}
		field.mapping(List.of("prices-file", "exported-cost", "unpriced-model"));
		Path pricesFile = null;
		Field prices = field.child("prices-file");
		String pricesValue = prices.optionalString();
		if (pricesValue != null) {
			pricesFile = field.file().toAbsolutePath().normalize().getParent().resolve(pricesValue).normalize();
			if (!Files.isRegularFile(pricesFile)) {
				throw prices.error("'" + pricesValue + "' does not exist (" + pricesFile
						+ "); expected a YAML price file, relative to the definition's directory or absolute");
			}
		}
		ExportedCostPolicy exportedCost = field.child("exported-cost").choice(Map.of("keep", ExportedCostPolicy.KEEP,
				"recompute", ExportedCostPolicy.RECOMPUTE, "fill-missing", ExportedCostPolicy.FILL_MISSING),
				Pricing.DEFAULTS.exportedCost());
		UnpricedModelPolicy unpriced = field.child("unpriced-model").choice(Map.of("send-without-cost",
				UnpricedModelPolicy.SEND_WITHOUT_COST, "reject", UnpricedModelPolicy.REJECT),
				Pricing.DEFAULTS.unpricedModel());
		return new Pricing(pricesFile, exportedCost, unpriced);
	}

	private static Destination destination(Field field) {
		if (!field.present()) {
			return Destination.DEFAULTS;
		}
		field.mapping(List.of("max-batch-logs", "concurrency", "rate-limit"));
		int maxBatchLogs = field.child("max-batch-logs").integer(Destination.DEFAULTS.maxBatchLogs(), 1, 5000);
		int concurrency = field.child("concurrency").integer(Destination.DEFAULTS.concurrency(), 1, 64);
		RateLimit rateLimit = null;
		Field rate = field.child("rate-limit");
		if (rate.present()) {
			rate.mapping(List.of("logs-per-second", "requests-per-second"));
			rateLimit = new RateLimit(rate.child("logs-per-second").positive(),
					rate.child("requests-per-second").positive());
			if (rateLimit.logsPerSecond() == null && rateLimit.requestsPerSecond() == null) {
				throw rate.error("expected logs-per-second and/or requests-per-second");
			}
		}
		return new Destination(maxBatchLogs, concurrency, rateLimit);
	}

	private static Limits limits(Field field) {
		if (!field.present()) {
			return Limits.NONE;
		}
		field.mapping(List.of("max-rejects"));
		Field maxRejects = field.child("max-rejects");
		return new Limits(maxRejects.present() ? (long) maxRejects.integer(0, 0, Integer.MAX_VALUE) : null);
	}

	/** {@code window: {since: WHEN, before: WHEN}}, either bound optional but not both, since before before. */
	private static ImportWindow window(Field field) {
		if (!field.present()) {
			return ImportWindow.NONE;
		}
		field.mapping(List.of("since", "before"));
		Instant since = field.child("since").when();
		Instant before = field.child("before").when();
		if (since == null && before == null) {
			throw field.error("expected since and/or before");
		}
		if (since != null && before != null && !since.isBefore(before)) {
			throw field.child("before").error(before + " is not after window.since (" + since
					+ "); expected a later time: the window runs from since (inclusive) to before (exclusive)");
		}
		return new ImportWindow(since, before);
	}

	/** Reports the first key, anywhere in the tree, that looks like a place to write a secret. */
	private static void rejectSecrets(Field field) {
		JsonNode node = field.node();
		if (node == null) {
			return;
		}
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				Field child = field.child(entry.getKey());
				if (looksLikeSecret(entry.getKey())) {
					throw child.error("secrets do not belong in a job definition; the Keywords AI API key comes "
							+ "from the environment variable KEYWORDSAI_API_KEY");
				}
				rejectSecrets(child);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				rejectSecrets(field.element(i));
			}
		}
	}

	/**
	 * Whole words only, so that a column such as {@code prompt_tokens} is not taken for a token:
	 * {@code api-key}, {@code apiKey}, {@code x_api_key}, {@code access-token}, {@code password}, ...
	 */
	static boolean looksLikeSecret(String key) {
		String spaced = key.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
		List<String> words = Arrays.stream(spaced.split("[^a-z0-9]+")).filter((w) -> !w.isEmpty()).toList();
		for (int i = 0; i < words.size(); i++) {
			if (SECRET_WORDS.contains(words.get(i))
					|| (words.get(i).equals("api") && i + 1 < words.size() && words.get(i + 1).equals("key"))) {
				return true;
			}
		}
		return false;
	}

	/** A node of the tree with its field path, and the checks that produce the loader's messages. */
	private record Field(Path file, String path, JsonNode node) {

		InvalidJobDefinitionException error(String problem) {
			return new InvalidJobDefinitionException(file, path.isEmpty() ? "(top level)" : path, problem);
		}

		Field child(String key) {
			return new Field(file, path.isEmpty() ? key : path + "." + key, node == null ? null : node.get(key));
		}

		Field element(int index) {
			return new Field(file, path + "[" + index + "]", node.get(index));
		}

		boolean present() {
			return node != null && !node.isNull() && !node.isMissingNode();
		}

		void requireMapping() {
			if (!present() || !node.isObject()) {
				throw error("expected a mapping of keys to values, got " + describe(node));
			}
		}

		void mapping(List<String> allowed) {
			mapping(allowed, "");
		}

		void mapping(List<String> allowed, String context) {
			requireMapping();
			for (String key : node.propertyNames()) {
				if (!allowed.contains(key)) {
					throw child(key).error("unknown key" + (context.isEmpty() ? "" : " " + context)
							+ "; allowed keys are " + String.join(", ", allowed));
				}
			}
		}

		List<Field> list(boolean required) {
			if (!present()) {
				if (required) {
					throw error("required; expected a non-empty list");
				}
				return List.of();
			}
			if (!node.isArray() || node.isEmpty()) {
				throw error("expected a non-empty list, got " + describe(node));
			}
			List<Field> elements = new ArrayList<>();
			for (int i = 0; i < node.size(); i++) {
				elements.add(element(i));
			}
			return elements;
		}

		String requiredString() {
			return requiredString("a non-empty string");
		}

		String requiredString(String expected) {
			if (!present()) {
				throw error("required; expected " + expected);
			}
			return string();
		}

		String optionalString() {
			return present() ? string() : null;
		}

		private String string() {
			if (!node.isString() || node.stringValue().isBlank()) {
				throw error("expected a non-empty string, got " + describe(node));
			}
			return node.stringValue();
		}

		boolean bool(boolean defaultValue) {
			if (!present()) {
				return defaultValue;
			}
			if (!node.isBoolean()) {
				throw error("expected true or false, got " + describe(node));
			}
			return node.booleanValue();
		}

		int integer(int defaultValue, int min, int max) {
			if (!present()) {
				return defaultValue;
			}
			if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min
					|| node.intValue() > max) {
				throw error("expected a whole number from " + min + " to " + max + ", got " + describe(node));
			}
			return node.intValue();
		}

		Double positive() {
			if (!present()) {
				return null;
			}
			if (!node.isNumber() || !(node.doubleValue() > 0) || Double.isInfinite(node.doubleValue())) {
				throw error("expected a number greater than 0, got " + describe(node));
			}
			return node.doubleValue();
		}

		<T> T choice(Map<String, T> choices, T defaultValue) {
			if (!present()) {
				return defaultValue;
			}
			String value = string();
			T choice = choices.get(value);
			if (choice == null) {
				throw error("'" + value + "' is not one of "
						+ choices.keySet().stream().sorted().collect(Collectors.joining(", ")));
			}
			return choice;
		}

		ZoneId zone() {
			if (!present()) {
				return ZoneId.of("UTC");
			}
			String value = string();
			try {
				return ZoneId.of(value);
			}
			catch (DateTimeException ex) {
				throw error("'" + value + "' is not a time zone; expected a region such as UTC or Europe/Paris, "
						+ "or an offset such as +02:00");
			}
		}

		/** A duration such as {@code 30s}, {@code 5m}, {@code 1h} or {@code PT2M}, at least 0; zero when absent. */
		Duration duration() {
			if (!present()) {
				return Duration.ZERO;
			}
			Duration duration = null;
			if (node.isString() && !node.stringValue().strip().matches("[+-]?\\d+")) { // a unit is required
				try {
					duration = DurationStyle.detectAndParse(node.stringValue().strip());
				}
				catch (IllegalArgumentException ex) {
					// reported below
				}
			}
			if (duration == null || duration.isNegative()) {
				throw error("expected a duration such as 30s, 5m or 1h, got " + describe(node));
			}
			return duration;
		}

		/** A window bound: see {@link ImportWindow#parseWhen}; null when absent. */
		Instant when() {
			if (!present()) {
				return null;
			}
			if (!node.isString()) {
				throw error("expected " + ImportWindow.WHEN_SYNTAX + ", got " + describe(node));
			}
			try {
				return ImportWindow.parseWhen(node.stringValue());
			}
			catch (IllegalArgumentException ex) {
				throw error(ex.getMessage());
			}
		}

		CronExpression cron() {
			if (!present()) {
				return null;
			}
			String value = string();
			try {
				return CronExpression.parse(value);
			}
			catch (IllegalArgumentException ex) {
				throw error("'" + value + "' is not a valid cron expression (" + ex.getMessage()
						+ "); expected Spring's 6 fields: second minute hour day-of-month month day-of-week, "
						+ "e.g. \"0 30 2 * * *\" for 02:30 every night");
			}
		}

		/** A {canonical: name in file} mapping whose keys must be among {@code canonical}. */
		Map<String, String> renames(Set<String> canonical, String what) {
			return renames(canonical, what, false);
		}

		/**
		 * A {canonical: name in file} mapping whose keys must be among {@code canonical}.
		 * @param emptyAllowed whether the empty name ({@code ""}, "none in the file") is allowed
		 */
		Map<String, String> renames(Set<String> canonical, String what, boolean emptyAllowed) {
			if (!present()) {
				return Map.of();
			}
			requireMapping();
			String allowed = canonical.stream().sorted().collect(Collectors.joining(", "));
			Map<String, String> renames = new LinkedHashMap<>();
			Set<String> targets = new LinkedHashSet<>();
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				Field target = child(entry.getKey());
				if (!canonical.contains(entry.getKey())) {
					throw target.error("unknown " + what + " '" + entry.getKey() + "'; expected one of " + allowed);
				}
				boolean empty = emptyAllowed && target.node().isString() && target.node().stringValue().isEmpty();
				if (!empty && (!target.node().isString() || target.node().stringValue().isBlank())) {
					throw target.error("expected the non-empty name of the " + what + " in the file"
							+ (emptyAllowed ? " (or \"\" for none)" : "") + ", got " + describe(target.node()));
				}
				String name = target.node().stringValue();
				if (!empty && !targets.add(name)) {
					throw target.error("'" + name + "' is already mapped to another " + what
							+ "; expected each name in the file at most once");
				}
				renames.put(entry.getKey(), name);
			}
			return renames;
		}

		private static String describe(JsonNode node) {
			if (node == null || node.isMissingNode()) {
				return "nothing";
			}
			if (node.isNull()) {
				return "null";
			}
			if (node.isObject()) {
				return "a mapping";
			}
			if (node.isArray()) {
				return "a list";
			}
			if (node.isString()) {
				return "'" + node.stringValue() + "'";
			}
			return node.toString();
		}

	}

}
