package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.springframework.batch.core.BatchStatus;

import io.keywordsbackfill.job.DefinitionRuns;
import io.keywordsbackfill.job.ImportLauncher;
import io.keywordsbackfill.schedule.InvalidJobDefinitionException;
import io.keywordsbackfill.schedule.JdbcJobLock;
import io.keywordsbackfill.schedule.JobDefinition;
import io.keywordsbackfill.schedule.JobDefinitionLoader;
import io.keywordsbackfill.schedule.ScheduledRunResult;
import io.keywordsbackfill.status.RunQueries;
import io.keywordsbackfill.status.RunSummary;
import io.keywordsbackfill.status.StatusRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code run jobs/X.yml}: runs one night of a job definition now, as {@code schedule} would: the files that
 * no completed run of the job read, once per logical date.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
		description = { "Runs a job definition (jobs/*.yml) once, for one logical date.",
				"Reads only the files no completed run of the job read; the same date again does nothing." })
class RunCommand implements Callable<Integer> {

	/** How long the job lock lasts without renewal; renewed every third of it while the run lasts. */
	static final Duration LEASE = Duration.ofMinutes(5);

	/** {@code backfill.max-concurrency} when not set. */
	private static final int MAX_CONCURRENCY_DEFAULT = 32;

	@ParentCommand
	BackfillCommand parent;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "DEFINITION", description = "The job definition, e.g. jobs/together-batch-nightly.yml.")
	Path file;

	@Option(names = "--date", paramLabel = "YYYY-MM-DD",
			description = "The logical date of the run (default: today in the definition's zone).")
	String date;

	@Mixin
	RunOptions run = new RunOptions();

	@Override
	public Integer call() throws Exception {
		JobDefinition definition = run.remote ? load(file).withRemote() : load(file);
		LocalDate logicalDate = logicalDate(definition);
		sizeFor(List.of(definition), parent.context);
		run.prepare(parent.context);
		if (definition.remote()) {
			RunOptions.requireRemoteRun(parent.context, run.dryRun);
		}
		JdbcJobLock lock = new JdbcJobLock(parent.context.bean(DataSource.class), Clock.systemUTC(),
				JdbcJobLock.processOwner());
		if (!lock.tryLock(definition.name(), LEASE)) {
			spec.commandLine().getErr().println("error: job " + definition.name() + " is running in another process ("
					+ lock.holder(definition.name()).orElse("unknown") + "); nothing was run");
			return ExitCodes.FAILED;
		}
		ScheduledExecutorService renewal = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "job-lock-renewal");
			thread.setDaemon(true);
			return thread;
		});
		renewal.scheduleAtFixedRate(() -> lock.tryLock(definition.name(), LEASE), LEASE.toSeconds() / 3,
				LEASE.toSeconds() / 3, TimeUnit.SECONDS);
		ImportCommand.GracefulStop stop = ImportCommand.GracefulStop.install(parent.context.bean(ImportLauncher.class),
				parent.context);
		int exitCode = ExitCodes.FAILED;
		try {
			ScheduledRunResult result = parent.context.bean(DefinitionRuns.class)
				.launch(definition, logicalDate, run.dryRunOut());
			exitCode = report(definition, logicalDate, result);
			return exitCode;
		}
		finally {
			renewal.shutdownNow();
			lock.unlock(definition.name());
			stop.finished(exitCode);
		}
	}

	static JobDefinition load(Path file) {
		try {
			return new JobDefinitionLoader().load(file);
		}
		catch (InvalidJobDefinitionException ex) {
			throw new UsageException(ex.getMessage());
		}
	}

	/**
	 * Sizes the process's delivery threads and connections for the definitions it runs: a definition's
	 * {@code destination.concurrency} (up to 64) may start above {@code backfill.max-concurrency} (default 32).
	 * Everything else a definition sets travels with its runs (see {@link DefinitionRuns}).
	 */
	static void sizeFor(List<JobDefinition> definitions, CommandLineEntryPoint.ApplicationContextHolder context) {
		int concurrency = definitions.stream().mapToInt((definition) -> definition.destination().concurrency()).max()
			.orElse(0);
		if (concurrency > MAX_CONCURRENCY_DEFAULT) {
			context.property("backfill.max-concurrency", Integer.toString(concurrency));
		}
	}

	private LocalDate logicalDate(JobDefinition definition) {
		if (date == null) {
			return LocalDate.now(definition.zone());
		}
		try {
			return LocalDate.parse(date);
		}
		catch (DateTimeParseException ex) {
			throw new UsageException("--date: '" + date + "' is not a date such as 2025-03-01");
		}
	}

	private int report(JobDefinition definition, LocalDate logicalDate, ScheduledRunResult result) {
		PrintWriter out = spec.commandLine().getOut();
		PrintWriter err = spec.commandLine().getErr();
		String night = "job " + definition.name() + " for " + logicalDate;
		switch (result.status()) {
			case BUSY -> {
				err.println("error: " + result.message());
				return ExitCodes.FAILED;
			}
			case ALREADY_COMPLETED -> {
				out.println("Already done: run " + result.executionId() + " completed " + night
						+ ". Nothing was read or sent.");
				return ExitCodes.COMPLETED;
			}
			default -> {
				if (result.executionId() == null) {
					err.println("error: " + night + " failed: " + result.message());
					return ExitCodes.FAILED;
				}
				RunSummary summary = parent.context.bean(RunQueries.class).find(result.executionId()).orElseThrow();
				if (result.status() == ScheduledRunResult.Status.COMPLETED && summary.files().isEmpty()) {
					out.println("Nothing new: no file of " + night + " was left to read (files a completed run read"
							+ " are not read again" + (definition.minFileAge().isZero() ? ""
									: "; files modified within min-file-age, " + definition.minFileAge()
											+ ", wait for a later run")
							+ ").");
				}
				out.print(StatusRenderer.detail(summary));
				out.flush();
				if (result.status() == ScheduledRunResult.Status.FAILED) {
					err.println("error: " + night + " failed"
							+ (result.message() == null ? "" : ": " + RunReport.firstLine(result.message())));
					return ExitCodes.FAILED;
				}
				return RunReport.exitCode(BatchStatus.valueOf(summary.status()), summary);
			}
		}
	}

}
