package io.keywordsbackfill.job;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.keywordsbackfill.source.FileFingerprint;
import io.keywordsbackfill.status.StatusRenderer;
import tools.jackson.databind.json.JsonMapper;
import static org.assertj.core.api.Assertions.offset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

import io.keywordsbackfill.delivery.DeliveryEvents;
import io.keywordsbackfill.delivery.KeywordsAiClient;
import io.keywordsbackfill.delivery.KeywordsAiProperties;
import io.keywordsbackfill.delivery.RejectStore;
import io.keywordsbackfill.delivery.ReplayService;
import io.keywordsbackfill.delivery.RetryPolicy;
import io.keywordsbackfill.mapping.ImportWindow;
import io.keywordsbackfill.source.SourceFile;
import io.keywordsbackfill.status.RunQueries;
import io.keywordsbackfill.status.RunSummary;
import io.keywordsbackfill.support.KeywordsAiStub;
import io.keywordsbackfill.support.TogetherBatchFiles;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import job end to end, against a real HTTP server standing in for Keywords AI. Subclasses run it
 * on each database the job repository supports.
 */
@SpringBootTest(properties = { "backfill.chunk-size=10", "backfill.concurrency=2", "keywordsai.max-batch-logs=5",
		"backfill.partitions=3", "backfill.min-partition-bytes=4KB",
		"keywordsai.retry.initial-delay=5ms", "keywordsai.retry.max-delay=20ms", "keywordsai.retry.budget=3s",
		// reconciliation asks twice without waiting in between: the stand-in lists a log as soon as it stores it
		"backfill.reconcile.settle-time=0s" })
@SpringBatchTest
@ExtendWith(OutputCaptureExtension.class)
abstract class ImportJobFunctionalTests {

	static final String API_KEY = "kw-test-" + UUID.randomUUID();

	static final Path SAMPLE = Path.of("sample-data/together-batch");

	static final KeywordsAiStub keywordsAi = new KeywordsAiStub();

	/** One server for every subclass (each runs on another database); it lives as long as the test JVM. */
	static final MockWebServer server = startServer();

	@Autowired
	ImportLauncher launcher;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	RunQueries runs;

	@Autowired
	RejectStore rejects;

	static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	MeterRegistry meterRegistry;

	@Autowired
	JobRepositoryTestUtils jobRepositoryTestUtils;

	@Autowired
	ReplayService replay;

	@Autowired
	JobRepository jobRepository;

	@Autowired
	KeywordsAiProperties keywordsAiProperties;

	@TempDir
	Path dir;

	static MockWebServer startServer() {
		return startServer(keywordsAi);
	}

	static MockWebServer startServer(KeywordsAiStub stub) {
		MockWebServer server = new MockWebServer();
		server.setDispatcher(stub);
		try {
			server.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return server;
	}

	static void keywordsAiProperties(DynamicPropertyRegistry registry) {
		registry.add("keywordsai.base-url", () -> server.url("/api").toString());
		registry.add("keywordsai.api-key", () -> API_KEY);
	}

	@BeforeEach
	void cleanState() {
		keywordsAi.reset();
		for (String table : List.of("backfill_ledger", "backfill_pending", "backfill_reject", "backfill_step_stats",
				"backfill_run_owner")) {
			jdbc.update("DELETE FROM " + table);
		}
		jobRepositoryTestUtils.removeJobExecutions();
	}

	@Test
	void importsTheSampleBatchWithItsInputAndErrorFiles() throws Exception {
		// when
		LaunchOutcome outcome = launcher.launch(sampleParameters(null));

		// then
		assertThat(outcome.kind()).isEqualTo(LaunchOutcome.Kind.RAN);
		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		long outputLines = nonBlankLines(SAMPLE.resolve("batch-output.jsonl"));
		long errorLines = nonBlankLines(SAMPLE.resolve("batch-errors.jsonl"));
		assertThat(keywordsAi.stored()).hasSize((int) (outputLines + errorLines));
		assertThat(keywordsAi.storedCounts().values()).containsOnly(1);

		JsonNode success = keywordsAi.stored().stream().filter(log -> log.path("status_code").asInt() == 200)
			.findFirst().orElseThrow();
		assertThat(success.path("model").asString()).isNotBlank();
		assertThat(success.path("prompt_messages").isArray()).isTrue();
		assertThat(success.path("prompt_messages").size()).isPositive();
		assertThat(success.path("completion_message").path("role").asString()).isEqualTo("assistant");
		assertThat(success.path("prompt_tokens").isIntegralNumber()).isTrue();
		assertThat(Instant.parse(success.path("timestamp").asString())).isBefore(Instant.parse("2026-01-01T00:00:00Z"));
		assertThat(success.has("generation_time")).isFalse();
		// the source's own ids, verbatim: the request id is what a user searches for, the custom_id beside it
		assertThat(success.path("custom_identifier").asString())
			.isEqualTo(success.path("metadata").path("together_request_id").asString()).isNotBlank();
		assertThat(success.path("metadata").path("together_custom_id").asString()).startsWith("req-");
		assertThat(success.path("metadata").path("backfill_source_id").asString())
			.isEqualTo("together-request:" + success.path("custom_identifier").asString());
		assertThat(success.path("metadata").path("backfill_file").asString()).endsWith("batch-output.jsonl");
		assertThat(success.path("metadata").path("backfill_line").asInt()).isPositive();

		List<JsonNode> failures = keywordsAi.stored().stream().filter(log -> log.path("status_code").asInt() >= 400)
			.toList();
		assertThat(failures).hasSize((int) errorLines);
		assertThat(failures).allSatisfy(log -> assertThat(log.path("error_message").asString()).isNotBlank());
		// an error line has only the user's custom_id
		assertThat(failures).allSatisfy(log -> assertThat(log.path("custom_identifier").asString())
			.isEqualTo(log.path("metadata").path("together_custom_id").asString()).startsWith("req-"));

		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.status()).isEqualTo("COMPLETED");
		assertThat(summary.counts().read()).isEqualTo(outputLines + errorLines);
		assertThat(summary.counts().sent()).isEqualTo(outputLines + errorLines);
		assertThat(summary.counts().rejected()).isZero();
		assertThat(summary.files()).hasSize(3);
		// per model: the logs add up to what was sent, the cost to the run's cost, and the model without a price
		// is reported as such
		assertThat(summary.models().stream().mapToLong(RunSummary.ModelSummary::logs).sum())
			.isEqualTo(summary.counts().sent());
		assertThat(summary.models().stream().map(RunSummary.ModelSummary::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add))
			.isEqualByComparingTo(summary.counts().costUsd());
		assertThat(summary.models()).filteredOn(m -> m.model().equals("google/gemma-2-27b-it"))
			.singleElement()
			.satisfies(m -> assertThat(m.unpriced()).isEqualTo(m.logs()));
	}

	@Test
	void withoutABatchCompletionTimeErrorLinesTakeTheBatchsLatestCompletionAndSaySo() throws Exception {
		ImportParameters params = sampleParameters(null);
		ImportParameters noTime = ImportParameters.togetherBatch(params.inputs().get(0).files().get(0).file(),
				params.inputs().get(0).files().get(0).batchInput(), params.inputs().get(0).files().get(0).errors(), null);

		LaunchOutcome outcome = launcher.launch(noTime);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		String latestSuccess = keywordsAi.stored().stream().filter(log -> log.path("status_code").asInt() == 200)
			.map(log -> Instant.parse(log.path("timestamp").asString()))
			.max(Instant::compareTo)
			.orElseThrow()
			.toString();
		JsonNode error = keywordsAi.stored().stream().filter(log -> log.path("status_code").asInt() >= 400)
			.findFirst()
			.orElseThrow();
		assertThat(error.path("timestamp").asString()).isEqualTo(latestSuccess);
		assertThat(error.path("metadata").path("backfill_timestamp").asString()).contains("latest completion");
		assertThat(keywordsAi.stored()).filteredOn(log -> log.path("status_code").asInt() == 200)
			.allSatisfy(log -> assertThat(log.path("metadata").has("backfill_timestamp")).isFalse());
		assertThat(runs.find(outcome.execution().getId()).orElseThrow().counts().rejected()).isZero();
	}

	@Test
	void theSameFilesAgainAreReportedDoneAndANewRunSendsNothingTwice() throws Exception {
		ImportParameters params = generated(30);
		assertThat(launcher.launch(params).execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		int requestsAfterFirstRun = keywordsAi.requests().size();

		LaunchOutcome again = launcher.launch(params);
		assertThat(again.kind()).isEqualTo(LaunchOutcome.Kind.ALREADY_DONE);

		LaunchOutcome newRun = launcher.launch(withRunId(params));
		assertThat(newRun.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		RunSummary summary = runs.find(newRun.execution().getId()).orElseThrow();
		assertThat(summary.counts().sent()).isZero();
		assertThat(summary.counts().alreadySent()).isEqualTo(30);
		assertThat(keywordsAi.requests()).hasSize(requestsAfterFirstRun);
		assertThat(keywordsAi.storedCounts()).hasSize(30).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	/**
	 * A team that turned on live logging at a cutover imports only what came before it; the same import again is
	 * done; the files without a window later send only the rest.
	 */
	@Test
	void anImportWindowSendsOnlyTheCallsInsideItAndTheSameFilesWithoutItSendTheRest() throws Exception {
		// given: 30 calls completed one second apart from 2025-01-01T00:00:00Z (request ids w-0 ... w-29)
		Path file = TogetherBatchFiles.output(dir.resolve("window.jsonl"), "w", 0, 30);
		Instant cutover = Instant.parse("2025-01-01T00:00:20Z");
		ImportParameters beforeCutover = parameters(file).withWindow(new ImportWindow(null, cutover));
		Map<String, Double> meters = meters();

		// when
		LaunchOutcome first = launcher.launch(beforeCutover);

		// then: the server received the 20 calls before the cutover, once each, and none after it
		assertThat(first.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).containsOnlyKeys(sourceIds("w", 0, 20))
			.allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(keywordsAi.stored()).allSatisfy(log -> assertThat(Instant.parse(log.path("timestamp").asString()))
			.isBefore(cutover));
		RunSummary summary = runs.find(first.execution().getId()).orElseThrow();
		assertThat(summary.counts().read()).isEqualTo(30);
		assertThat(summary.counts().sent()).isEqualTo(20);
		assertThat(summary.counts().outsideWindow()).isEqualTo(10);
		assertThat(summary.counts().rejected()).isZero();
		assertThat(summary.window()).isEqualTo(new RunSummary.Window(null, "2025-01-01T00:00:20Z"));
		assertThat(rejects.findByRun(first.execution().getId())).isEmpty();
		assertThat(meters().get("backfill.records.outside_window")
				- meters.getOrDefault("backfill.records.outside_window", 0.0)).isEqualTo(10.0);
		assertThat(jdbc.queryForObject("SELECT outside_window FROM backfill_runs WHERE run_id = ?", Long.class,
				first.execution().getId())).isEqualTo(10);
		assertThat(jdbc.queryForObject("SELECT PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS WHERE "
				+ "JOB_EXECUTION_ID = ? AND PARAMETER_NAME = 'window.before' AND IDENTIFYING = 'Y'", String.class,
				first.execution().getId())).isEqualTo("2025-01-01T00:00:20Z");

		// when: the same files with the same window
		int requests = keywordsAi.requests().size();
		LaunchOutcome again = launcher.launch(parameters(file).withWindow(new ImportWindow(null, cutover)));

		// then: done already, nothing sent
		assertThat(again.kind()).isEqualTo(LaunchOutcome.Kind.ALREADY_DONE);
		assertThat(again.execution().getId()).isEqualTo(first.execution().getId());
		assertThat(keywordsAi.requests()).hasSize(requests);

		// when: the same files without a window
		LaunchOutcome rest = launcher.launch(parameters(file));

		// then: a new run, which sends only the 10 after the cutover; the ledger drops the 20 sent before
		assertThat(rest.kind()).isEqualTo(LaunchOutcome.Kind.RAN);
		assertThat(rest.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(rest.execution().getJobInstance().getId()).isNotEqualTo(first.execution().getJobInstance().getId());
		RunSummary restSummary = runs.find(rest.execution().getId()).orElseThrow();
		assertThat(restSummary.counts().sent()).isEqualTo(10);
		assertThat(restSummary.counts().alreadySent()).isEqualTo(20);
		assertThat(restSummary.counts().outsideWindow()).isZero();
		assertThat(restSummary.window()).isNull();
		assertThat(keywordsAi.stored().subList(20, 30)).allSatisfy(log -> assertThat(
				Instant.parse(log.path("timestamp").asString())).isAfterOrEqualTo(cutover));
		assertThat(keywordsAi.storedCounts()).containsOnlyKeys(sourceIds("w", 0, 30))
			.allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	@Test
	void aRestartKeepsTheRunsWindow() throws Exception {
		// given: a run of calls since 00:00:15 that failed part way (calls completed at 00:00:00 ... 00:00:39)
		ImportParameters params = parameters(TogetherBatchFiles.output(dir.resolve("since.jsonl"), "s", 0, 40))
			.withWindow(new ImportWindow(Instant.parse("2025-01-01T00:00:15Z"), null));
		LaunchOutcome failed = failedRun(params);

		// when
		LaunchOutcome restarted = launcher.restart(failed.execution().getId(), false);

		// then: exactly the 25 calls inside the window, once each
		assertThat(restarted.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).containsOnlyKeys(sourceIds("s", 15, 40))
			.allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	/** The source ids of the generated calls {@code from} (inclusive) to {@code to} (exclusive). */
	static List<String> sourceIds(String prefix, int from, int to) {
		return IntStream.range(from, to).mapToObj(i -> "together-request:" + prefix + "-" + i).toList();
	}

	@Test
	void anOverlappingExportSendsOnlyTheNewRecords() throws Exception {
		Path lastWeek = TogetherBatchFiles.output(dir.resolve("week1.jsonl"), "w", 0, 40);
		Path thisWeek = TogetherBatchFiles.output(dir.resolve("week2.jsonl"), "w", 25, 40);
		launcher.launch(parameters(lastWeek));

		LaunchOutcome second = launcher.launch(parameters(thisWeek));

		RunSummary summary = runs.find(second.execution().getId()).orElseThrow();
		assertThat(summary.counts().alreadySent()).isEqualTo(15);
		assertThat(summary.counts().sent()).isEqualTo(25);
		assertThat(keywordsAi.storedCounts()).hasSize(65).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	@Test
	void aServerOutageFailsTheRunAndARestartSendsOnlyWhatWasNotSent() throws Exception {
		// given: three partitions; the server accepts 6 requests, then answers 503 until told otherwise
		ImportParameters params = generated(100);
		keywordsAi.script(n -> n > 6 ? new MockResponse.Builder().code(503).body("down").build() : null);

		// when
		LaunchOutcome failed = launcher.launch(params);

		// then
		assertThat(failed.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(keywordsAi.stored()).hasSizeBetween(6, 30);
		assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT STEP_NAME) FROM BATCH_STEP_EXECUTION "
				+ "WHERE STEP_NAME LIKE 'deliver-partition:%'", Long.class)).isEqualTo(3);
		assertThat(runs.find(failed.execution().getId()).orElseThrow().exitMessage()).contains("503");

		// when: the server is back
		keywordsAi.script(n -> null);
		LaunchOutcome resumed = launcher.launch(params);

		// then: every record is stored exactly once
		assertThat(resumed.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(resumed.execution().getJobInstance().getId())
			.isEqualTo(failed.execution().getJobInstance().getId());
		assertThat(keywordsAi.storedCounts()).hasSize(100).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class)).isEqualTo(100);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_pending", Long.class)).isZero();
	}

	/**
	 * Many small files (daily exports) are read a few consecutive files per partition, so that chunks and
	 * batches span files; every record is still sent once.
	 */
	@Test
	void manySmallFilesAreReadByFewerPartitionsThanFilesAndEachRecordIsSentOnce() throws Exception {
		// given: 30 gzipped files of 15 calls, about 500 bytes each
		ImportParameters params = dailyFiles(30, 15);

		// when
		LaunchOutcome outcome = launcher.launch(params);

		// then
		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		long partitions = jdbc.queryForObject("SELECT COUNT(*) FROM BATCH_STEP_EXECUTION "
				+ "WHERE STEP_NAME LIKE 'deliver-partition:%'", Long.class);
		assertThat(partitions).isBetween(3L, 10L);
		// a partition read more than one file
		assertThat(jdbc.queryForObject("SELECT MAX(READ_COUNT) FROM BATCH_STEP_EXECUTION "
				+ "WHERE STEP_NAME LIKE 'deliver-partition:%'", Long.class)).isGreaterThan(15);
		assertThat(keywordsAi.storedCounts()).hasSize(450).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().read()).isEqualTo(450);
		assertThat(summary.counts().sent()).isEqualTo(450);
		assertThat(summary.files()).hasSize(30);
	}

	/**
	 * A run of grouped files that fails part way resumes each partition in the file and at the line where it
	 * stopped: what was read before is not read again, and every record is stored once.
	 */
	@Test
	void aFailedRunOfGroupedFilesResumesInTheFileWhereEachPartitionStopped() throws Exception {
		// given: 12 files of 25 calls, 3 or 4 to a partition; the server accepts 20 requests (of 5 logs), then 503
		ImportParameters params = dailyFiles(12, 25);
		keywordsAi.script(n -> n > 20 ? new MockResponse.Builder().code(503).body("down").build() : null);

		// when
		LaunchOutcome failed = launcher.launch(params);

		// then: 9 or 10 chunks of 10 calls were committed by at most 4 partitions, so one of them at least
		// stopped past its first file
		assertThat(failed.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(partitionCount("WRITE_COUNT", failed.execution().getId(), true)).isBetween(3L, 4L);
		long written = partitionCount("WRITE_COUNT", failed.execution().getId(), false);
		assertThat(written).isBetween(90L, 100L);
		assertThat(jobRepository.getJobExecution(failed.execution().getId()).getStepExecutions())
			.filteredOn(step -> step.getStepName().startsWith(ImportJobConfiguration.PARTITION_STEP_NAME + ":"))
			.anySatisfy(step -> assertThat(step.getExecutionContext().getInt("fileSequence.index", 0)).isPositive());

		// when: the server is back
		keywordsAi.script(n -> null);
		LaunchOutcome resumed = launcher.launch(params);

		// then: only what was not committed is read again; every record is stored once
		assertThat(resumed.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(resumed.execution().getJobInstance().getId()).isEqualTo(failed.execution().getJobInstance().getId());
		assertThat(partitionCount("READ_COUNT", resumed.execution().getId(), false)).isEqualTo(300 - written);
		assertThat(keywordsAi.storedCounts()).hasSize(300).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class)).isEqualTo(300);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_pending", Long.class)).isZero();
	}

	/** The sum of a count column over the run's partitions, or (with {@code steps}) how many there are. */
	long partitionCount(String column, long jobExecutionId, boolean steps) {
		return jdbc.queryForObject("SELECT " + (steps ? "COUNT(*)" : "SUM(" + column + ")")
				+ " FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ? AND STEP_NAME LIKE 'deliver-partition:%'",
				Long.class, jobExecutionId);
	}

	/** {@code files} gzipped output files of {@code calls} calls each, with ids unique to each file. */
	ImportParameters dailyFiles(int files, int calls) throws IOException {
		List<ImportParameters.InputFile> inputFiles = new java.util.ArrayList<>();
		for (int i = 0; i < files; i++) {
			Path plain = TogetherBatchFiles.output(dir.resolve(String.format("day-%02d.jsonl", i)),
					String.format("day%02d", i), 0, calls);
			Path gzipped = dir.resolve(plain.getFileName() + ".gz");
			try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gzipped))) {
				out.write(Files.readAllBytes(plain));
			}
			inputFiles.add(ImportParameters.InputFile.of(SourceFile.of(gzipped)));
		}
		return ImportParameters.adHoc(new ImportParameters.Input("together-batch", InputOptions.NONE, inputFiles), null);
	}

	@Test
	void restartOfAnUnknownIdIsRefusedNamingIt() throws Exception {
		LaunchOutcome outcome = launcher.restart(987_654, false);

		assertThat(outcome.kind()).isEqualTo(LaunchOutcome.Kind.REFUSED);
		assertThat(outcome.message()).isEqualTo("no run with id 987654");
		assertThat(keywordsAi.requests()).isEmpty();
	}

	@Test
	void restartByIdContinuesAFailedRun() throws Exception {
		LaunchOutcome failed = failedRun(generated(20));

		LaunchOutcome restarted = launcher.restart(failed.execution().getId(), false);

		assertThat(restarted.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(20).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	/**
	 * A run resumes each file at a byte offset: in a file rewritten since, that would skip or split records. So
	 * the restart is refused, naming the file, and sends nothing.
	 */
	@Test
	void restartOfARunWhoseFileChangedIsRefusedNamingTheFile() throws Exception {
		ImportParameters params = generated(20);
		LaunchOutcome failed = failedRun(params);
		int requests = keywordsAi.requests().size();
		Path file = params.allFiles().get(0).path();
		TogetherBatchFiles.output(file, "rewritten", 0, 25);

		LaunchOutcome restarted = launcher.restart(failed.execution().getId(), false);

		assertThat(restarted.kind()).isEqualTo(LaunchOutcome.Kind.REFUSED);
		assertThat(restarted.message()).contains(file.toString()).contains("changed since the run read it")
			.contains("Import the file again");
		assertThat(keywordsAi.requests()).hasSize(requests);
	}

	/**
	 * A file still being written when the run reads it (here: appended to when the first request arrives)
	 * stops the run, naming it, rather than completing with records of two versions under one fingerprint.
	 * Imported again once complete, every record is stored exactly once.
	 */
	@Test
	void aFileWrittenWhileItIsReadFailsTheRunAndImportingItAgainLosesNothing() throws Exception {
		Path file = TogetherBatchFiles.output(dir.resolve("growing.jsonl"), "growing", 0, 100);
		ImportParameters params = parameters(file);
		keywordsAi.script(n -> {
			if (n == 1) {
				appendOutput(file, "growing", 100, 20);
			}
			return null;
		});

		LaunchOutcome failed = launcher.launch(params);

		assertThat(failed.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
		RunSummary run = runs.find(failed.execution().getId()).orElseThrow();
		assertThat(run.exitMessage()).startsWith("FileChangedException: " + file + " changed while it was read (size ");
		assertThat(StatusRenderer.detail(run)).contains("import it again").doesNotContain("restart");
		assertThat(keywordsAi.stored()).hasSizeLessThan(100);

		keywordsAi.script(n -> null);
		LaunchOutcome again = launcher.launch(parameters(file));

		assertThat(again.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(120).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_pending", Long.class)).isZero();
	}

	/**
	 * Two files of one run with the same calls, read by two partitions at once (overlapping exports): the batch
	 * with the shared ids is held by the server until the other partition has sent, so both have looked in the
	 * ledger before either committed. Each call is still stored once; the second copy is a reject.
	 */
	@Test
	void twoPartitionsHoldingTheSameCallsAtOnceSendEachCallOnce() throws Exception {
		Path first = dir.resolve("first.jsonl");
		Files.writeString(first, IntStream.concat(IntStream.range(0, 5), IntStream.range(20, 25))
			.mapToObj((i) -> TogetherBatchFiles.outputLine("same", i) + "\n").collect(Collectors.joining()));
		Path second = TogetherBatchFiles.output(dir.resolve("second.jsonl"), "same", 0, 10);
		Set<String> filesSent = ConcurrentHashMap.newKeySet();
		CountDownLatch bothSent = new CountDownLatch(1);
		keywordsAi.scriptRequests(request -> {
			JsonNode logs = JSON.readTree(request.getBody().utf8()).path("logs");
			filesSent.add(logs.path(0).path("metadata").path("backfill_file").asString());
			if (filesSent.size() == 2) {
				bothSent.countDown();
			}
			boolean shared = false;
			for (JsonNode log : logs) {
				shared |= log.path("custom_identifier").asString().equals("same-0");
			}
			if (shared) {
				try {
					bothSent.await(30, TimeUnit.SECONDS); // bounded only so that a regression fails instead of hanging
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return null;
		});
		ImportParameters params = ImportParameters.adHoc(new ImportParameters.Input("together-batch", InputOptions.NONE,
				List.of(ImportParameters.InputFile.of(SourceFile.of(first)), ImportParameters.InputFile.of(SourceFile.of(second)))),
				null);

		LaunchOutcome outcome = launcher.launch(params);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT STEP_NAME) FROM BATCH_STEP_EXECUTION "
				+ "WHERE STEP_NAME LIKE 'deliver-partition:%'", Long.class)).isEqualTo(2);
		assertThat(keywordsAi.storedCounts()).hasSize(15).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		// the five calls in both files are the same records: counted once as duplicates in the source, not rejected
		assertThat(rejects.findByRun(outcome.execution().getId())).isEmpty();
		assertThat(runs.find(outcome.execution().getId()).orElseThrow().counts().sourceDuplicates()).isEqualTo(5);
	}

	@Test
	void aCustomIdTwiceInOneBatchFileIsSentOnceAndADifferentResponseUnderItIsRejectedNamingBothLines() throws Exception {
		Path output = dir.resolve("batch-output.jsonl");
		Files.copy(Path.of("src/test/resources/io/keywordsbackfill/job/batch-output-repeated-custom-id.jsonl"), output);

		LaunchOutcome outcome = launcher.launch(parameters(output));

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.stored()).extracting(log -> log.path("custom_identifier").asString())
			.containsExactlyInAnyOrder("req-1", "req-2", "req-3");
		assertThat(keywordsAi.stored()).filteredOn(log -> log.path("custom_identifier").asString().equals("req-1"))
			.singleElement()
			.satisfies(log -> assertThat(log.path("completion_message").path("content").asString()).isEqualTo("Paris."));
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().read()).isEqualTo(5);
		assertThat(summary.counts().sent()).isEqualTo(3);
		// line 5 repeats line 2 exactly: counted once, neither sent nor rejected
		assertThat(summary.counts().sourceDuplicates()).isEqualTo(1);
		assertThat(rejects.findByRun(outcome.execution().getId())).singleElement().satisfies(reject -> {
			assertThat(reject.line()).isEqualTo(3);
			assertThat(reject.reason()).isEqualTo("duplicate_source_id");
			assertThat(reject.message()).contains(output + ":1", output + ":3", "different content");
			assertThat(reject.payload()).contains("Lyon.");
		});
	}

	@Test
	void aCallRepeatedAcrossFilesOfOneRunIsCountedOnceWhenIdenticalAndRejectedWhenItDiffers() throws Exception {
		Path monday = TogetherBatchFiles.output(dir.resolve("monday.jsonl"), "rep", 0, 30);
		Path tuesday = dir.resolve("tuesday.jsonl");
		// the last ten calls of Monday again, then one of them with another answer, then five new ones
		Files.writeString(tuesday, IntStream.range(20, 30)
			.mapToObj(i -> TogetherBatchFiles.outputLine("rep", i) + "\n").collect(Collectors.joining())
				+ TogetherBatchFiles.outputLine("rep", 25).replace("answer 25", "another answer") + "\n"
				+ IntStream.range(30, 35).mapToObj(i -> TogetherBatchFiles.outputLine("rep", i) + "\n")
					.collect(Collectors.joining()));
		ImportParameters params = ImportParameters.adHoc(new ImportParameters.Input("together-batch", InputOptions.NONE,
				List.of(ImportParameters.InputFile.of(SourceFile.of(monday)), ImportParameters.InputFile.of(SourceFile.of(tuesday)))),
				null);

		LaunchOutcome outcome = launcher.launch(params);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(35).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().read()).isEqualTo(46);
		assertThat(summary.counts().sent()).isEqualTo(35);
		assertThat(summary.counts().sourceDuplicates()).isEqualTo(10);
		assertThat(summary.counts().alreadySent()).isZero();
		// Monday's and Tuesday's partitions run at once, so either identical copy may be the one delivered; the
		// reject names that one
		JsonNode delivered = keywordsAi.stored().stream()
			.filter(log -> log.path("custom_identifier").asString().equals("rep-25")).findFirst().orElseThrow();
		String deliveredAt = delivered.path("metadata").path("backfill_file").asString() + ":"
				+ delivered.path("metadata").path("backfill_line").asLong();
		assertThat(deliveredAt).isIn(monday + ":26", tuesday + ":6");
		assertThat(rejects.findByRun(outcome.execution().getId())).singleElement().satisfies(reject -> {
			assertThat(reject.reason()).isEqualTo("duplicate_source_id");
			assertThat(reject.file()).isEqualTo(tuesday.toString());
			assertThat(reject.line()).isEqualTo(11);
			assertThat(reject.message()).contains("at " + deliveredAt + " with different content", tuesday + ":11");
		});
	}

	@Test
	void theSameCallInABatchFileAndAUsageCsvIsSentOnce() throws Exception {
		Path output = TogetherBatchFiles.output(dir.resolve("batch-output.jsonl"), "call", 0, 3);
		Path csv = dir.resolve("usage.csv");
		Files.writeString(csv, "timestamp,request_id,model,prompt_tokens,completion_tokens\n"
				+ "2025-01-01T00:00:00Z,call-1,meta-llama/Llama-3.3-70B-Instruct-Turbo,10,3\n"
				+ "2025-01-01T00:00:01Z,call-9,meta-llama/Llama-3.3-70B-Instruct-Turbo,10,3\n");
		launcher.launch(parameters(output));

		LaunchOutcome outcome = launcher.launch(ImportParameters.adHoc(new ImportParameters.Input("usage-csv",
				InputOptions.NONE, List.of(ImportParameters.InputFile.of(SourceFile.of(csv)))), null));

		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().alreadySent()).isEqualTo(1);
		assertThat(summary.counts().sent()).isEqualTo(1);
		assertThat(keywordsAi.storedCounts()).containsOnlyKeys("together-request:call-0", "together-request:call-1",
				"together-request:call-2", "together-request:call-9")
			.allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	static void appendOutput(Path file, String prefix, int from, int count) {
		try {
			StringBuilder lines = new StringBuilder();
			for (int i = from; i < from + count; i++) {
				lines.append(TogetherBatchFiles.outputLine(prefix, i)).append('\n');
			}
			Files.writeString(file, lines, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void restartOfARunWhoseFileIsGoneIsRefused() throws Exception {
		ImportParameters params = generated(20);
		LaunchOutcome failed = failedRun(params);
		Path file = params.allFiles().get(0).path();
		Files.delete(file);

		LaunchOutcome restarted = launcher.restart(failed.execution().getId(), false);

		assertThat(restarted.kind()).isEqualTo(LaunchOutcome.Kind.REFUSED);
		assertThat(restarted.message()).contains(file + " is gone");
	}

	@Test
	void honoursRetryAfterOnA429() throws Exception {
		ImportParameters params = generated(5);
		keywordsAi.script(n -> n == 1 ? new MockResponse.Builder().code(429).addHeader("Retry-After", "2")
			.body("{\"detail\":\"slow down\"}").build() : null);

		LaunchOutcome outcome = launcher.launch(params);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		List<Long> arrivals = keywordsAi.arrivalNanos();
		assertThat(arrivals).hasSize(2);
		// the gap measured by the server's own clock: at least the two seconds it asked for
		assertThat(arrivals.get(1) - arrivals.get(0)).isGreaterThanOrEqualTo(2_000_000_000L);
		RunSummary.Counts counts = runs.find(outcome.execution().getId()).orElseThrow().counts();
		assertThat(counts.retries()).isEqualTo(1);
		assertThat(counts.waitMillis()).isGreaterThanOrEqualTo(2000);
		assertThat(keywordsAi.storedCounts()).hasSize(5);
	}

	@Test
	void retriesA500AndADroppedConnection() throws Exception {
		ImportParameters params = generated(5);
		keywordsAi.script(n -> switch (n) {
			case 1 -> new MockResponse.Builder().code(500).body("oops").build();
			case 2 -> new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
			default -> null;
		});

		LaunchOutcome outcome = launcher.launch(params);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		// the dropped connection's request never got to storing the logs: reconciliation asked twice, found
		// nothing, and the batch was sent again
		assertThat(keywordsAi.requests()).filteredOn(r -> r.getUrl().encodedPath().equals(KeywordsAiStub.BATCH_PATH))
			.hasSize(3)
			.allSatisfy(r -> assertThat(r.getBody().utf8()).contains("\"logs\""));
		assertThat(keywordsAi.requests()).filteredOn(r -> r.getUrl().encodedPath().equals(KeywordsAiStub.LIST_PATH))
			.hasSize(2);
		assertThat(runs.find(outcome.execution().getId()).orElseThrow().counts().retries()).isEqualTo(2);
		assertThat(keywordsAi.storedCounts()).hasSize(5).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	@Test
	void aRejectedApiKeyFailsTheRunAtOnceAndRejectsNothing(CapturedOutput output) throws Exception {
		ImportParameters params = generated(25);
		keywordsAi.script(n -> new MockResponse.Builder().code(401).body("{\"detail\":\"Invalid API key\"}").build());

		LaunchOutcome outcome = launcher.launch(params);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
		// only the requests already in flight (the concurrency limit, 2) when the first 401 came back
		assertThat(keywordsAi.requests()).hasSizeLessThanOrEqualTo(2);
		assertThat(keywordsAi.requests()).allSatisfy(r -> assertThat(r.getHeaders().get("Authorization"))
			.isEqualTo("Bearer " + API_KEY));
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.exitMessage()).contains("KEYWORDSAI_API_KEY").doesNotContain(API_KEY);
		assertThat(rejects.findByRun(outcome.execution().getId())).isEmpty();
		assertThat(summary.counts().sent()).isZero();
		assertNoTableHoldsTheKey();
		assertThat(output.getAll()).doesNotContain(API_KEY);
	}

	@Test
	void perRecordRejectionsAreStoredWithTheServersMessage() throws Exception {
		ImportParameters params = generated(5);
		keywordsAi.script(n -> n == 1 ? new MockResponse.Builder().code(207)
			.body("{\"results\":[{\"id\":\"log_1\",\"status\":\"success\"},"
					+ "{\"status\":\"error\",\"error\":\"prompt_tokens must be an integer\"},"
					+ "{\"id\":\"log_3\",\"status\":\"success\"},{\"id\":\"log_4\",\"status\":\"success\"},"
					+ "{\"status\":\"failed\",\"message\":\"model is required\"}]}")
			.build() : null);

		LaunchOutcome outcome = launcher.launch(params);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		List<RejectStore.StoredReject> stored = rejects.findByRun(outcome.execution().getId());
		assertThat(stored).extracting(RejectStore.StoredReject::reason).containsOnly("api_rejected");
		assertThat(stored).extracting(RejectStore.StoredReject::message)
			.containsExactlyInAnyOrder("prompt_tokens must be an integer", "model is required");
		assertThat(stored).extracting(RejectStore.StoredReject::statusCode).containsOnly(207);
		assertThat(stored).extracting(RejectStore.StoredReject::line).containsExactlyInAnyOrder(2L, 5L);
		assertThat(stored).allSatisfy(r -> assertThat(r.payload()).contains("\"custom_identifier\""));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class)).isEqualTo(3);
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().sent()).isEqualTo(3);
		assertThat(summary.counts().rejected()).isEqualTo(2);
		assertThat(summary.rejectReasons()).containsExactly(Map.entry("api_rejected", 2L));
	}

	@Test
	void malformedLinesAreRejectedWithFileLineAndReasonAndTheRestIsDelivered() throws Exception {
		Path file = dir.resolve("mixed.jsonl");
		Files.writeString(file, String.join("\n", TogetherBatchFiles.outputLine("m", 1), "this is not json",
				"{\"response\":{\"body\":{}}}", "", TogetherBatchFiles.outputLine("m", 2),
				"{\"custom_id\":\"req-9\"}", "[1,2,3]", TogetherBatchFiles.outputLine("m", 3)) + "\n",
				StandardCharsets.UTF_8);

		LaunchOutcome outcome = launcher.launch(parameters(file));

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(3);
		List<RejectStore.StoredReject> stored = rejects.findByRun(outcome.execution().getId());
		assertThat(stored).extracting(RejectStore.StoredReject::line, RejectStore.StoredReject::reason)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(2L, "malformed_json"),
					org.assertj.core.groups.Tuple.tuple(3L, "missing_field"),
					org.assertj.core.groups.Tuple.tuple(6L, "missing_field"),
					org.assertj.core.groups.Tuple.tuple(7L, "not_an_object"));
		assertThat(stored).allSatisfy(r -> assertThat(r.file()).isEqualTo(file.toString()));
		assertThat(stored).allSatisfy(r -> assertThat(r.message()).isNotBlank());
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().sent()).isEqualTo(3);
		assertThat(summary.counts().rejected()).isEqualTo(4);
	}

	@Test
	void aDryRunWritesTheRequestBodiesAndSendsNothing() throws Exception {
		Path out = dir.resolve("dry.jsonl");
		ImportParameters params = sampleParameters(null);
		ImportParameters dry = params.withDryRun(out);

		LaunchOutcome outcome = launcher.launch(dry);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.requests()).isEmpty();
		List<String> bodies = Files.readAllLines(out);
		assertThat(bodies).isNotEmpty().allSatisfy(body -> assertThat(body).startsWith("{\"logs\":["));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class)).isZero();
		assertThat(String.join("\n", bodies)).doesNotContain(API_KEY);
	}

	@Test
	void aStoppedRunEndsAfterItsChunkAndARestartCompletesIt() throws Exception {
		// given: the third request asks the run to stop, as SIGTERM does
		ImportParameters params = generated(60);
		keywordsAi.script(n -> {
			if (n == 3) {
				launcher.stopCurrent();
			}
			return null;
		});

		// when
		LaunchOutcome stopped = launcher.launch(params);

		// then
		assertThat(stopped.execution().getStatus()).isEqualTo(BatchStatus.STOPPED);
		assertThat(keywordsAi.stored()).hasSizeLessThan(60);

		keywordsAi.script(n -> null);
		LaunchOutcome restarted = launcher.restart(stopped.execution().getId(), false);
		assertThat(restarted.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(60).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	/**
	 * A stop while a request waits to be retried (SIGTERM during an outage) ends the wait: the run is STOPPED at
	 * once, quietly, instead of after the retry budget, and a restart sends every record once.
	 */
	@Test
	void aStopDuringARetryWaitStopsTheRunAtOnceAndARestartCompletesIt(CapturedOutput output) throws Exception {
		// given: every request fails, and the first failure asks the run to stop before the client waits to retry
		ImportParameters params = generated(30);
		AtomicInteger stops = new AtomicInteger();
		keywordsAi.script(n -> {
			if (stops.getAndIncrement() == 0) {
				launcher.stopCurrent();
			}
			return new MockResponse.Builder().code(503).body("{\"message\":\"overloaded\"}").build();
		});

		// when
		LaunchOutcome stopped = launcher.launch(params);

		// then: stopped, not failed when the retry budget ran out
		assertThat(stopped.execution().getStatus()).isEqualTo(BatchStatus.STOPPED);
		assertThat(stopped.execution().getAllFailureExceptions())
			.noneMatch(t -> t instanceof io.keywordsbackfill.delivery.TransientDeliveryException);
		assertThat(output.getAll()).doesNotContain("DeliveryStoppedException").doesNotContain("JobInterruptedException");

		keywordsAi.script(n -> null);
		LaunchOutcome restarted = launcher.restart(stopped.execution().getId(), false);
		assertThat(restarted.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(30).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	@Test
	void aRunLeftStartedByADeadProcessIsRecoveredAndResumedByTheSameImport() throws Exception {
		// given: a run that failed half way, then made to look as if its process was killed while running
		ImportParameters params = generated(40);
		keywordsAi.script(n -> n > 2 ? new MockResponse.Builder().code(503).build() : null);
		LaunchOutcome failed = launcher.launch(params);
		long id = failed.execution().getId();
		long deadPid = deadProcessId();
		jdbc.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STARTED', EXIT_CODE = 'UNKNOWN', END_TIME = NULL "
				+ "WHERE JOB_EXECUTION_ID = ?", id);
		jdbc.update("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'STARTED', END_TIME = NULL WHERE JOB_EXECUTION_ID = ?", id);
		jdbc.update("UPDATE backfill_run_owner SET pid = ? WHERE job_execution_id = ?", deadPid, id);

		// when
		keywordsAi.script(n -> null);
		LaunchOutcome resumed = launcher.launch(params);

		// then
		assertThat(resumed.kind()).isEqualTo(LaunchOutcome.Kind.RAN);
		assertThat(resumed.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(40).allSatisfy((sourceId, n) -> assertThat(n).isEqualTo(1));
	}

	@Test
	void aRunStartedByALiveProcessIsNotTakenOver() throws Exception {
		ImportParameters params = generated(20);
		keywordsAi.script(n -> new MockResponse.Builder().code(503).build());
		long id = launcher.launch(params).execution().getId();
		jdbc.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STARTED', END_TIME = NULL WHERE JOB_EXECUTION_ID = ?", id);
		int requests = keywordsAi.requests().size();

		LaunchOutcome refused = launcher.launch(params);

		// this test's own process owns the run, and it is alive
		assertThat(refused.kind()).isEqualTo(LaunchOutcome.Kind.REFUSED);
		assertThat(refused.message()).contains("still STARTED").contains("pid " + ProcessHandle.current().pid());
		assertThat(keywordsAi.requests()).hasSize(requests);
	}

	/**
	 * A marker written before custom identifiers and timestamps were recorded cannot be looked up: its logs take the
	 * fallback, {@code resend}.
	 */
	@Test
	void logsLeftInFlightThatCannotBeLookedUpAreSentAgainAndCounted() throws Exception {
		// given: a killed run left two logs in flight (their answer never committed)
		Path file = TogetherBatchFiles.output(dir.resolve("doubt.jsonl"), "d", 0, 10);
		jdbc.update("INSERT INTO backfill_pending (batch_id, job_execution_id, logs, source_ids, created_at) "
				+ "VALUES ('b-1', 999, 2, '[\"together-request:d-3\",\"together-request:d-7\"]', CURRENT_TIMESTAMP)");

		// when
		LaunchOutcome outcome = launcher.launch(parameters(file));

		// then: none lost (backfill.reconcile.fallback=resend); the two are counted as possible duplicates
		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(10).containsKeys("together-request:d-3", "together-request:d-7");
		assertThat(rejects.findByRun(outcome.execution().getId())).isEmpty();
		assertThat(jdbc.queryForObject("SELECT SUM(resent_in_doubt) FROM backfill_step_stats WHERE job_execution_id = ?",
				Long.class, outcome.execution().getId())).isEqualTo(2);
		assertThat(runs.find(outcome.execution().getId()).orElseThrow().resentInDoubt()).isEqualTo(2);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_pending", Long.class)).isZero();
	}

	/** A killed run left logs 3 and 7 in flight; Keywords AI had stored 3 before the kill, not 7. */
	void killedRunLeftTwoLogsInFlightOfWhichOneArrived() {
		keywordsAi.storeDirectly("{\"custom_identifier\":\"together-request:d-3\",\"timestamp\":\""
				+ Instant.ofEpochSecond(1735689600 + 3) + "\",\"metadata\":{\"backfill_source_id\":\"together-request:d-3\"}}");
		jdbc.update("INSERT INTO backfill_pending (batch_id, job_execution_id, logs, source_ids, custom_identifiers, "
				+ "log_timestamps, created_at) VALUES ('b-1', 999, 2, ?, ?, ?, CURRENT_TIMESTAMP)",
				"[\"together-request:d-3\",\"together-request:d-7\"]", "[\"together-request:d-3\",\"together-request:d-7\"]",
				"[\"" + Instant.ofEpochSecond(1735689600 + 3) + "\",\"" + Instant.ofEpochSecond(1735689600 + 7) + "\"]");
	}

	@Test
	void logsInDoubtThatKeywordsAiStoresAreNotSentAgain() throws Exception {
		// given
		Path file = TogetherBatchFiles.output(dir.resolve("doubt.jsonl"), "d", 0, 10);
		killedRunLeftTwoLogsInFlightOfWhichOneArrived();

		// when
		LaunchOutcome outcome = launcher.launch(parameters(file));

		// then: each log stored once; the one found is in the ledger, already sent, and counted as reconciled
		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(10).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().sent()).isEqualTo(9);
		assertThat(summary.counts().alreadySent()).isEqualTo(1);
		assertThat(summary.reconciledInDoubt()).isEqualTo(1);
		assertThat(summary.resentInDoubt()).isEqualTo(1);
		assertThat(summary.leftInDoubt()).isZero();
		assertThat(StatusRenderer.detail(summary)).contains("1 found stored in Keywords AI (not sent again), 1 resent, "
				+ "0 left in doubt");
		assertThat(jdbc.queryForObject("SELECT log_id FROM backfill_ledger WHERE source_id = 'together-request:d-3'",
				String.class)).isEqualTo("u-together-request:d-3");
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_pending", Long.class)).isZero();
		// the question named both identifiers, within the logs' own time (not the endpoint's default last hour)
		RecordedRequest question = keywordsAi.requests().stream()
			.filter(r -> r.getUrl().encodedPath().equals(KeywordsAiStub.LIST_PATH)).findFirst().orElseThrow();
		assertThat(question.getBody().utf8()).contains("together-request:d-3", "together-request:d-7");
		assertThat(Instant.parse(question.getUrl().queryParameter("start_time"))).isBefore(Instant.ofEpochSecond(1735689603));
	}

	@Test
	void withoutTheListEndpointLogsInDoubtFallBackToResendWithOneWarning(CapturedOutput output) throws Exception {
		// given: the plan has no list endpoint
		Path file = TogetherBatchFiles.output(dir.resolve("doubt.jsonl"), "d", 0, 10);
		killedRunLeftTwoLogsInFlightOfWhichOneArrived();
		keywordsAi.scriptRequests(r -> r.getUrl().encodedPath().equals(KeywordsAiStub.LIST_PATH)
				? new MockResponse.Builder().code(404).body("{\"detail\":\"Not found.\"}").build() : null);

		// when
		LaunchOutcome outcome = launcher.launch(parameters(file));

		// then: none lost; the one that had arrived is stored twice, and the run says so
		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(10).containsEntry("together-request:d-3", 2);
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.resentInDoubt()).isEqualTo(2);
		assertThat(summary.reconciledInDoubt()).isZero();
		assertThat(output.getAll()).containsOnlyOnce("Cannot reconcile 2 log(s) in doubt of 1 batch(es)")
			.contains("HTTP 404", "backfill.reconcile.fallback=resend");
	}

	/** The connection breaks after a batch was stored: the run asks before sending it again, and stores it once. */
	@Test
	void aBatchWhoseAnswerIsLostIsLookedUpInsteadOfSentTwice() throws Exception {
		// given: the first batch request is stored, and its connection closed before the answer
		ImportParameters params = generated(10);
		AtomicBoolean first = new AtomicBoolean(true);
		keywordsAi.scriptRequests(r -> {
			if (r.getUrl().encodedPath().equals(KeywordsAiStub.BATCH_PATH) && first.compareAndSet(true, false)) {
				JSON.readTree(r.getBody().utf8()).get("logs").forEach(log -> keywordsAi.storeDirectly(log.toString()));
				return new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
			}
			return null;
		});

		// when
		LaunchOutcome outcome = launcher.launch(params);

		// then
		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(10).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().sent()).isEqualTo(10);
		assertThat(summary.reconciledInDoubt()).isEqualTo(5);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class)).isEqualTo(10);
	}

	@Test
	void importsADirectoryOfChatLogsPlainAndGzippedWithTheirTiming() throws Exception {
		List<Path> files = io.keywordsbackfill.source.InputFiles.expand(List.of("sample-data/chat-log"));
		ImportParameters params = ImportParameters.adHoc(new ImportParameters.Input("chat-log", InputOptions.NONE,
				files.stream().map(f -> ImportParameters.InputFile.of(SourceFile.of(f))).toList()), null);

		LaunchOutcome outcome = launcher.launch(params);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(files).anySatisfy(f -> assertThat(f.toString()).endsWith(".gz"));
		long lines = 0;
		for (Path file : files) {
			lines += file.toString().endsWith(".gz") ? gzipLines(file) : nonBlankLines(file);
		}
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().read()).isEqualTo(lines);
		assertThat(summary.counts().sent() + summary.counts().rejected()).isEqualTo(lines);
		assertThat(keywordsAi.stored()).anySatisfy(log -> {
			assertThat(log.path("generation_time").isNumber()).isTrue();
			assertThat(log.path("start_time").asString()).isNotBlank();
		});
		assertThat(keywordsAi.storedCounts().values()).containsOnly(1);
	}

	@Test
	void importsAUsageCsv() throws Exception {
		Path csv = Path.of("sample-data/usage-csv/usage.csv");
		ImportParameters params = ImportParameters.adHoc(new ImportParameters.Input("usage-csv", InputOptions.NONE,
				List.of(ImportParameters.InputFile.of(SourceFile.of(csv)))), null);

		LaunchOutcome outcome = launcher.launch(params);

		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.counts().sent()).isPositive();
		assertThat(summary.counts().sent() + summary.counts().rejected()).isEqualTo(summary.counts().read());
		// the CSV's own id, verbatim, and the same call's ledger key as a Batch or chat-log import would give it
		assertThat(keywordsAi.stored()).filteredOn(log -> log.path("metadata").has("together_request_id"))
			.hasSizeGreaterThan(5)
			.allSatisfy(log -> {
				assertThat(log.path("custom_identifier").asString())
					.isEqualTo(log.path("metadata").path("together_request_id").asString()).startsWith("req_");
				assertThat(log.path("metadata").path("backfill_source_id").asString())
					.isEqualTo("together-request:" + log.path("custom_identifier").asString());
			});
	}

	static long gzipLines(Path file) throws IOException {
		try (java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(
				new java.util.zip.GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
			return reader.lines().filter(line -> !line.isBlank()).count();
		}
	}

	@Test
	void replaySendsTheRefusedLogsOnceTheCauseIsFixed() throws Exception {
		// given: a run where Keywords AI refused two of five logs
		ImportParameters params = generated(5);
		keywordsAi.script(n -> n == 1 ? new MockResponse.Builder().code(207)
			.body("{\"results\":[{\"id\":\"a\",\"status\":\"success\"},{\"status\":\"error\",\"error\":\"quota\"},"
					+ "{\"id\":\"c\",\"status\":\"success\"},{\"status\":\"error\",\"error\":\"quota\"},"
					+ "{\"id\":\"e\",\"status\":\"success\"}]}")
			.build() : null);
		long run = launcher.launch(params).execution().getId();
		keywordsAi.script(n -> null);
		int requestsBefore = keywordsAi.requests().size();

		// when
		ReplayService.ReplayResult first;
		try (KeywordsAiClient client = new KeywordsAiClient(keywordsAiProperties, null,
				RetryPolicy.of(keywordsAiProperties.retry()), DeliveryEvents.NONE)) {
			first = replay.replay(run, client, 500, 1_000_000, false);
		}

		// then: the two are sent once, the ledger holds all five, and a second replay sends nothing
		assertThat(first).isEqualTo(new ReplayService.ReplayResult(2, 0, 0, 0));
		assertThat(keywordsAi.requests()).hasSize(requestsBefore + 1);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class)).isEqualTo(5);
		assertThat(rejects.findByRun(run)).allSatisfy(r -> assertThat(r.replayed()).isTrue());
		try (KeywordsAiClient client = new KeywordsAiClient(keywordsAiProperties, null,
				RetryPolicy.of(keywordsAiProperties.retry()), DeliveryEvents.NONE)) {
			assertThat(replay.replay(run, client, 500, 1_000_000, false).sent()).isZero();
		}
		assertThat(keywordsAi.requests()).hasSize(requestsBefore + 1);
	}

	/** The pid of a process that has exited. */
	static long deadProcessId() throws Exception {
		Process process = new ProcessBuilder("true").start();
		process.waitFor();
		return process.pid();
	}

	@Test
	void theMeterRegistryCountsWhatTheRunDid(CapturedOutput output) throws Exception {
		// given: five logs and a malformed line; the one request is answered 503, then 207 with one log refused
		Path file = dir.resolve("metered.jsonl");
		Files.writeString(file, String.join("\n", TogetherBatchFiles.outputLine("mt", 1), "not json",
				TogetherBatchFiles.outputLine("mt", 2), TogetherBatchFiles.outputLine("mt", 3),
				TogetherBatchFiles.outputLine("mt", 4), TogetherBatchFiles.outputLine("mt", 5)) + "\n",
				StandardCharsets.UTF_8);
		keywordsAi.script(n -> switch (n) {
			case 1 -> new MockResponse.Builder().code(503).body("busy").build();
			case 2 -> new MockResponse.Builder().code(207)
				.body("{\"results\":[{\"id\":\"a\",\"status\":\"success\"},{\"status\":\"error\",\"error\":\"bad\"},"
						+ "{\"id\":\"c\",\"status\":\"success\"},{\"id\":\"d\",\"status\":\"success\"},"
						+ "{\"id\":\"e\",\"status\":\"success\"}]}")
				.build();
			default -> null;
		});
		Map<String, Double> before = meters();

		// when
		LaunchOutcome outcome = launcher.launch(parameters(file));

		// then
		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Map<String, Double> after = meters();
		Map<String, Double> delta = new TreeMap<>();
		after.forEach((name, value) -> delta.put(name, value - before.getOrDefault(name, 0.0)));
		RunSummary.Counts counts = runs.find(outcome.execution().getId()).orElseThrow().counts();
		assertThat(delta).containsEntry("backfill.records.read", 6.0)
			.containsEntry("backfill.logs.sent", 4.0)
			.containsEntry("backfill.logs.already_sent", 0.0)
			.containsEntry("backfill.records.rejected reason=api_rejected", 1.0)
			.containsEntry("backfill.records.rejected reason=malformed_json", 1.0)
			.containsEntry("backfill.batches", 1.0)
			.containsEntry("backfill.retries reason=503", 1.0)
			.containsEntry("backfill.retry.wait reason=503", 1.0)
			.containsEntry("backfill.request.latency status=503", 1.0)
			.containsEntry("backfill.request.latency status=207", 1.0);
		assertThat(delta.get("backfill.cost.usd")).isPositive()
			.isCloseTo(counts.costUsd().doubleValue(), offset(1e-9));
		assertThat(counts.sent()).isEqualTo(4);
		// the retry is logged by a delivery thread, with the run's log context
		assertThat(output.getErr()).contains("run=" + outcome.execution().getId() + " job=import file=" + file
				+ " Retrying a Keywords AI batch request");
	}

	/** Counter values and timer counts of the import job, keyed by name and the tag that is not 'job'. */
	Map<String, Double> meters() {
		Map<String, Double> values = new TreeMap<>();
		for (Meter meter : meterRegistry.getMeters()) {
			Meter.Id id = meter.getId();
			if (!id.getName().startsWith("backfill.") || !"import".equals(id.getTag("job"))) {
				continue;
			}
			String key = id.getName() + id.getTags().stream().filter(t -> !t.getKey().equals("job"))
				.map(t -> " " + t.getKey() + "=" + t.getValue()).collect(Collectors.joining());
			double value = meter instanceof Timer timer ? timer.count()
					: ((Counter) meter).count();
			values.put(key, value);
		}
		return values;
	}

	@Test
	void theInspectionViewsShowTheNumbersThatStatusJsonShows() throws Exception {
		// given: a run of the three sample files, and a run with malformed lines (rejects) and overlap (already sent)
		LaunchOutcome sample = launcher.launch(sampleParameters(null));
		Path mixed = dir.resolve("mixed.jsonl");
		Files.writeString(mixed, String.join("\n", TogetherBatchFiles.outputLine("v", 1), "not json",
				"{\"custom_id\":\"req-9\"}", "[1]", TogetherBatchFiles.outputLine("v", 2)) + "\n",
				StandardCharsets.UTF_8);
		launcher.launch(parameters(mixed));
		LaunchOutcome overlap = launcher.launch(withRunId(parameters(mixed)));
		long sampleRun = sample.execution().getId();
		long overlapRun = overlap.execution().getId();
		jdbc.update("INSERT INTO BATCH_JOB_EXECUTION_PARAMS (JOB_EXECUTION_ID, PARAMETER_NAME, PARAMETER_TYPE, "
				+ "PARAMETER_VALUE, IDENTIFYING) VALUES (?, 'input.0.file.1.path', 'java.lang.String', '/in/a.jsonl', 'N'), "
				+ "(?, 'input.0.file.1.sha256', 'java.lang.String', 'abc123', 'Y')", overlapRun, overlapRun);

		// when
		JsonNode status = JSON.readTree(StatusRenderer.json(runs.recent(10)));
		List<Map<String, Object>> viewRows = jdbc.queryForList("SELECT * FROM backfill_runs ORDER BY run_id DESC");

		// then: every run, every number, as status --json shows it
		assertThat(status.size()).isEqualTo(3);
		assertThat(viewRows).hasSize(3);
		for (int i = 0; i < viewRows.size(); i++) {
			Map<String, Object> row = lowerCaseKeys(viewRows.get(i));
			JsonNode run = status.get(i);
			JsonNode counts = run.path("counts");
			assertThat(number(row, "run_id")).isEqualTo(run.path("id").asLong());
			assertThat(number(row, "instance_id")).isEqualTo(run.path("instance_id").asLong());
			assertThat(row.get("job_name")).isEqualTo(run.path("job").asString()).isEqualTo("import");
			assertThat(row.get("status")).isEqualTo(run.path("status").asString()).isEqualTo("COMPLETED");
			assertThat(row.get("exit_code")).isEqualTo(run.path("exit_code").asString());
			assertThat((BigDecimal) row.get("duration_seconds")).isEqualByComparingTo(run.path("duration_seconds").decimalValue());
			assertThat(number(row, "records_read")).isEqualTo(counts.path("read").asLong());
			assertThat(number(row, "sent")).isEqualTo(counts.path("sent").asLong());
			assertThat(number(row, "already_sent")).isEqualTo(counts.path("already_sent").asLong());
			assertThat(number(row, "rejected")).isEqualTo(counts.path("rejected").asLong());
			assertThat(number(row, "outside_window")).isEqualTo(counts.path("outside_window").asLong());
			assertThat(number(row, "retries")).isEqualTo(counts.path("retries").asLong());
			assertThat(((BigDecimal) row.get("wait_seconds")).movePointRight(3).longValue())
				.isEqualTo(counts.path("wait_millis").asLong());
			assertThat(number(row, "prompt_tokens")).isEqualTo(counts.path("prompt_tokens").asLong());
			assertThat(number(row, "completion_tokens")).isEqualTo(counts.path("completion_tokens").asLong());
			assertThat((BigDecimal) row.get("cost_usd")).isEqualByComparingTo(counts.path("cost_usd").decimalValue());
			if (run.has("records_per_second")) {
				assertThat((BigDecimal) row.get("records_per_second"))
					.isEqualByComparingTo(run.path("records_per_second").decimalValue());
			}
			else {
				assertThat(row.get("records_per_second")).isNull();
			}
		}
		// and the numbers are the run's real ones, not merely equal
		long sampleRecords = nonBlankLines(SAMPLE.resolve("batch-output.jsonl"))
				+ nonBlankLines(SAMPLE.resolve("batch-errors.jsonl"));
		Map<String, Object> sampleRow = lowerCaseKeys(
				jdbc.queryForMap("SELECT * FROM backfill_runs WHERE run_id = ?", sampleRun));
		assertThat(number(sampleRow, "records_read")).isEqualTo(sampleRecords);
		assertThat(number(sampleRow, "sent")).isEqualTo(sampleRecords);
		assertThat(number(sampleRow, "prompt_tokens")).isPositive();
		assertThat((BigDecimal) sampleRow.get("cost_usd")).isPositive();
		Map<String, Object> overlapRow = lowerCaseKeys(
				jdbc.queryForMap("SELECT * FROM backfill_runs WHERE run_id = ?", overlapRun));
		assertThat(number(overlapRow, "records_read")).isEqualTo(5);
		assertThat(number(overlapRow, "sent")).isZero();
		assertThat(number(overlapRow, "already_sent")).isEqualTo(2);
		assertThat(number(overlapRow, "rejected")).isEqualTo(3);

		assertThat(jdbc.queryForList("SELECT role, path, sha256 FROM backfill_run_files WHERE run_id = ? ORDER BY role",
				sampleRun).stream().map(ImportJobFunctionalTests::lowerCaseKeys).toList())
			.containsExactly(
					Map.of("role", "input.0.file.0", "path", SAMPLE.resolve("batch-output.jsonl").toString(), "sha256",
							FileFingerprint.sha256(SAMPLE.resolve("batch-output.jsonl"))),
					Map.of("role", "input.0.file.0.batchInput", "path", SAMPLE.resolve("batch-input.jsonl").toString(), "sha256",
							FileFingerprint.sha256(SAMPLE.resolve("batch-input.jsonl"))),
					Map.of("role", "input.0.file.0.errors", "path", SAMPLE.resolve("batch-errors.jsonl").toString(),
							"sha256", FileFingerprint.sha256(SAMPLE.resolve("batch-errors.jsonl"))));
		assertThat(jdbc.queryForList("SELECT role, path, sha256 FROM backfill_run_files WHERE run_id = ? ORDER BY role",
				overlapRun).stream().map(ImportJobFunctionalTests::lowerCaseKeys).toList())
			.containsExactly(Map.of("role", "input.0.file.0", "path", mixed.toString(), "sha256", FileFingerprint.sha256(mixed)),
					Map.of("role", "input.0.file.1", "path", "/in/a.jsonl", "sha256", "abc123"));

		Map<String, Long> reasons = new TreeMap<>();
		jdbc.query("SELECT reason, status_code, count FROM backfill_reject_reasons WHERE run_id = ?", rs -> {
			assertThat(rs.getObject("status_code")).isNull();
			reasons.put(rs.getString("reason"), rs.getLong("count"));
		}, overlapRun);
		assertThat(reasons).containsExactly(Map.entry("malformed_json", 1L), Map.entry("missing_field", 1L),
				Map.entry("not_an_object", 1L));
		assertThat(new TreeMap<>(runs.find(overlapRun).orElseThrow().rejectReasons())).isEqualTo(reasons);

		Map<String, Object> daily = lowerCaseKeys(jdbc.queryForMap(
				"SELECT SUM(runs) AS runs, SUM(sent) AS sent, SUM(tokens) AS tokens, SUM(cost_usd) AS cost_usd "
						+ "FROM backfill_daily WHERE job_name = 'import'"));
		assertThat(number(daily, "runs")).isEqualTo(3);
		assertThat(number(daily, "sent")).isEqualTo(sampleRecords + 2);
		assertThat(number(daily, "tokens")).isPositive()
			.isEqualTo(viewRows.stream().map(ImportJobFunctionalTests::lowerCaseKeys)
				.mapToLong(r -> number(r, "prompt_tokens") + number(r, "completion_tokens")).sum());
		assertThat((BigDecimal) daily.get("cost_usd")).isEqualByComparingTo(viewRows.stream()
			.map(r -> (BigDecimal) lowerCaseKeys(r).get("cost_usd")).reduce(BigDecimal.ZERO, BigDecimal::add));
	}

	static Map<String, Object> lowerCaseKeys(Map<String, Object> row) {
		Map<String, Object> lower = new LinkedHashMap<>();
		row.forEach((key, value) -> lower.put(key.toLowerCase(Locale.ROOT), value));
		return lower;
	}

	static long number(Map<String, Object> row, String column) {
		assertThat(row).containsKey(column);
		return ((Number) row.get(column)).longValue();
	}

	void assertNoTableHoldsTheKey() {
		for (String query : List.of("SELECT PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS",
				"SELECT EXIT_MESSAGE FROM BATCH_JOB_EXECUTION", "SELECT EXIT_MESSAGE FROM BATCH_STEP_EXECUTION",
				"SELECT SHORT_CONTEXT FROM BATCH_STEP_EXECUTION_CONTEXT",
				"SELECT SERIALIZED_CONTEXT FROM BATCH_STEP_EXECUTION_CONTEXT",
				"SELECT SHORT_CONTEXT FROM BATCH_JOB_EXECUTION_CONTEXT", "SELECT message FROM backfill_reject",
				"SELECT payload FROM backfill_reject")) {
			assertThat(jdbc.queryForList(query, String.class)).as(query)
				.allSatisfy(value -> assertThat(value == null ? "" : value).doesNotContain(API_KEY));
		}
	}

	ImportParameters sampleParameters(String runId) {
		Path output = SAMPLE.resolve("batch-output.jsonl");
		Path input = SAMPLE.resolve("batch-input.jsonl");
		Path errors = SAMPLE.resolve("batch-errors.jsonl");
		return ImportParameters.togetherBatch(SourceFile.of(output), SourceFile.of(input), SourceFile.of(errors),
				Instant.parse("2025-03-01T12:00:00Z")).withRunId(runId);
	}

	/** Runs {@code params} against a server that answers 500 after two requests; then the server is well again. */
	LaunchOutcome failedRun(ImportParameters params) throws Exception {
		keywordsAi.script(n -> n > 2 ? new MockResponse.Builder().code(500).build() : null);
		LaunchOutcome failed = launcher.launch(params);
		assertThat(failed.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
		keywordsAi.script(n -> null);
		return failed;
	}

	ImportParameters generated(int count) {
		return parameters(TogetherBatchFiles.output(dir.resolve("output-" + count + ".jsonl"),
				UUID.randomUUID().toString().substring(0, 8), 0, count));
	}

	static ImportParameters parameters(Path output) {
		return ImportParameters.togetherBatch(SourceFile.of(output), null, null, null);
	}

	static ImportParameters withRunId(ImportParameters p) {
		return p.withRunId(UUID.randomUUID().toString());
	}

	static long nonBlankLines(Path file) throws IOException {
		return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).count();
	}

}
