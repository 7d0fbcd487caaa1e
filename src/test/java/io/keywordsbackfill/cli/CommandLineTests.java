package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.keywordsbackfill.source.FileFingerprint;
import io.keywordsbackfill.support.EmbeddedH2;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line as a user meets it: arguments in, text and an exit code out. Each test gets its own
 * in-memory H2 job repository through system properties, as a user would set SPRING_DATASOURCE_URL.
 */
class CommandLineTests {

	@TempDir
	Path dir;

	final StringWriter out = new StringWriter();

	final StringWriter err = new StringWriter();

	@BeforeEach
	void ownDatabase() {
		System.setProperty("spring.datasource.url", EmbeddedH2.newDatabaseUrl());
		System.clearProperty("keywordsai.api-key");
	}

	@AfterEach
	void clearProperties() {
		System.clearProperty("spring.datasource.url");
		System.clearProperty("keywordsai.max-batch-logs");
		System.clearProperty("keywordsai.api-key");
		System.clearProperty("backfill.partitions");
	}

	int run(String... args) {
		return CommandLineEntryPoint.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
	}

	@Test
	void aDryRunOfTheSampleCompletesAndStatusShowsIt() throws Exception {
		Path requests = dir.resolve("requests.jsonl");

		int exit = run("import", "--format", "together-batch", "sample-data/together-batch/batch-output.jsonl",
				"--batch-input", "sample-data/together-batch/batch-input.jsonl", "--errors",
				"sample-data/together-batch/batch-errors.jsonl", "--batch-completed-at", "2025-03-13T11:00:00Z",
				"--dry-run", "--out", requests.toString());

		assertThat(exit).as(err.toString()).isEqualTo(0);
		assertThat(out.toString()).contains("COMPLETED").contains("dry run");
		assertThat(Files.readAllLines(requests)).isNotEmpty();

		// the same import again is done already: exit 0, nothing written
		long size = Files.size(requests);
		assertThat(run("import", "--format", "together-batch", "sample-data/together-batch/batch-output.jsonl",
				"--batch-input", "sample-data/together-batch/batch-input.jsonl", "--errors",
				"sample-data/together-batch/batch-errors.jsonl", "--batch-completed-at", "2025-03-13T11:00:00Z",
				"--dry-run", "--out", requests.toString()))
			.isEqualTo(0);
		assertThat(out.toString()).contains("Already imported");
		assertThat(Files.size(requests)).isEqualTo(size);
	}

	/**
	 * An import remembers the fingerprints it computed, for the next run to recognise the files unchanged
	 * without reading them whole. Only files untouched for seconds are remembered: the sample was checked
	 * out before the build.
	 */
	@Test
	void anImportRemembersTheFingerprintsOfItsFiles() throws Exception {
		Path file = Path.of("sample-data/together-batch/batch-output.jsonl");

		assertThat(run("import", "--format", "together-batch", file.toString(), "--dry-run", "--out",
				dir.resolve("requests.jsonl").toString())).as(err.toString()).isZero();

		JdbcTemplate jdbc = new JdbcTemplate(
				new DriverManagerDataSource(System.getProperty("spring.datasource.url"), "sa", ""));
		assertThat(jdbc.queryForList("SELECT sha256 FROM backfill_file_fingerprint WHERE path = ?", String.class,
				file.toAbsolutePath().normalize().toString()))
			.containsExactly(FileFingerprint.sha256(file));
	}

	@Test
	void statusJsonListsRunsForScripts() throws Exception {
		run("import", "--format", "together-batch", "sample-data/together-batch/batch-output.jsonl", "--dry-run",
				"--batch-completed-at", "2025-03-13T11:00:00Z", "--out", dir.resolve("r.jsonl").toString());
		out.getBuffer().setLength(0);

		assertThat(run("status", "--json")).isEqualTo(0);

		JsonNode runs = JsonMapper.builder().build().readTree(out.toString());
		assertThat(runs.isArray()).isTrue();
		assertThat(runs.get(0).path("status").asString()).isEqualTo("COMPLETED");
		assertThat(runs.get(0).path("counts").path("read").asLong()).isEqualTo(11);
		// always in JSON, even when nothing was outside a window (the run had none)
		assertThat(runs.get(0).path("counts").path("outside_window").isIntegralNumber()).isTrue();
		assertThat(runs.get(0).has("window")).isFalse();

		out.getBuffer().setLength(0);
		assertThat(run("status")).isZero();
		assertThat(out.toString()).doesNotContain("OUTSIDE");
	}

	static final String CSV_FIXTURES = "src/test/resources/io/keywordsbackfill/source/";

	@Test
	void aUsageCsvWithoutAnIdColumnIsRefusedBeforeAnyRunStarts() throws Exception {
		Path requests = dir.resolve("requests.jsonl");

		int exit = run("import", "--format", "usage-csv", CSV_FIXTURES + "no-id-column.csv", "--dry-run", "--out",
				requests.toString());

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString()).startsWith("error: no column for request_id (looked for request_id, id, call_id, ")
			.contains("in the header of " + CSV_FIXTURES + "no-id-column.csv: "
					+ "\"Timestamp,Model,Prompt Tokens,Completion Tokens,Latency\"")
			.contains("--column request_id=HEADER")
			.contains("--line-ids");
		assertThat(Files.exists(requests)).isFalse();
		// refused before the job repository was touched: no run, not even a failed one
		out.getBuffer().setLength(0);
		assertThat(run("status", "--json")).isZero();
		assertThat(JsonMapper.builder().build().readTree(out.toString()).isEmpty()).isTrue();
	}

	@Test
	void lineBasedIdsAreUsedOnlyWhenAskedForAndStatusSaysSo() throws Exception {
		Path requests = dir.resolve("requests.jsonl");

		int exit = run("import", "--format", "usage-csv", CSV_FIXTURES + "no-id-column.csv", "--line-ids",
				"--dry-run", "--out", requests.toString(), "--no-progress");

		assertThat(exit).as(err.toString()).isZero();
		assertThat(Files.readString(requests)).contains("\"custom_identifier\":\"usage-csv:");
		out.getBuffer().setLength(0);
		assertThat(run("status", "1")).isZero();
		assertThat(out.toString()).contains("ids").contains("line-based, as asked (--line-ids)");
		out.getBuffer().setLength(0);
		assertThat(run("status", "1", "--json")).isZero();
		assertThat(JsonMapper.builder().build().readTree(out.toString()).path("line_ids").asBoolean()).isTrue();
	}

	@Test
	void aRequestIdHeaderIsTheIdAndLatencyKeepsItsDigits() throws Exception {
		Path requests = dir.resolve("requests.jsonl");

		int exit = run("import", "--format", "usage-csv", CSV_FIXTURES + "request-id-header.csv", "--latency-unit",
				"s", "--dry-run", "--out", requests.toString(), "--no-progress");

		assertThat(exit).as(err.toString()).isZero();
		String body = Files.readString(requests);
		assertThat(body).contains("\"generation_time\":14.6155,")
			.contains("\"custom_identifier\":\"req_9f8e7d6c5b4a\"", "\"together_request_id\":\"req_9f8e7d6c5b4a\"")
			.contains("\"custom_identifier\":\"req_0a1b2c3d4e5f\"")
			.contains("\"timestamp\":\"2025-03-02T09:16:45.500Z\"");
		out.getBuffer().setLength(0);
		assertThat(run("status", "1")).isZero();
		assertThat(out.toString()).doesNotContain("line-based");
	}

	@Test
	void missingTokenColumnsAreRefusedUnlessDeclaredAbsent() throws Exception {
		Path csv = Files.writeString(dir.resolve("calls.csv"),
				"request_id,timestamp,model\nr-1,2025-03-02T09:00:00Z,deepseek-ai/DeepSeek-V3\n");
		Path requests = dir.resolve("requests.jsonl");

		assertThat(run("import", "--format", "usage-csv", csv.toString(), "--dry-run", "--out", requests.toString()))
			.isEqualTo(2);
		assertThat(err.toString()).contains("no column for prompt_tokens").contains("completion_tokens")
			.contains("--column prompt_tokens=HEADER").contains("--column prompt_tokens= ");

		assertThat(run("import", "--format", "usage-csv", csv.toString(), "--column", "prompt_tokens=", "--column",
				"completion_tokens=", "--dry-run", "--out", requests.toString(), "--no-progress"))
			.as(err.toString())
			.isZero();
		assertThat(Files.readString(requests)).contains("\"custom_identifier\":\"r-1\"")
			.doesNotContain("prompt_tokens");
	}

	@Test
	void aColumnMappedToAHeaderThatIsNotThereIsRefused() {
		int exit = run("import", "--format", "usage-csv", "sample-data/usage-csv/usage.csv", "--column",
				"latency_ms=duration", "--dry-run", "--out", dir.resolve("r.jsonl").toString());

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString()).contains("latency_ms is mapped to \"duration\", which is not a column")
			.contains("--column latency_ms=HEADER");
	}

	@Test
	void aMissingApiKeyIsABadUsageNamingTheVariable() {
		int exit = run("import", "--format", "together-batch", "sample-data/together-batch/batch-output.jsonl");

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString()).contains("KEYWORDSAI_API_KEY");
	}

	@Test
	void aWorkerRefusesTheEmbeddedH2DatabaseNamingWhatToSet() {
		int exit = run("worker");

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString()).contains("worker needs the shared PostgreSQL job repository")
			.contains("SPRING_DATASOURCE_URL");
	}

	@Test
	void aRemoteImportRefusesTheEmbeddedH2DatabaseAndADryRun() {
		String[] remote = { "import", "--format", "together-batch", "sample-data/together-batch/batch-output.jsonl",
				"--remote", "--dry-run" };
		assertThat(run(remote)).isEqualTo(2);
		assertThat(err.toString()).contains("--dry-run runs in one process");

		System.setProperty("keywordsai.api-key", "kw-test");
		assertThat(run(Arrays.copyOf(remote, remote.length - 1))).isEqualTo(2);
		assertThat(err.toString()).contains("--remote needs the shared PostgreSQL job repository");
	}

	@Test
	void aMissingFileIsABadUsageNamingTheFile() {
		int exit = run("import", "--format", "together-batch", "no/such/file.jsonl", "--dry-run");

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString()).contains("no/such/file.jsonl");
	}

	@Test
	void anUnknownFormatIsABadUsage() {
		int exit = run("import", "--format", "excel", "sample-data/together-batch/batch-output.jsonl");

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString()).contains("--format");
	}

	@Test
	void aBadWindowBoundIsABadUsageNamingTheOptionAndTheSyntax() {
		int exit = run("import", "--format", "together-batch", "sample-data/together-batch/batch-output.jsonl",
				"--dry-run", "--since", "2025-06-01T12:00:00");

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString())
			.contains("--since: '2025-06-01T12:00:00' is not an ISO-8601 instant with an offset or Z")
			.contains("or a date (2025-06-01, meaning 00:00 UTC)");
		assertThat(out.toString()).isEmpty();
	}

	@Test
	void aWindowThatEndsWhereItStartsIsABadUsageNamingBothOptions() {
		int exit = run("import", "--format", "together-batch", "sample-data/together-batch/batch-output.jsonl",
				"--dry-run", "--since", "2025-06-01", "--before", "2025-06-01T02:00:00+02:00");

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString()).contains("--before: 2025-06-01T00:00:00Z is not after --since 2025-06-01T00:00:00Z")
			.contains("expected a later time");
		assertThat(out.toString()).isEmpty();
	}

	@Test
	void anImportWithAWindowSendsOnlyTheCallsInsideItAndSaysHowManyWereOutside() throws Exception {
		// the sample's calls completed from 10:05:12 to 10:06:28; its error line takes the batch's completion, 11:00
		Path requests = dir.resolve("requests.jsonl");
		String[] args = { "import", "--format", "together-batch", "sample-data/together-batch/batch-output.jsonl",
				"--batch-input", "sample-data/together-batch/batch-input.jsonl", "--errors",
				"sample-data/together-batch/batch-errors.jsonl", "--batch-completed-at",
				"2025-03-13T11:00:00Z", "--before", "2025-03-13T10:06:00Z", "--dry-run", "--out", requests.toString() };

		int exit = run(args);

		assertThat(exit).as(err.toString()).isZero();
		assertThat(out.toString()).contains("window          before 2025-03-13T10:06:00Z")
			.containsPattern("read +12\\n")
			.containsPattern("sent +7 \\(would be sent\\)")
			.containsPattern("outside window +5 ");
		JsonMapper json = JsonMapper.builder().build();
		List<JsonNode> logs = Files.readAllLines(requests).stream().map(json::readTree)
			.flatMap(body -> body.path("logs").valueStream()).toList();
		assertThat(logs).hasSize(7).allSatisfy(log -> assertThat(log.path("timestamp").asString())
			.isLessThan("2025-03-13T10:06:00Z"));

		out.getBuffer().setLength(0);
		assertThat(run("status", "1", "--json")).isZero();
		JsonNode status = json.readTree(out.toString());
		assertThat(status.path("window").path("before").asString()).isEqualTo("2025-03-13T10:06:00Z");
		assertThat(status.path("window").has("since")).isFalse();
		assertThat(status.path("counts").path("outside_window").asLong()).isEqualTo(5);

		out.getBuffer().setLength(0);
		assertThat(run("status")).isZero();
		assertThat(out.toString()).contains("OUTSIDE").containsPattern("REJECTED +OUTSIDE +TOKENS");

		out.getBuffer().setLength(0);
		assertThat(run(args)).isZero();
		assertThat(out.toString()).contains("Already imported: run 1 completed these files with this window "
				+ "(before 2025-03-13T10:06:00Z)");
	}

	@Test
	void anInvalidPropertyFailsAtStartUpNamingIt() {
		System.setProperty("keywordsai.max-batch-logs", "9000");

		int exit = run("status");

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString()).contains("keywordsai.max-batch-logs").doesNotContain("at org.");
	}

	@Test
	void aPoolTooSmallForThePartitionsFailsAtStartUpNamingBothProperties() {
		System.setProperty("backfill.partitions", "15");

		int exit = run("status");

		assertThat(exit).isEqualTo(2);
		assertThat(err.toString()).contains("spring.datasource.hikari.maximum-pool-size is 16")
			.contains("backfill.partitions = 15")
			.doesNotContain("at org.");
	}

	@Test
	void statusOfAnUnknownRunIsABadUsage() {
		assertThat(run("status", "4242")).isEqualTo(2);
		assertThat(err.toString()).contains("no run with id 4242");
	}

	@Test
	void pricingCheckShowsThePriceOfTheDayAndWhereItComesFrom() {
		int exit = run("pricing", "check", "--at", "2024-03-01", "mistralai/Mixtral-8x7B-Instruct-v0.1",
				"no/such-model");

		assertThat(exit).isEqualTo(3);
		assertThat(out.toString()).contains("mistralai/Mixtral-8x7B-Instruct-v0.1 on 2024-03-01: input 0.9")
			.contains("shipped catalog")
			.contains("no/such-model on 2024-03-01: no price");
		out.getBuffer().setLength(0);
		assertThat(run("pricing", "check", "--at", "2025-03-01", "mistralai/Mixtral-8x7B-Instruct-v0.1")).isZero();
		assertThat(out.toString()).contains("input 0.6");
	}

	@Test
	void theApiKeyNeverAppearsInOutput() {
		String key = "kw-secret-" + UUID.randomUUID();
		System.setProperty("keywordsai.api-key", key);
		System.setProperty("keywordsai.max-batch-logs", "0");

		run("status");

		assertThat(out.toString() + err.toString()).doesNotContain(key);
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void withStructuredLoggingEachLogLineIsJsonWithTheRunInItsFields(CapturedOutput output) {
		System.setProperty("logging.structured.format.console", "logstash");
		try {
			int exit = run("import", "--format", "together-batch", "sample-data/together-batch/batch-output.jsonl",
					"--dry-run", "--no-progress", "--batch-completed-at", "2025-03-13T11:00:00Z", "--out",
					dir.resolve("r.jsonl").toString());
			assertThat(exit).as(err.toString()).isZero();
		}
		finally {
			System.clearProperty("logging.structured.format.console");
			// Boot copies the format into this system property, and the logback configuration reads it there
			System.clearProperty("CONSOLE_LOG_STRUCTURED_FORMAT");
		}
		// a context started without it brings the plain pattern back for the tests that follow
		run("status");

		JsonMapper json = JsonMapper.builder().build();
		List<JsonNode> lines = output.getErr().lines().filter(line -> line.startsWith("{\"@timestamp\""))
			.map(json::readTree).toList();
		JsonNode stepEnded = lines.stream().filter(line -> line.path("message").asString().startsWith("Step ended"))
			.findFirst().orElseThrow(() -> new AssertionError("no JSON 'Step ended' line in:\n" + output.getErr()));
		assertThat(stepEnded.path("run").asString()).isEqualTo("1");
		assertThat(stepEnded.path("job").asString()).isEqualTo("import");
		assertThat(stepEnded.path("level").asString()).isEqualTo("INFO");
		assertThat(stepEnded.path("message").asString()).contains("read=11");
	}

	/**
	 * A key Keywords AI rejects: one line that says so and what to do, exit 1 (the run failed, restartable once
	 * the key is fixed), and no stack trace in anything printed or logged. The key is one letter of the
	 * server's message, which must still read whole.
	 */
	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aRejectedApiKeyIsOneClearLineWithoutAStackTrace(CapturedOutput output) throws Exception {
		try (MockWebServer server = new MockWebServer()) {
			server.setDispatcher(new Dispatcher() {
				@Override
				public MockResponse dispatch(RecordedRequest request) {
					return new MockResponse.Builder().code(401)
						.addHeader("Content-Type", "application/json")
						.body("{\"detail\":\"Invalid API key\"}")
						.build();
				}
			});
			server.start();
			System.setProperty("keywordsai.api-key", "k");
			System.setProperty("keywordsai.base-url", server.url("/api").toString());
			try {
				int exit = run("import", "--format", "chat-log", "sample-data/chat-log", "--no-progress");

				assertThat(exit).as(err.toString()).isEqualTo(ExitCodes.FAILED);
			}
			finally {
				System.clearProperty("keywordsai.base-url");
			}
			assertThat(server.getRequestCount()).isPositive();
		}
		String line = "Keywords AI rejected the API key (401): Invalid API key. Check KEYWORDSAI_API_KEY.";
		assertThat(err.toString()).contains("error: " + line);
		assertThat(out.toString()).contains(line);
		String everything = out + "\n" + err + "\n" + output.getAll();
		assertThat(everything).doesNotContain("at io.").doesNotContain("\tat ").doesNotContain("Exception");
	}

}
