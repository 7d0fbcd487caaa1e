package io.keywordsbackfill.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywordsbackfill.support.EmbeddedH2;
import io.keywordsbackfill.support.KeywordsAiStub;
import io.keywordsbackfill.support.TogetherBatchFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run} and {@code schedule} as a user meets them, each test with its own in-memory H2 job repository
 * and a stub of Keywords AI.
 */
class DefinitionCommandsTests {

	static final KeywordsAiStub keywordsAi = new KeywordsAiStub();

	static MockWebServer server;

	@TempDir
	Path dir;

	StringWriter out = new StringWriter();

	StringWriter err = new StringWriter();

	@BeforeAll
	static void startServer() throws IOException {
		server = new MockWebServer();
		server.setDispatcher(keywordsAi);
		server.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@BeforeEach
	void ownDatabaseAndStub() {
		keywordsAi.reset();
		System.setProperty("spring.datasource.url", EmbeddedH2.newDatabaseUrl());
		System.setProperty("keywordsai.base-url", server.url("/api").toString());
		System.setProperty("keywordsai.api-key", "kw-test-" + UUID.randomUUID());
	}

	@AfterEach
	void clearProperties() {
		System.clearProperty("spring.datasource.url");
		System.clearProperty("keywordsai.base-url");
		System.clearProperty("keywordsai.api-key");
	}

	int run(String... args) {
		out = new StringWriter();
		err = new StringWriter();
		return CommandLineEntryPoint.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
	}

	@Test
	void aDryRunOfTheShippedAdHocDefinitionCompletesOncePerDate() throws Exception {
		Path requests = dir.resolve("requests.jsonl");

		int exit = run("run", "jobs/usage-csv-adhoc.yml", "--date", "2025-03-01", "--dry-run", "--out",
				requests.toString(), "--no-progress");

		assertThat(exit).as(err.toString()).isZero();
		assertThat(out.toString()).contains("COMPLETED").contains("usage.csv");
		assertThat(Files.readAllLines(requests)).isNotEmpty();
		assertThat(keywordsAi.requests()).isEmpty();

		assertThat(run("run", "jobs/usage-csv-adhoc.yml", "--date", "2025-03-01", "--dry-run", "--out",
				requests.toString())).isZero();
		assertThat(out.toString()).contains("Already done").contains("usage-csv-adhoc for 2025-03-01");
	}

	@Test
	void eachShippedDefinitionRunsOnTheSampleData() throws Exception {
		for (String definition : List.of("jobs/together-batch-nightly.yml", "jobs/chat-logs-nightly.yml",
				"jobs/usage-csv-adhoc.yml")) {
			Path requests = dir.resolve(definition.replace('/', '-') + ".jsonl");

			int exit = run("run", definition, "--date", "2025-03-01", "--dry-run", "--out", requests.toString(),
					"--no-progress");

			assertThat(exit).as(definition + ": " + err).isIn(0, 3);
			assertThat(out.toString()).as(definition).contains("COMPLETED").doesNotContain("read            0\n");
			assertThat(Files.readAllLines(requests)).as(definition).isNotEmpty();
		}
	}

	@Test
	void anInvalidDefinitionIsABadUsageNamingTheFileAndTheField() throws Exception {
		Path bad = Files.writeString(dir.resolve("bad.yml"), """
				name: bad
				inputs:
				  - format: excel
				    paths: ["."]
				""");

		assertThat(run("run", bad.toString(), "--dry-run")).isEqualTo(2);
		assertThat(err.toString()).contains(bad.toString()).contains("inputs[0].format").contains("excel");
	}

	@Test
	void aDefinitionWhoseCsvHasNoIdColumnIsRefusedNamingTheFileAndTheField() throws Exception {
		Path exports = Files.createDirectories(dir.resolve("exports"));
		Files.copy(Path.of("src/test/resources/io/keywordsbackfill/source/no-id-column.csv"),
				exports.resolve("calls.csv"));
		Path definition = Files.writeString(dir.resolve("calls.yml"), """
				name: calls
				inputs:
				  - format: usage-csv
				    paths: ["exports"]
				""");

		assertThat(run("run", definition.toString(), "--dry-run", "--out", dir.resolve("r.jsonl").toString()))
			.isEqualTo(2);
		assertThat(err.toString()).contains(definition.toString() + ": inputs[0].columns: no column for request_id")
			.contains("calls.csv: \"Timestamp,Model,Prompt Tokens,Completion Tokens,Latency\"")
			.contains("columns: {request_id: HEADER}")
			.contains("line-ids: true");

		Files.writeString(definition, """
				name: calls
				inputs:
				  - format: usage-csv
				    paths: ["exports"]
				    line-ids: true
				""");
		assertThat(run("run", definition.toString(), "--dry-run", "--out", dir.resolve("r.jsonl").toString(),
				"--no-progress"))
			.as(err.toString())
			.isZero();
		assertThat(out.toString()).contains("line-based, as asked");
	}

	@Test
	void scheduleOnceRunsTheDueNightAndTheNextRunFindsNothingNew() throws Exception {
		Path inbox = Files.createDirectories(dir.resolve("inbox"));
		TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 12);
		Path jobs = Files.createDirectories(dir.resolve("jobs"));
		Path definition = Files.writeString(jobs.resolve("nightly.yml"), """
				name: nightly
				schedule: "0 0 0 * * *"
				catch-up: false
				inputs:
				  - format: together-batch
				    paths: ["../inbox"]
				""");

		assertThat(run("schedule", jobs.toString(), "--once")).as(err.toString()).isZero();
		assertThat(keywordsAi.storedCounts()).hasSize(12).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));

		// the night is done: a second scheduler finds nothing due, and another date finds no new file
		int requests = keywordsAi.requests().size();
		assertThat(run("schedule", jobs.toString(), "--once")).isZero();
		assertThat(run("run", definition.toString(), "--date", "2099-01-01", "--no-progress")).as(err.toString())
			.isZero();
		assertThat(out.toString()).contains("Nothing new").contains("COMPLETED");
		assertThat(keywordsAi.requests()).hasSize(requests);
	}

	@Test
	void scheduleOfAMissingDirectoryIsABadUsage() {
		assertThat(run("schedule", dir.resolve("no-such-dir").toString(), "--once")).isEqualTo(2);
		assertThat(err.toString()).contains("no-such-dir");
	}

}
