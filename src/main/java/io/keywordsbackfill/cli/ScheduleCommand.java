package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.convert.DurationStyle;

import io.keywordsbackfill.delivery.KeywordsAiProperties;
import io.keywordsbackfill.job.DefinitionRuns;
import io.keywordsbackfill.job.ImportLauncher;
import io.keywordsbackfill.schedule.InvalidJobDefinitionException;
import io.keywordsbackfill.schedule.JdbcJobLock;
import io.keywordsbackfill.schedule.JobDefinition;
import io.keywordsbackfill.schedule.JobDefinitionLoader;
import io.keywordsbackfill.schedule.ScheduleRunner;
import io.keywordsbackfill.schedule.Scheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code schedule [DIR]}: stays up and runs each definition's nights on its cron, catching up missed ones
 * on start. On SIGTERM it stops looking for nights, stops the running imports after their current chunk
 * (they are {@code STOPPED}, and run again at the next fire time), and exits 0. While it runs (not with
 * {@code --once}) it serves health and Prometheus metrics over HTTP ({@link ManagementServer}).
 */
@Command(name = "schedule", mixinStandardHelpOptions = true,
		description = { "Runs the job definitions in DIR on their cron schedules until stopped.",
				"Each night runs once; missed nights are caught up on start (catch-up: true)." })
class ScheduleCommand implements Callable<Integer> {

	private static final Logger log = LoggerFactory.getLogger(ScheduleCommand.class);

	/** How long a job's lock lasts without renewal; the scheduler renews it every tick. */
	static final Duration LEASE = Duration.ofMinutes(5);

	@ParentCommand
	BackfillCommand parent;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = "jobs",
			description = "The directory of job definitions (default: ${DEFAULT-VALUE}).")
	Path directory;

	@Option(names = "--tick", paramLabel = "DURATION", defaultValue = "30s",
			description = "How often to look for due nights, e.g. 30s, 1m (default: ${DEFAULT-VALUE}).")
	String tick;

	@Option(names = "--management-port", paramLabel = "PORT", defaultValue = "${backfill.schedule.management-port:-9464}",
			description = "Port of /actuator/health and /actuator/prometheus (default: ${DEFAULT-VALUE}; "
					+ "property backfill.schedule.management-port); 0 picks a free port, -1 serves nothing.")
	int managementPort;

	@Option(names = "--once", description = "Look once, run the due nights to their end, and exit (for cron and tests).")
	boolean once;

	@Override
	public Integer call() throws Exception {
		Duration interval = interval();
		List<JobDefinition> definitions = load();
		parent.context.property("backfill.progress", "log");
		RunCommand.sizeFor(definitions, parent.context);
		if (!parent.context.bean(KeywordsAiProperties.class).hasApiKey()) {
			throw new UsageException("KEYWORDSAI_API_KEY is not set (schedule always sends)");
		}
		DefinitionRuns runs = parent.context.bean(DefinitionRuns.class);
		ImportLauncher launcher = parent.context.bean(ImportLauncher.class);
		JdbcJobLock lock = new JdbcJobLock(parent.context.bean(DataSource.class), Clock.systemUTC(),
				JdbcJobLock.processOwner());
		ExecutorService executor = Executors.newCachedThreadPool((task) -> new Thread(task, "schedule-job"));
		Scheduler scheduler = new Scheduler(definitions, runs, runs, lock, LEASE, Clock.systemUTC(), executor);
		PrintWriter out = spec.commandLine().getOut();
		out.println("Scheduling " + definitions.stream().filter(JobDefinition::scheduled)
			.map((definition) -> definition.name() + " (" + definition.schedule() + " " + definition.zone() + ")")
			.toList() + " as " + lock.owner());
		out.flush();
		if (once) {
			scheduler.tick();
			awaitRuns(executor);
			return ExitCodes.COMPLETED;
		}
		ManagementServer management = managementPort < 0 ? null
				: ManagementServer.start(parent.context.get(), managementPort);
		if (management != null) {
			out.println("Health and metrics: http://localhost:" + management.port() + "/actuator/health and "
					+ "/actuator/prometheus");
			out.flush();
		}
		ScheduleRunner runner = new ScheduleRunner(scheduler, interval);
		CountDownLatch finished = new CountDownLatch(1);
		Runnable stop = () -> {
			log.warn("Stopping: no new night starts; running imports stop after their current chunk");
			runner.stop();
			launcher.stopCurrent();
			try {
				finished.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			parent.context.close();
			Runtime.getRuntime().halt(ExitCodes.COMPLETED);
		};
		// the signals themselves, not a shutdown hook, so the database stays open until the imports have stopped
		if (StopSignals.install((signal) -> stop.run(), "schedule-stop") == null) {
			Runtime.getRuntime().addShutdownHook(new Thread(stop, "schedule-stop"));
		}
		try {
			runner.run();
			awaitRuns(executor);
			return ExitCodes.COMPLETED;
		}
		finally {
			if (management != null) {
				management.close();
			}
			finished.countDown();
		}
	}

	private List<JobDefinition> load() {
		List<JobDefinition> definitions;
		try {
			definitions = new JobDefinitionLoader().loadDirectory(directory);
		}
		catch (InvalidJobDefinitionException | java.io.UncheckedIOException ex) {
			throw new UsageException(ex.getMessage());
		}
		if (definitions.stream().noneMatch(JobDefinition::scheduled)) {
			throw new UsageException(directory + ": no job definition with a schedule (run the others with 'run FILE')");
		}
		return definitions;
	}

	private Duration interval() {
		try {
			Duration interval = DurationStyle.detectAndParse(tick);
			if (interval.isNegative() || interval.isZero()) {
				throw new IllegalArgumentException("not positive");
			}
			return interval;
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException("--tick: '" + tick + "' is not a positive duration such as 30s or 1m");
		}
	}

	private static void awaitRuns(ExecutorService executor) throws InterruptedException {
		executor.shutdown();
		executor.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
	}

}
