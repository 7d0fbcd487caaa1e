package io.keywordsbackfill.remote;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keywordsbackfill.KeywordsBackfillApplication;
import io.keywordsbackfill.job.ImportLauncher;
import io.keywordsbackfill.job.ImportParameters;
import io.keywordsbackfill.job.LaunchOutcome;
import io.keywordsbackfill.job.RunResources;
import io.keywordsbackfill.source.FingerprintCache;
import io.keywordsbackfill.source.SourceFile;
import io.keywordsbackfill.status.RunQueries;
import io.keywordsbackfill.status.RunSummary;
import io.keywordsbackfill.support.EmbeddedPostgres;
import io.keywordsbackfill.support.KeywordsAiStub;
import io.keywordsbackfill.support.TogetherBatchFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remote partitioning end to end on the local RabbitMQ (127.0.0.1:5672) and a real PostgreSQL: a manager in
 * this JVM, workers in this JVM and in a process of their own, a stand-in for Keywords AI. Each test JVM uses
 * a queue of its own.
 */
@SpringBootTest(properties = { "backfill.chunk-size=10", "backfill.concurrency=2", "keywordsai.max-batch-logs=5",
		"backfill.partitions=3", "backfill.min-partition-bytes=4KB", "keywordsai.retry.initial-delay=5ms",
		"keywordsai.retry.max-delay=20ms", "keywordsai.retry.budget=3s", "backfill.progress=off",
		"backfill.remote.no-worker-timeout=3s", "backfill.remote.heartbeat-interval=500ms",
		"backfill.remote.dead-after=3s", "backfill.remote.poll-interval=100ms", "backfill.remote.shutdown-grace=10s" })
@SpringBatchTest
class RemotePartitioningTests {

	static final String API_KEY = "kw-test-" + UUID.randomUUID();

	static final String QUEUE = "keywords-backfill-test-" + UUID.randomUUID();

	static final String DATABASE = EmbeddedPostgres.newDatabaseUrl();

	static final KeywordsAiStub keywordsAi = new KeywordsAiStub();

	static final MockWebServer server = startServer();

	@Autowired
	ImportLauncher launcher;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	RunQueries runs;

	@Autowired
	JobRepositoryTestUtils jobRepositoryTestUtils;

	@Autowired
	RemoteProperties remote;

	@Autowired
	Workers workers;

	@Autowired
	JobRepository jobRepository;

	@Autowired
	@Qualifier("deliverPartitionStep")
	Step deliverPartitionStep;

	@Autowired
	RunResources runResources;

	@Autowired
	FingerprintCache fingerprints;

	@Autowired
	CachingConnectionFactory rabbitConnectionFactory;

	@Autowired
	RabbitAdmin rabbitAdmin;

	@TempDir
	Path dir;

	private final List<RemoteWorker> started = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	static MockWebServer startServer() {
		MockWebServer server = new MockWebServer();
		server.setDispatcher(keywordsAi);
		try {
			server.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return server;
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("keywordsai.base-url", () -> server.url("/api").toString());
		registry.add("keywordsai.api-key", () -> API_KEY);
		registry.add("spring.datasource.url", () -> DATABASE);
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "");
		registry.add("backfill.remote.queue", () -> QUEUE);
	}

	@BeforeEach
	void cleanState() {
		keywordsAi.reset();
		keywordsAi.script(n -> null);
		for (String table : List.of("backfill_ledger", "backfill_pending", "backfill_reject", "backfill_step_stats",
				"backfill_run_owner", "backfill_worker", "backfill_partition_worker")) {
			jdbc.update("DELETE FROM " + table);
		}
		jobRepositoryTestUtils.removeJobExecutions();
		RemoteConfiguration.declareQueue(rabbitAdmin, remote);
		rabbitAdmin.purgeQueue(QUEUE, false);
	}

	@AfterEach
	void stopWorkers() throws InterruptedException {
		for (RemoteWorker worker : started) {
			worker.stop();
		}
		for (Process process : processes) {
			process.destroyForcibly();
			process.waitFor();
		}
	}

	@AfterAll
	static void deleteQueue() {
		CachingConnectionFactory factory = new CachingConnectionFactory("127.0.0.1", 5672);
		try {
			new RabbitAdmin(factory).deleteQueue(QUEUE);
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void twoWorkersShareTheRunsPartitionsAndEachRecordIsSentOnce() throws Exception {
		// given: two workers that run one partition at a time each, so RabbitMQ hands each of them a partition
		worker("worker-a", 1);
		worker("worker-b", 1);

		// when
		LaunchOutcome outcome = launcher.launch(generated(300), true);

		// then
		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(300).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class)).isEqualTo(300);
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		List<RunSummary.StepSummary> partitions = summary.steps().stream()
			.filter((step) -> step.name().startsWith("deliver-partition:"))
			.toList();
		// three partitions (backfill.partitions) per live worker
		assertThat(partitions).hasSize(6).allSatisfy((step) -> assertThat(step.status()).isEqualTo("COMPLETED"));
		assertThat(partitions).extracting(RunSummary.StepSummary::worker).containsOnly("worker-a", "worker-b")
			.contains("worker-a", "worker-b");
		assertThat(jdbc.queryForList("SELECT DISTINCT worker FROM backfill_run_partitions WHERE run_id = ?",
				String.class, outcome.execution().getId())).containsExactlyInAnyOrder("worker-a", "worker-b");
	}

	@Test
	void withNoWorkerListeningTheRunFailsSayingSoAndARestartRunsItOnceOneListens() throws Exception {
		// when: nobody listens on the queue
		LaunchOutcome failed = launcher.launch(generated(30), true);

		// then
		assertThat(failed.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
		String message = runs.find(failed.execution().getId()).orElseThrow().exitMessage();
		assertThat(message).contains("no worker is listening on queue '" + QUEUE + "'")
			.contains("start 'keywords-backfill worker'");
		assertThat(keywordsAi.requests()).isEmpty();

		// when: a worker starts
		worker("worker-a", 3);
		LaunchOutcome restarted = launcher.restart(failed.execution().getId(), false);

		// then
		assertThat(restarted.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(30).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
	}

	@Test
	void aWorkerRefusesAFileThatIsNotTheContentTheManagerRead() throws Exception {
		// given: the run's file, fingerprinted, then replaced at its path by other content
		ImportParameters params = generated(30);
		Path file = params.allFiles().get(0).path();
		TogetherBatchFiles.output(file, "other", 0, 30);
		worker("worker-a", 3);

		// when
		LaunchOutcome failed = launcher.launch(params, true);

		// then: nothing read or sent, the failure names the file and the worker
		assertThat(failed.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(runs.find(failed.execution().getId()).orElseThrow().exitMessage()).contains("worker worker-a")
			.contains(file.toString() + " changed since the run read it");
		assertThat(keywordsAi.requests()).isEmpty();
	}

	@Test
	void aWorkerKilledMidPartitionFailsTheRunNamingItAndARestartOnAnotherWorkerLosesAndDuplicatesNothing()
			throws Exception {
		// given: a worker process; from the 7th request on, the stand-in holds every answer until the worker is
		// killed, then answers 503, so what was in flight at the kill was not stored
		Process workerProcess = workerProcess("proc-a");
		awaitCondition(() -> workers.live(QUEUE, Duration.ofMinutes(1)).contains("proc-a"), "worker proc-a registered");
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch killed = new CountDownLatch(1);
		keywordsAi.script(n -> {
			if (n < 7) {
				return null;
			}
			held.countDown();
			await(killed);
			return new MockResponse.Builder().code(503).body("down").build();
		});
		ImportParameters params = generated(300);

		// when: the run is under way on the worker process, which is killed (SIGKILL) while a request is held and
		// every answered one is in the ledger
		CompletableFuture<LaunchOutcome> run = CompletableFuture.supplyAsync(() -> launch(params));
		await(held);
		awaitCondition(() -> jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class) == keywordsAi
			.stored()
			.size(), "answered logs in the ledger");
		workerProcess.destroyForcibly().waitFor();
		killed.countDown();
		LaunchOutcome failed = run.get(5, TimeUnit.MINUTES);

		// then: the run fails, naming a partition and the dead worker
		assertThat(failed.execution().getStatus()).isEqualTo(BatchStatus.FAILED);
		String message = runs.find(failed.execution().getId()).orElseThrow().exitMessage();
		assertThat(message).contains("partition deliver-partition:p00").contains("worker proc-a").contains("no heartbeat");
		int storedBeforeKill = keywordsAi.stored().size();
		assertThat(storedBeforeKill).isBetween(1, 299);

		// when: another worker, and a restart
		keywordsAi.script(n -> null);
		worker("worker-b", 3);
		LaunchOutcome restarted = launcher.restart(failed.execution().getId(), false);

		// then: every record stored exactly once, the rerun partitions on worker-b
		assertThat(restarted.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(300).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_ledger", Long.class)).isEqualTo(300);
		assertThat(runs.find(restarted.execution().getId()).orElseThrow().steps())
			.filteredOn((step) -> step.name().startsWith("deliver-partition:"))
			.isNotEmpty()
			.allSatisfy((step) -> assertThat(step.worker()).isEqualTo("worker-b"));
	}

	private LaunchOutcome launch(ImportParameters params) {
		try {
			return launcher.launch(params, true);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private RemoteWorker worker(String name, int partitions) {
		RemoteWorker worker = new RemoteWorker(name, remote, workers, jobRepository, deliverPartitionStep, runResources,
				fingerprints, rabbitConnectionFactory, rabbitAdmin, partitions);
		worker.start();
		started.add(worker);
		return worker;
	}

	/** The application's {@code worker} command in a JVM of its own, on this test's database and queue. */
	private Process workerProcess(String name) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), KeywordsBackfillApplication.class.getName(), "worker");
		Map<String, String> env = builder.environment();
		env.put("SPRING_DATASOURCE_URL", DATABASE);
		env.put("SPRING_DATASOURCE_USERNAME", "postgres");
		env.put("SPRING_DATASOURCE_PASSWORD", "");
		env.put("KEYWORDSAI_API_KEY", API_KEY);
		env.put("KEYWORDSAI_BASE_URL", server.url("/api").toString());
		env.put("KEYWORDSAI_MAX_BATCH_LOGS", "5");
		env.put("BACKFILL_CHUNK_SIZE", "10");
		env.put("BACKFILL_PARTITIONS", "3");
		env.put("BACKFILL_REMOTE_QUEUE", QUEUE);
		env.put("BACKFILL_REMOTE_WORKER_NAME", name);
		env.put("BACKFILL_REMOTE_HEARTBEAT_INTERVAL", "500ms");
		env.put("BACKFILL_REMOTE_DEAD_AFTER", "3s");
		File log = Files.createTempFile(dir, "worker-" + name, ".log").toFile();
		builder.redirectErrorStream(true).redirectOutput(log);
		Process process = builder.start();
		processes.add(process);
		return process;
	}

	/** Polls a condition of the database or the stand-in until it holds; fails the test after two minutes. */
	private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("timed out waiting for: " + what);
			}
			Thread.sleep(50);
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(2, TimeUnit.MINUTES)) {
				throw new AssertionError("timed out waiting for the test's own signal");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private ImportParameters generated(int count) {
		Path output = TogetherBatchFiles.output(dir.resolve("output-" + count + ".jsonl"),
				UUID.randomUUID().toString().substring(0, 8), 0, count);
		return ImportParameters.togetherBatch(SourceFile.of(output), null, null, null);
	}

}
