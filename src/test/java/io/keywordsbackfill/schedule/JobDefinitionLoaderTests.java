package io.keywordsbackfill.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import io.keywordsbackfill.mapping.ImportWindow;
import io.keywordsbackfill.mapping.MappingOptions.ExportedCostPolicy;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;
import io.keywordsbackfill.schedule.InputDefinition.LatencyUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JobDefinitionLoaderTests {

	private static final Path REPO = Path.of("").toAbsolutePath();

	@TempDir
	Path root;

	private Path jobs;

	private final JobDefinitionLoader loader = new JobDefinitionLoader();

	@BeforeEach
	void layout() throws IOException {
		jobs = Files.createDirectories(root.resolve("jobs"));
		Files.createDirectories(root.resolve("exports"));
	}

	@Test
	void shippedExamplesLoad() throws IOException {
		// given: the shipped jobs/ next to a sample-data/ that has every directory they name (chat-log and
		// usage-csv samples come from another branch, so they are created here when missing)
		for (Path example : List.of(Path.of("jobs/together-batch-nightly.yml"), Path.of("jobs/chat-logs-nightly.yml"),
				Path.of("jobs/usage-csv-adhoc.yml"))) {
			Files.copy(REPO.resolve(example), root.resolve(example));
		}
		for (String dir : List.of("together-batch", "chat-log", "usage-csv")) {
			Files.createDirectories(root.resolve("sample-data").resolve(dir));
		}

		// when
		List<JobDefinition> definitions = loader.loadDirectory(jobs);

		// then
		assertThat(definitions).extracting(JobDefinition::name)
			.containsExactly("chat-logs-nightly", "together-batch-nightly", "usage-csv-adhoc");
		JobDefinition chatLogs = definitions.get(0);
		assertThat(chatLogs.schedule()).hasToString("0 0 3 * * *");
		assertThat(chatLogs.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
		assertThat(chatLogs.maxCatchUp()).isEqualTo(3);
		assertThat(chatLogs.inputs()).singleElement()
			.isEqualTo(new InputDefinition.ChatLog(List.of("../sample-data/chat-log"),
					Map.of(), ZoneId.of("Europe/Paris"), false));
		assertThat(chatLogs.pricing()).isEqualTo(
				new JobDefinition.Pricing(null, ExportedCostPolicy.RECOMPUTE, UnpricedModelPolicy.REJECT));

		JobDefinition batch = definitions.get(1);
		assertThat(batch.scheduled()).isTrue();
		assertThat(batch.catchUp()).isTrue();
		assertThat(batch.inputs()).singleElement()
			.isEqualTo(new InputDefinition.TogetherBatch(List.of("../sample-data/together-batch/**/*-output.jsonl*"),
					"-input.jsonl", "-errors.jsonl", ZoneId.of("UTC")));
		assertThat(batch.destination())
			.isEqualTo(new JobDefinition.Destination(500, 4, new JobDefinition.RateLimit(2000.0, 10.0)));
		assertThat(batch.limits().maxRejects()).isEqualTo(1000L);

		JobDefinition csv = definitions.get(2);
		assertThat(csv.scheduled()).isFalse();
		assertThat(csv.inputs()).singleElement().isInstanceOfSatisfying(InputDefinition.UsageCsv.class, (input) -> {
			assertThat(input.columns()).isEmpty();
			assertThat(input.latencyUnit()).isEqualTo(LatencyUnit.MILLISECONDS);
		});
		assertThat(csv.pricing().exportedCost()).isEqualTo(ExportedCostPolicy.KEEP);
		assertThat(csv.destination()).isEqualTo(JobDefinition.Destination.DEFAULTS);
	}

	@Test
	void shippedTogetherBatchExampleLoadsAgainstTheRealSampleData() {
		JobDefinition definition = loader.load(REPO.resolve("jobs/together-batch-nightly.yml"));

		assertThat(definition.name()).isEqualTo("together-batch-nightly");
	}

	@Test
	void minimalDefinitionTakesTheDefaults() throws IOException {
		JobDefinition definition = loader.load(write("minimal.yml", """
				name: minimal
				inputs:
				  - format: together-batch
				    paths: [exports]
				"""));

		assertThat(definition.schedule()).isNull();
		assertThat(definition.zone()).isEqualTo(ZoneId.of("UTC"));
		assertThat(definition.catchUp()).isTrue();
		assertThat(definition.maxCatchUp()).isEqualTo(7);
		assertThat(definition.pricing()).isEqualTo(JobDefinition.Pricing.DEFAULTS);
		assertThat(definition.limits().maxRejects()).isNull();
		assertThat(definition.window()).isEqualTo(ImportWindow.NONE);
		assertThat(definition.baseDirectory()).isEqualTo(jobs.toRealPath());
	}

	@Test
	void windowTakesInstantsWithAnOffsetAndDates() throws IOException {
		JobDefinition both = loader.load(write("both.yml", """
				name: both
				inputs: [{format: chat-log, paths: [exports]}]
				window:
				  since: 2025-01-01
				  before: "2025-06-01T14:00:00+02:00"
				"""));
		JobDefinition beforeOnly = loader.load(write("before.yml", """
				name: before
				inputs: [{format: chat-log, paths: [exports]}]
				window: {before: 2025-06-01T00:00:00Z}
				"""));

		assertThat(both.window()).isEqualTo(new ImportWindow(Instant.parse("2025-01-01T00:00:00Z"),
				Instant.parse("2025-06-01T12:00:00Z")));
		assertThat(beforeOnly.window()).isEqualTo(new ImportWindow(null, Instant.parse("2025-06-01T00:00:00Z")));
	}

	@Test
	void windowBoundThatIsNotAnInstantNamesTheField() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{format: chat-log, paths: [exports]}]
				window: {since: "2025-06-01T12:00:00"}
				""");

		assertInvalid(file, "window.since", "'2025-06-01T12:00:00' is not an ISO-8601 instant with an offset or Z",
				"or a date (2025-06-01, meaning 00:00 UTC)");
	}

	@Test
	void windowThatEndsBeforeItStartsNamesTheField() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{format: chat-log, paths: [exports]}]
				window: {since: 2025-06-01, before: "2025-06-01T00:00:00Z"}
				""");

		assertInvalid(file, "window.before",
				"2025-06-01T00:00:00Z is not after window.since (2025-06-01T00:00:00Z); expected a later time");
	}

	@Test
	void windowWithoutABoundOrWithAnUnknownKeyIsRefused() throws IOException {
		assertInvalid(write("x.yml", """
				name: x
				inputs: [{format: chat-log, paths: [exports]}]
				window: {}
				"""), "window", "expected since and/or before");
		assertInvalid(write("y.yml", """
				name: y
				inputs: [{format: chat-log, paths: [exports]}]
				window: {until: 2025-06-01}
				"""), "window.until", "unknown key; allowed keys are since, before");
		assertInvalid(write("z.yml", """
				name: z
				inputs: [{format: chat-log, paths: [exports]}]
				window: {since: 20250601}
				"""), "window.since", "expected an ISO-8601 instant", "got 20250601");
	}

	@Test
	void minFileAgeTakesADurationAndIsZeroWhenAbsent() throws IOException {
		JobDefinition waiting = loader.load(write("waiting.yml", """
				name: waiting
				inputs: [{format: chat-log, paths: [exports]}]
				min-file-age: 5m
				"""));
		JobDefinition iso = loader.load(write("iso.yml", """
				name: iso
				inputs: [{format: chat-log, paths: [exports]}]
				min-file-age: PT90S
				"""));
		JobDefinition any = loader.load(write("any.yml", """
				name: any
				inputs: [{format: chat-log, paths: [exports]}]
				"""));

		assertThat(waiting.minFileAge()).isEqualTo(Duration.ofMinutes(5));
		assertThat(iso.minFileAge()).isEqualTo(Duration.ofSeconds(90));
		assertThat(any.minFileAge()).isZero();
	}

	@Test
	void partitioningRemoteRunsOnWorkersAndIsLocalWhenAbsent() throws IOException {
		JobDefinition remote = loader.load(write("remote.yml", """
				name: remote
				inputs: [{format: chat-log, paths: [exports]}]
				partitioning: remote
				"""));
		JobDefinition local = loader.load(write("local.yml", """
				name: local
				inputs: [{format: chat-log, paths: [exports]}]
				"""));

		assertThat(remote.remote()).isTrue();
		assertThat(local.remote()).isFalse();
		assertThat(local.withRemote().remote()).isTrue();
		assertInvalid(write("x.yml", """
				name: x
				inputs: [{format: chat-log, paths: [exports]}]
				partitioning: cluster
				"""), "partitioning", "'cluster' is not one of local, remote");
	}

	@Test
	void minFileAgeThatIsNotADurationNamesTheField() throws IOException {
		for (String value : List.of("soon", "-1m", "5", "'5'")) {
			assertInvalid(write("x.yml", """
					name: x
					inputs: [{format: chat-log, paths: [exports]}]
					min-file-age: %s
					""".formatted(value)), "min-file-age", "expected a duration such as 30s, 5m or 1h, got");
		}
	}

	@Test
	void unknownKeyNamesTheKeyAndTheAllowedOnes() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs:
				  - format: usage-csv
				    paths: [exports]
				    colums: {model: m}
				""");

		assertInvalid(file, "inputs[0].colums",
				"unknown key for format usage-csv; allowed keys are format, paths, default-zone, columns, latency-unit, line-ids");
	}

	@Test
	void usageCsvColumnsMayBeDeclaredAbsentAndLineIdsAskedFor() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs:
				  - format: usage-csv
				    paths: [exports]
				    columns: {prompt_tokens: "", completion_tokens: "", request_id: Call}
				    line-ids: true
				""");

		assertThat(loader.load(file).inputs()).singleElement()
			.isInstanceOfSatisfying(InputDefinition.UsageCsv.class, (csv) -> {
				assertThat(csv.columns()).containsEntry("prompt_tokens", "").containsEntry("request_id", "Call");
				assertThat(csv.lineIds()).isTrue();
			});

		Path noId = write("y.yml", """
				name: y
				inputs:
				  - format: usage-csv
				    paths: [exports]
				    columns: {request_id: ""}
				""");
		assertInvalid(noId, "inputs[0].columns.request_id", "cannot be mapped to nothing", "line-ids: true");
		Path noModel = write("z.yml", """
				name: z
				inputs:
				  - format: usage-csv
				    paths: [exports]
				    columns: {model: ""}
				""");
		assertInvalid(noModel, "inputs[0].columns.model", "no row can become a log without it");
	}

	@Test
	void unknownTopLevelKey() throws IOException {
		Path file = write("x.yml", """
				name: x
				shedule: "0 0 2 * * *"
				inputs: [{format: chat-log, paths: [exports]}]
				""");

		assertInvalid(file, "shedule", "unknown key; allowed keys are name, schedule, zone, catch-up, max-catch-up, "
				+ "inputs, pricing, destination, limits, window, min-file-age, partitioning");
	}

	@Test
	void badCron() throws IOException {
		Path file = write("x.yml", """
				name: x
				schedule: "30 2 * * *"
				inputs: [{format: chat-log, paths: [exports]}]
				""");

		assertInvalid(file, "schedule", "'30 2 * * *' is not a valid cron expression",
				"expected Spring's 6 fields: second minute hour day-of-month month day-of-week");
	}

	@Test
	void missingInputDirectoryOfAGlob() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{format: together-batch, paths: ["../exprots/**/*-output.jsonl"]}]
				""");

		assertInvalid(file, "inputs[0].paths[0]", "directory " + root.resolve("exprots") + " of '../exprots/**/*-output.jsonl' does not exist",
				"expected an existing directory before the first wildcard");
	}

	@Test
	void missingInputPath() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{format: chat-log, paths: [../exports, ../missing]}]
				""");

		assertInvalid(file, "inputs[0].paths[1]", "'../missing' does not exist",
				"expected an existing file or directory");
	}

	@Test
	void mappingToAnUnknownCanonicalColumn() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs:
				  - format: usage-csv
				    paths: [exports]
				    columns: {latency: duration}
				""");

		assertInvalid(file, "inputs[0].columns.latency", "unknown column 'latency'; expected one of ",
				"latency_ms");
	}

	@Test
	void mappingToAnEmptyName() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs:
				  - format: chat-log
				    paths: [exports]
				    fields: {user: ""}
				""");

		assertInvalid(file, "inputs[0].fields.user", "expected the non-empty name of the field in the file, got ''");
	}

	@Test
	void unknownFormat() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{format: excel, paths: [exports]}]
				""");

		assertInvalid(file, "inputs[0].format", "'excel' is not one of together-batch, chat-log, usage-csv");
	}

	@Test
	void wrongType() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{format: chat-log, paths: [exports]}]
				destination: {concurrency: four}
				""");

		assertInvalid(file, "destination.concurrency", "expected a whole number from 1 to 64, got 'four'");
	}

	@Test
	void wrongTypeOfList() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: {format: chat-log, paths: [exports]}
				""");

		assertInvalid(file, "inputs", "expected a non-empty list, got a mapping");
	}

	@Test
	void missingName() throws IOException {
		Path file = write("x.yml", """
				inputs: [{format: chat-log, paths: [exports]}]
				""");

		assertInvalid(file, "name", "required; expected a non-empty string");
	}

	@Test
	void missingInputs() throws IOException {
		assertInvalid(write("x.yml", "name: x\n"), "inputs", "required; expected a non-empty list");
	}

	@Test
	void missingFormat() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{paths: [exports]}]
				""");

		assertInvalid(file, "inputs[0].format", "required; expected one of together-batch, chat-log, usage-csv");
	}

	@Test
	void missingPaths() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{format: chat-log}]
				""");

		assertInvalid(file, "inputs[0].paths", "required; expected a non-empty list");
	}

	@Test
	void invalidName() throws IOException {
		Path file = write("x.yml", """
				name: Nightly Batch
				inputs: [{format: chat-log, paths: [exports]}]
				""");

		assertInvalid(file, "name", "'Nightly Batch' is not a valid name: use lower-case letters, digits and '-'");
	}

	@Test
	void duplicateNamesAcrossFiles() throws IOException {
		write("a.yml", """
				name: nightly
				inputs: [{format: chat-log, paths: [../exports]}]
				""");
		Path second = write("b.yml", """
				name: nightly
				inputs: [{format: usage-csv, paths: [../exports]}]
				""");

		assertThatExceptionOfType(InvalidJobDefinitionException.class).isThrownBy(() -> loader.loadDirectory(jobs))
			.satisfies((ex) -> assertThat(ex.file()).isEqualTo(second))
			.withMessage(second + ": name: 'nightly' is already the name of " + jobs.resolve("a.yml")
					+ "; names must be unique across " + jobs);
	}

	@Test
	void secretIsRejectedWhereverItIs() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{format: chat-log, paths: [exports]}]
				destination:
				  api-key: kw-0123456789
				""");

		assertInvalid(file, "destination.api-key", "secrets do not belong in a job definition; the Keywords AI "
				+ "API key comes from the environment variable KEYWORDSAI_API_KEY");
		assertThatExceptionOfType(InvalidJobDefinitionException.class).isThrownBy(() -> loader.load(file))
			.withMessageNotContaining("kw-0123456789");
	}

	@Test
	void secretLookingKeysAreRecognisedByWholeWords() {
		assertThat(List.of("api-key", "apiKey", "API_KEY", "apikey", "x-api-key", "token", "access-token",
				"password", "client_secret", "Authorization")).allMatch(JobDefinitionLoader::looksLikeSecret);
		assertThat(List.of("prompt_tokens", "completion_tokens", "total_tokens", "keywords", "max-batch-logs"))
			.noneMatch(JobDefinitionLoader::looksLikeSecret);
	}

	@Test
	void duplicateKeyInOneFile() throws IOException {
		Path file = write("x.yml", """
				name: x
				name: y
				inputs: [{format: chat-log, paths: [exports]}]
				""");

		assertThatExceptionOfType(InvalidJobDefinitionException.class).isThrownBy(() -> loader.load(file))
			.withMessageStartingWith(file + ": line 2: not valid YAML: Duplicate Object property \"name\"");
	}

	@Test
	void valueOutOfItsSet() throws IOException {
		Path file = write("x.yml", """
				name: x
				inputs: [{format: usage-csv, paths: [exports], latency-unit: minutes}]
				pricing: {exported-cost: ignore}
				""");

		assertInvalid(file, "inputs[0].latency-unit", "'minutes' is not one of ms, s");
	}

	@Test
	void badZone() throws IOException {
		Path file = write("x.yml", """
				name: x
				zone: Mars/Olympus
				inputs: [{format: chat-log, paths: [exports]}]
				""");

		assertInvalid(file, "zone", "'Mars/Olympus' is not a time zone");
	}

	@Test
	void emptyFile() throws IOException {
		assertInvalid(write("x.yml", ""), "(top level)", "expected a mapping of keys to values, got nothing");
	}

	private void assertInvalid(Path file, String field, String... expected) {
		assertThatExceptionOfType(InvalidJobDefinitionException.class).isThrownBy(() -> loader.load(file))
			.satisfies((ex) -> {
				assertThat(ex.file()).isEqualTo(file);
				assertThat(ex.field()).isEqualTo(field);
				assertThat(ex.getMessage()).startsWith(file + ": " + field + ": ");
				for (String part : expected) {
					assertThat(ex.getMessage()).contains(part);
				}
			});
	}

	private Path write(String name, String yaml) throws IOException {
		// Relative input paths in these definitions resolve against jobs/: "exports" is jobs/exports.
		Files.createDirectories(jobs.resolve("exports"));
		return Files.writeString(jobs.resolve(name), yaml);
	}

}
