package io.keywordsbackfill.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.keywordsbackfill.job.ImportLauncher;
import io.keywordsbackfill.job.ImportParameters;
import io.keywordsbackfill.job.LaunchOutcome;
import io.keywordsbackfill.job.InputOptions;
import io.keywordsbackfill.mapping.ImportWindow;
import io.keywordsbackfill.source.FingerprintCache;
import io.keywordsbackfill.source.InputFiles;
import io.keywordsbackfill.source.SourceFile;
import io.keywordsbackfill.source.UsageCsvColumns;
import io.keywordsbackfill.source.UsageCsvHeaderException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code import}: runs the import job once on the given files. */
@Command(name = "import", mixinStandardHelpOptions = true,
		description = { "Imports Together AI usage files into Keywords AI.",
				"The same files again resume an unfinished run, or report that it is done." })
class ImportCommand implements Callable<Integer> {

	@ParentCommand
	BackfillCommand parent;

	@Spec
	CommandSpec spec;

	@Parameters(arity = "1..*", paramLabel = "PATH",
			description = "Files, directories or globs to import (e.g. 'exports/**/*.jsonl.gz'); .gz works for every format. "
					+ "For together-batch: Batch API output files.")
	List<String> paths;

	@Option(names = "--format", required = true, paramLabel = "FORMAT",
			description = "Input format: ${COMPLETION-CANDIDATES}.")
	Format format;

	@Option(names = "--batch-input", paramLabel = "FILE",
			description = "together-batch: the Batch input file, for the prompt messages and request parameters.")
	Path batchInput;

	@Option(names = "--errors", paramLabel = "FILE",
			description = "together-batch: the Batch error file; failed calls become error logs.")
	Path errors;

	@Option(names = "--batch-completed-at", paramLabel = "INSTANT",
			description = "When the batch completed (ISO-8601, e.g. 2025-03-01T12:00:00Z): the timestamp of lines that carry none, such as error lines.")
	String batchCompletedAt;

	@Option(names = "--field", paramLabel = "CANONICAL=NAME",
			description = "chat-log: the name a field has in your files, e.g. --field started_at=start (repeatable).")
	Map<String, String> fields = new LinkedHashMap<>();

	@Option(names = "--column", paramLabel = "CANONICAL=HEADER",
			description = "usage-csv: the header of a column in your files, e.g. --column latency_ms=duration (repeatable); "
					+ "an empty header (--column prompt_tokens=) says the files have no such column on purpose.")
	Map<String, String> columns = new LinkedHashMap<>();

	@Option(names = "--line-ids",
			description = "usage-csv and chat-log: identify records without an id (no id column, an empty cell, a line "
					+ "without request_id or response.id) by file and line number. Without it, a CSV file with no id column "
					+ "is refused and a record without an id is rejected: a line-based "
					+ "id changes when the export is cut again, and its rows are then sent again.")
	boolean lineIds;

	@Option(names = "--latency-unit", paramLabel = "ms|s", description = "usage-csv: unit of the latency and TTFT columns (default ms).")
	String latencyUnit;

	@Option(names = "--default-zone", paramLabel = "ZONE",
			description = "Zone of timestamps written without an offset (default UTC), e.g. Europe/Paris.")
	String defaultZone;

	@Option(names = "--since", paramLabel = "WHEN",
			description = "Send only calls that completed at or after WHEN: an ISO-8601 instant with an offset or Z "
					+ "(2025-06-01T12:00:00Z, 2025-06-01T14:00:00+02:00) or a date (2025-06-01 means 00:00 UTC, as "
					+ "prices are chosen by UTC date). Calls outside the window are counted, not sent.")
	String since;

	@Option(names = "--before", paramLabel = "WHEN",
			description = "Send only calls that completed before WHEN (exclusive), e.g. when live logging to "
					+ "Keywords AI began; same syntax as --since. The same files with another window are a new run.")
	String before;

	@Option(names = "--exported-cost", paramLabel = "POLICY", description = "A cost present in the export: keep, recompute or fill-missing (default).")
	String exportedCost;

	@Option(names = "--unpriced-model", paramLabel = "POLICY",
			description = "A model without a known price: send-without-cost (default; Keywords AI prices it) or reject.")
	String unpricedModel;

	@Mixin
	RunOptions run = new RunOptions();

	@Option(names = "--new-run", description = "Start a new run even if these files were imported before (the ledger still drops what was sent).")
	boolean newRun;

	@Option(names = "--resend", description = "Send every record again, ignoring the ledger of accepted logs (implies --new-run).")
	boolean resend;

	enum Format {
		together_batch, chat_log, usage_csv;

		@Override
		public String toString() {
			return name().replace('_', '-');
		}
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		run.configure(parent.context);
		ImportParameters params = parameters();
		RunOptions.requireApiKey(parent.context, run.dryRun);
		if (run.remote) {
			RunOptions.requireRemoteRun(parent.context, run.dryRun);
		}
		ImportLauncher launcher = parent.context.bean(ImportLauncher.class);
		GracefulStop stop = GracefulStop.install(launcher, parent.context);
		int exitCode = ExitCodes.FAILED;
		try {
			LaunchOutcome outcome = launcher.launch(params, run.remote);
			exitCode = RunReport.print(outcome, parent.context, out, spec.commandLine().getErr());
			return exitCode;
		}
		finally {
			stop.finished(exitCode);
		}
	}

	private ImportParameters parameters() {
		requireFile(batchInput, "--batch-input");
		requireFile(errors, "--errors");
		if (format != Format.together_batch && (batchInput != null || errors != null || batchCompletedAt != null)) {
			throw new UsageException("--batch-input, --errors and --batch-completed-at are for --format together-batch");
		}
		List<Path> files;
		try {
			files = InputFiles.expand(paths);
		}
		catch (IllegalArgumentException | UncheckedIOException ex) {
			throw new UsageException("PATH: " + ex.getMessage());
		}
		if ((batchInput != null || errors != null) && files.size() > 1) {
			throw new UsageException("--batch-input and --errors belong to one output file; import each batch apart");
		}
		InputOptions options;
		try {
			options = new InputOptions(fields, columns, latencyUnit, defaultZone, lineIds);
			options.validate(format.toString());
		}
		catch (RuntimeException ex) {
			throw new UsageException(ex.getMessage());
		}
		if (format == Format.usage_csv) {
			checkHeaders(files, options);
		}
		Instant completedAt = completedAt();
		ImportWindow window = window();
		// The command line is valid: Spring starts while the files are fingerprinted (a full read of each,
		// seconds for large files), rather than after; a file seen before and unchanged since is recognised by
		// the fingerprint remembered for it as soon as Spring is up.
		FingerprintCache.WhileStarting fingerprints = FingerprintCache.whileStarting(
				parent.context.startInBackground().thenApply((context) -> context.getBean(FingerprintCache.class)),
				Clock.systemUTC());
		// The same content under two names is one file: it is read (and counted) once.
		Map<String, ImportParameters.InputFile> distinct = new LinkedHashMap<>();
		for (Path file : files) {
			SourceFile source = source(file, fingerprints);
			distinct.putIfAbsent(source.fingerprint(), new ImportParameters.InputFile(source,
					source(batchInput, fingerprints), source(errors, fingerprints)));
		}
		fingerprints.rememberComputed();
		ImportParameters params = ImportParameters.adHoc(
				new ImportParameters.Input(format.toString(), options, List.copyOf(distinct.values())), completedAt)
			.withPricing(Policies.exportedCost(exportedCost), Policies.unpricedModel(unpricedModel))
			.withWindow(window);
		if (run.dryRun) {
			params = params.withDryRun(run.out);
		}
		if (resend) {
			params = params.withResend();
		}
		return (newRun || resend) ? params.withRunId(UUID.randomUUID().toString()) : params;
	}

	/**
	 * Refuses, before anything starts, files whose header does not say which column holds a field that changes
	 * what is sent: reading one line of each costs little, a run stopped at its hundredth file costs more.
	 */
	private static void checkHeaders(List<Path> files, InputOptions options) {
		for (Path file : files) {
			try {
				UsageCsvColumns.read(file, file.toString(), options.usageCsv());
			}
			catch (UsageCsvHeaderException ex) {
				throw new UsageException(ex.getMessage() + ". To fix: "
						+ ex.fix(UsageCsvHeaderException.COMMAND_LINE));
			}
			catch (IOException ex) {
				throw new UsageException("PATH: " + ex.getMessage());
			}
		}
	}

	private static SourceFile source(Path file, FingerprintCache.WhileStarting fingerprints) {
		return file == null ? null : new SourceFile(file, fingerprints.fingerprint(file), file.toString());
	}

	private Instant completedAt() {
		if (batchCompletedAt == null) {
			return null;
		}
		try {
			return Instant.parse(batchCompletedAt);
		}
		catch (DateTimeParseException ex) {
			throw new UsageException("--batch-completed-at: '" + batchCompletedAt
					+ "' is not an ISO-8601 instant such as 2025-03-01T12:00:00Z");
		}
	}

	private ImportWindow window() {
		Instant from = when(since, "--since");
		Instant to = when(before, "--before");
		if (from != null && to != null && !from.isBefore(to)) {
			throw new UsageException("--before: " + to + " is not after --since " + from
					+ "; expected a later time: the window runs from --since (inclusive) to --before (exclusive)");
		}
		return new ImportWindow(from, to);
	}

	private static Instant when(String value, String option) {
		if (value == null) {
			return null;
		}
		try {
			return ImportWindow.parseWhen(value);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException(option + ": " + ex.getMessage());
		}
	}

	private static void requireFile(Path path, String what) {
		if (path != null && !Files.isRegularFile(path)) {
			throw new UsageException(what + ": no such file: " + path);
		}
	}

	/**
	 * On SIGTERM or Ctrl-C: ask the job to stop after its current chunk (or its retry wait), wait for it to end
	 * (the main thread prints the summary), close the context so the database is left clean, and exit 4. The
	 * signals are handled directly ({@link StopSignals}), so the database stays open until then; a shutdown hook
	 * does the same where they cannot be.
	 */
	static final class GracefulStop {

		private final CountDownLatch done = new CountDownLatch(1);

		private final ImportLauncher launcher;

		private final CommandLineEntryPoint.ApplicationContextHolder context;

		private volatile int exitCode = ExitCodes.STOPPED;

		private StopSignals signals;

		private Thread hook;

		private GracefulStop(ImportLauncher launcher, CommandLineEntryPoint.ApplicationContextHolder context) {
			this.launcher = launcher;
			this.context = context;
		}

		static GracefulStop install(ImportLauncher launcher, CommandLineEntryPoint.ApplicationContextHolder context) {
			GracefulStop stop = new GracefulStop(launcher, context);
			stop.signals = StopSignals.install(stop::onSignal, "graceful-stop");
			if (stop.signals == null) {
				stop.hook = new Thread(stop::stopRun, "graceful-stop");
				Runtime.getRuntime().addShutdownHook(stop.hook);
			}
			return stop;
		}

		private void onSignal(int signal) {
			stopRun();
			// nothing was running (yet, or any more): end as the signal would have
			System.exit(128 + signal);
		}

		/** Stops the running import and, once it has ended, the process; returns when none was running. */
		private void stopRun() {
			if (launcher.stopCurrent()) {
				try {
					done.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				context.close();
				Runtime.getRuntime().halt(exitCode);
			}
		}

		void finished(int exitCode) {
			this.exitCode = exitCode;
			done.countDown();
			if (signals != null) {
				signals.uninstall();
				return;
			}
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException shuttingDown) {
				// The hook is running: it exits once the run has ended.
			}
		}

	}

}
