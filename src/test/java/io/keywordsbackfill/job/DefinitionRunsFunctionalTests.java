package io.keywordsbackfill.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.json.JsonMapper;

import io.keywordsbackfill.schedule.JdbcJobLock;
import io.keywordsbackfill.schedule.JobDefinition;
import io.keywordsbackfill.schedule.JobDefinitionLoader;
import io.keywordsbackfill.schedule.ScheduledRunResult;
import io.keywordsbackfill.schedule.Scheduler;
import io.keywordsbackfill.source.FileFingerprint;
import io.keywordsbackfill.source.FileStat;
import io.keywordsbackfill.status.RunQueries;
import io.keywordsbackfill.status.RunSummary;
import io.keywordsbackfill.support.KeywordsAiStub;
import io.keywordsbackfill.support.TogetherBatchFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nights of a job definition run with the import job, against a stub of Keywords AI: each night once, each
 * file once, and one run of a night when two schedulers share the database. Subclasses pick the database.
 */
@SpringBootTest(properties = { "backfill.chunk-size=10", "keywordsai.max-batch-logs=5",
		"keywordsai.retry.initial-delay=5ms", "keywordsai.retry.max-delay=20ms", "keywordsai.retry.budget=2s" })
@SpringBatchTest
abstract class DefinitionRunsFunctionalTests {

	static final KeywordsAiStub keywordsAi = new KeywordsAiStub();

	static final MockWebServer server = ImportJobFunctionalTests.startServer(keywordsAi);

	static final LocalDate NIGHT_1 = LocalDate.parse("2025-03-01");

	static final LocalDate NIGHT_2 = LocalDate.parse("2025-03-02");

	@Autowired
	DefinitionRuns definitionRuns;

	@Autowired
	RunQueries runs;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	DataSource dataSource;

	@Autowired
	JobRepositoryTestUtils jobRepositoryTestUtils;

	@Autowired
	JobRepository jobRepository;

	@TempDir
	Path dir;

	Path inbox;

	JobDefinition definition;

	static void keywordsAiProperties(DynamicPropertyRegistry registry) {
		registry.add("keywordsai.base-url", () -> server.url("/api").toString());
		registry.add("keywordsai.api-key", () -> "kw-test-" + UUID.randomUUID());
	}

	@BeforeEach
	void cleanStateAndDefinition() throws IOException {
		keywordsAi.reset();
		for (String table : List.of("backfill_ledger", "backfill_pending", "backfill_reject", "backfill_step_stats",
				"backfill_run_owner", "backfill_job_lock", "backfill_file_fingerprint")) {
			jdbc.update("DELETE FROM " + table);
		}
		jobRepositoryTestUtils.removeJobExecutions();
		inbox = Files.createDirectories(dir.resolve("inbox"));
		Path jobs = Files.createDirectories(dir.resolve("jobs"));
		Files.writeString(jobs.resolve("nightly.yml"), """
				name: nightly
				schedule: "0 30 2 * * *"
				catch-up: false
				inputs:
				  - format: together-batch
				    paths: ["../inbox"]
				destination:
				  max-batch-logs: 5
				""");
		definition = new JobDefinitionLoader().load(jobs.resolve("nightly.yml"));
	}

	@Test
	void aNightRunsOnceAndItsSecondLaunchSendsNothing() throws Exception {
		Path a = TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 20);

		ScheduledRunResult first = definitionRuns.launch(definition, NIGHT_1);
		int requests = keywordsAi.requests().size();
		ScheduledRunResult second = definitionRuns.launch(definition, NIGHT_1);

		assertThat(first.status()).isEqualTo(ScheduledRunResult.Status.COMPLETED);
		assertThat(second.status()).isEqualTo(ScheduledRunResult.Status.ALREADY_COMPLETED);
		assertThat(second.executionId()).isEqualTo(first.executionId());
		assertThat(keywordsAi.requests()).hasSize(requests);
		assertThat(keywordsAi.storedCounts()).hasSize(20).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(definitionRuns.completed("nightly", NIGHT_1)).isTrue();
		assertThat(definitionRuns.completed("nightly", NIGHT_2)).isFalse();
		assertThat(definitionRuns.completed("other", NIGHT_1)).isFalse();
		assertThat(definitionRuns.lastCompleted("nightly")).contains(NIGHT_1);
		assertThat(definitionRuns.lastCompleted("other")).isEmpty();
		assertThat(definitionRuns.completedFingerprints("nightly")).containsExactly(FileFingerprint.sha256(a));
	}

	@Test
	void theNextNightReadsOnlyTheNewFile() throws Exception {
		Path a = TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 20);
		definitionRuns.launch(definition, NIGHT_1);
		Path b = TogetherBatchFiles.output(inbox.resolve("b.jsonl"), "b", 0, 7);

		ScheduledRunResult second = definitionRuns.launch(definition, NIGHT_2);

		assertThat(second.status()).isEqualTo(ScheduledRunResult.Status.COMPLETED);
		RunSummary summary = runs.find(second.executionId()).orElseThrow();
		assertThat(summary.counts().read()).isEqualTo(7);
		assertThat(summary.counts().sent()).isEqualTo(7);
		assertThat(summary.counts().alreadySent()).isZero();
		assertThat(keywordsAi.storedCounts()).hasSize(27).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(definitionRuns.lastCompleted("nightly")).contains(NIGHT_2);
		assertThat(definitionRuns.completedFingerprints("nightly"))
			.isEqualTo(Set.of(FileFingerprint.sha256(a), FileFingerprint.sha256(b)));
	}

	@Test
	void aDefinitionsWindowLimitsWhatItsNightsSend() throws Exception {
		// given: calls completed at 00:00:00 ... 00:00:19, and a definition that sends those from 00:00:05 to 00:00:15
		Path file = Files.writeString(dir.resolve("jobs").resolve("windowed.yml"), """
				name: windowed
				inputs:
				  - format: together-batch
				    paths: ["../inbox"]
				window: {since: "2025-01-01T00:00:05Z", before: "2025-01-01T00:00:15Z"}
				""");
		JobDefinition windowed = new JobDefinitionLoader().load(file);
		TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 20);

		// when
		ScheduledRunResult night = definitionRuns.launch(windowed, NIGHT_1);

		// then
		assertThat(night.status()).isEqualTo(ScheduledRunResult.Status.COMPLETED);
		assertThat(keywordsAi.storedCounts()).containsOnlyKeys(ImportJobFunctionalTests.sourceIds("a", 5, 15))
			.allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		RunSummary summary = runs.find(night.executionId()).orElseThrow();
		assertThat(summary.counts().sent()).isEqualTo(10);
		assertThat(summary.counts().outsideWindow()).isEqualTo(10);
		assertThat(summary.window()).isEqualTo(new RunSummary.Window("2025-01-01T00:00:05Z", "2025-01-01T00:00:15Z"));
	}

	/** A file still being written when the night looks (modified within min-file-age) waits for a later night. */
	@Test
	void aFileModifiedWithinMinFileAgeIsLeftForALaterNight() throws Exception {
		Path file = Files.writeString(dir.resolve("jobs").resolve("settling.yml"), """
				name: settling
				inputs:
				  - format: together-batch
				    paths: ["../inbox"]
				min-file-age: 1h
				""");
		JobDefinition settling = new JobDefinitionLoader().load(file);
		Path a = TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 5);

		ScheduledRunResult first = definitionRuns.launch(settling, NIGHT_1);

		assertThat(first.status()).isEqualTo(ScheduledRunResult.Status.COMPLETED);
		assertThat(runs.find(first.executionId()).orElseThrow().counts().read()).isZero();
		assertThat(keywordsAi.requests()).isEmpty();

		Files.setLastModifiedTime(a, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
		ScheduledRunResult second = definitionRuns.launch(settling, NIGHT_2);

		assertThat(second.status()).isEqualTo(ScheduledRunResult.Status.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(5).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	@Test
	void aNightWithNoNewFileCompletesHavingReadNothing() throws Exception {
		TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 5);
		definitionRuns.launch(definition, NIGHT_1);
		int requests = keywordsAi.requests().size();

		ScheduledRunResult second = definitionRuns.launch(definition, NIGHT_2);

		assertThat(second.status()).isEqualTo(ScheduledRunResult.Status.COMPLETED);
		assertThat(runs.find(second.executionId()).orElseThrow().counts().read()).isZero();
		assertThat(keywordsAi.requests()).hasSize(requests);
		assertThat(definitionRuns.lastCompleted("nightly")).contains(NIGHT_2);
	}

	/**
	 * Every night fingerprints every file of the definition to find the new ones; an unchanged file is
	 * recognised by its remembered fingerprint (planted here: no hash gives it) instead of being read whole.
	 */
	@Test
	void aNightRecognisesAnUnchangedFileByItsRememberedFingerprint() throws Exception {
		Path a = TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 5);
		FileStat stat = FileStat.of(a).orElseThrow();
		String planted = "f".repeat(64);
		jdbc.update("INSERT INTO backfill_file_fingerprint (path, file_key, size_bytes, modified_ns, changed_ns, sha256, "
				+ "hashed_at) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)", a.toAbsolutePath().normalize().toString(),
				stat.fileKey(), stat.size(), stat.modifiedNanos(), stat.changedNanos(), planted);

		definitionRuns.launch(definition, NIGHT_1);

		assertThat(definitionRuns.completedFingerprints("nightly")).containsExactly(planted);
	}

	/**
	 * A failed night is resumed with its files, at the byte offsets it reached; a file rewritten meanwhile would
	 * have its first records skipped. The night starts over instead, as a new run, and loses nothing.
	 */
	@Test
	void aFailedNightWhoseFileChangedStartsOverAndLosesNothing() throws Exception {
		Path a = TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 20);
		keywordsAi.script(n -> n > 2 ? new MockResponse.Builder().code(500).build() : null);
		ScheduledRunResult failed = definitionRuns.launch(definition, NIGHT_1);
		assertThat(failed.status()).isEqualTo(ScheduledRunResult.Status.FAILED);
		int sentBefore = keywordsAi.storedCounts().size();
		keywordsAi.script(n -> null);
		TogetherBatchFiles.output(a, "b", 0, 30);

		ScheduledRunResult second = definitionRuns.launch(definition, NIGHT_1);

		assertThat(second.status()).isEqualTo(ScheduledRunResult.Status.COMPLETED);
		assertThat(second.executionId()).isNotEqualTo(failed.executionId());
		assertThat(runs.find(second.executionId()).orElseThrow().counts().read()).isEqualTo(30);
		assertThat(keywordsAi.storedCounts()).hasSize(sentBefore + 30).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(definitionRuns.completed("nightly", NIGHT_1)).isTrue();
		assertThat(definitionRuns.completedFingerprints("nightly")).containsExactly(FileFingerprint.sha256(a));
	}

	@Test
	void aDryRunNeitherSendsNorCompletesTheNight() throws Exception {
		TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 5);

		ScheduledRunResult dry = definitionRuns.launch(definition, NIGHT_1, dir.resolve("dry.jsonl"));

		assertThat(dry.status()).isEqualTo(ScheduledRunResult.Status.COMPLETED);
		assertThat(keywordsAi.requests()).isEmpty();
		assertThat(Files.readAllLines(dir.resolve("dry.jsonl"))).isNotEmpty();
		assertThat(definitionRuns.completed("nightly", NIGHT_1)).isFalse();
		assertThat(definitionRuns.completedFingerprints("nightly")).isEmpty();
	}

	@Test
	void twoSchedulersOnOneDatabaseRunTheNightOnce() throws Exception {
		TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 40);
		Clock clock = Clock.fixed(Instant.parse("2025-03-01T03:00:00Z"), ZoneOffset.UTC);
		List<Scheduler> schedulers = new ArrayList<>();
		for (String owner : List.of("scheduler-1", "scheduler-2")) {
			schedulers.add(new Scheduler(List.of(definition), definitionRuns, definitionRuns,
					new JdbcJobLock(dataSource, clock, owner), Duration.ofMinutes(5), clock, Runnable::run));
		}
		CyclicBarrier start = new CyclicBarrier(2);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			List<Future<?>> ticks = new ArrayList<>();
			for (Scheduler scheduler : schedulers) {
				ticks.add(threads.submit(() -> {
					start.await();
					scheduler.tick();
					return null;
				}));
			}
			for (Future<?> tick : ticks) {
				tick.get();
			}
		}
		finally {
			threads.shutdownNow();
		}

		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION", Integer.class)).isEqualTo(1);
		assertThat(jdbc.queryForObject("SELECT STATUS FROM BATCH_JOB_EXECUTION", String.class)).isEqualTo("COMPLETED");
		assertThat(definitionRuns.completed("nightly", NIGHT_1)).isTrue();
		assertThat(keywordsAi.storedCounts()).hasSize(40).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_job_lock", Integer.class)).isZero();
	}

	/**
	 * A definition's destination and price file hold for the nights 'schedule' runs as for those of 'run' (both
	 * launch through DefinitionRuns, which makes them parameters of the run), over the process's configuration.
	 */
	@Test
	void aScheduledNightDeliversAndPricesAsItsDefinitionSays() throws Exception {
		TogetherBatchFiles.output(inbox.resolve("a.jsonl"), "a", 0, 7);
		Path jobs = dir.resolve("jobs");
		Files.writeString(jobs.resolve("prices.yml"), """
				version: "test"
				prices:
				  - model: meta-llama/Llama-3.3-70B-Instruct-Turbo
				    input_per_million_usd: 1000000
				    output_per_million_usd: 0
				    batch_multiplier: 1
				    source: "a price that makes the cost the prompt tokens"
				    checked: 2025-01-01
				""");
		Files.writeString(jobs.resolve("priced.yml"), """
				name: priced
				schedule: "0 30 2 * * *"
				catch-up: false
				inputs:
				  - format: together-batch
				    paths: ["../inbox"]
				pricing:
				  prices-file: prices.yml
				destination:
				  max-batch-logs: 2
				  concurrency: 1
				""");
		JobDefinition priced = new JobDefinitionLoader().load(jobs.resolve("priced.yml"));
		Clock clock = Clock.fixed(Instant.parse("2025-03-01T03:00:00Z"), ZoneOffset.UTC);
		Scheduler scheduler = new Scheduler(List.of(priced), definitionRuns, definitionRuns,
				new JdbcJobLock(dataSource, clock, "scheduler"), Duration.ofMinutes(5), clock, Runnable::run);

		scheduler.tick();

		// then: batches of 2 logs (the process says 5), priced from the definition's file
		assertThat(jdbc.queryForObject("SELECT STATUS FROM BATCH_JOB_EXECUTION", String.class)).isEqualTo("COMPLETED");
		assertThat(keywordsAi.requests()).hasSize(4).allSatisfy(request -> assertThat(
				JsonMapper.builder().build().readTree(request.getBody().utf8()).path("logs").size()).isLessThanOrEqualTo(2));
		assertThat(keywordsAi.stored()).hasSize(7).allSatisfy(log -> assertThat(log.path("cost").decimalValue())
			.isEqualByComparingTo(log.path("prompt_tokens").decimalValue()));
		// and the night's parameters carry what 'run' gives it
		long id = jdbc.queryForObject("SELECT JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION", Long.class);
		ImportParameters params = ImportParameters.from(jobRepository.getJobExecution(id).getJobParameters());
		assertThat(params.settings()).isEqualTo(DefinitionRuns.settings(priced))
			.isEqualTo(new RunSettings(2, 1, null, null, jobs.resolve("prices.yml").toAbsolutePath().normalize()));
	}

}
