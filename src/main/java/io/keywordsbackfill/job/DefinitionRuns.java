package io.keywordsbackfill.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.keywordsbackfill.schedule.FileLedger;
import io.keywordsbackfill.schedule.InputDefinition;
import io.keywordsbackfill.schedule.InputFiles;
import io.keywordsbackfill.schedule.InvalidJobDefinitionException;
import io.keywordsbackfill.schedule.JobDefinition;
import io.keywordsbackfill.schedule.RunHistory;
import io.keywordsbackfill.schedule.ScheduledRunLauncher;
import io.keywordsbackfill.schedule.ScheduledRunResult;
import io.keywordsbackfill.source.FingerprintCache;
import io.keywordsbackfill.source.SourceFile;
import io.keywordsbackfill.source.UsageCsvColumns;
import io.keywordsbackfill.source.UsageCsvHeaderException;
import io.keywordsbackfill.status.RunQueries;

/**
 * Runs the nights of job definitions with the import job, and answers from the Batch metadata tables which
 * nights and files of a definition have completed.
 * <p>
 * A night is the job instance identified by the definition's name, the logical date, its inputs' formats
 * and options (all inputs, even those with no new file, so the identity does not depend on what was found) and
 * its import window; the files it read are non-identifying parameters. A dry run is a job instance of its own
 * and never counts as completed here, so it does not hide files or nights from a real run. A file a completed
 * night read is not read again by a later night, whatever the window then.
 * <p>
 * Every field of a definition that shapes a run becomes a parameter of the run here, and nowhere else, so
 * {@code run} and {@code schedule} (both launch through this class) run a definition alike: inputs, mapping and
 * pricing policies, the import window, and its {@code destination} and {@code pricing.prices-file}
 * ({@link RunSettings}, over the process's {@code keywordsai.max-batch-logs}, {@code backfill.concurrency},
 * {@code backfill.rate-limit.*} and {@code backfill.prices-file}).
 */
@Service
public class DefinitionRuns implements ScheduledRunLauncher, RunHistory, FileLedger {

	private static final Logger log = LoggerFactory.getLogger(DefinitionRuns.class);

	/** Executions of definition runs that really ran (not dry runs), by definition name. */
	private static final String DEFINITION_EXECUTIONS = """
			SELECT e.JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION e
			JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
			JOIN BATCH_JOB_EXECUTION_PARAMS d ON d.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
			 AND d.PARAMETER_NAME = 'definition' AND d.PARAMETER_VALUE = ?
			WHERE i.JOB_NAME = 'import' AND e.STATUS = 'COMPLETED'
			 AND NOT EXISTS (SELECT 1 FROM BATCH_JOB_EXECUTION_PARAMS r WHERE r.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
			  AND r.PARAMETER_NAME = 'dryRun' AND r.PARAMETER_VALUE = 'true')
			""";

	private final ImportLauncher launcher;

	private final JobRepository jobRepository;

	private final JdbcTemplate jdbc;

	private final RunQueries runs;

	private final FingerprintCache fingerprints;

	private final Clock clock;

	public DefinitionRuns(ImportLauncher launcher, JobRepository jobRepository, JdbcTemplate jdbc, RunQueries runs,
			FingerprintCache fingerprints, Clock clock) {
		this.launcher = launcher;
		this.jobRepository = jobRepository;
		this.jdbc = jdbc;
		this.runs = runs;
		this.fingerprints = fingerprints;
		this.clock = clock;
	}

	@Override
	public ScheduledRunResult launch(JobDefinition definition, LocalDate logicalDate) {
		return launch(definition, logicalDate, null);
	}

	/**
	 * Runs the night of the definition once, in this thread: the files no completed run read, or, when an
	 * earlier attempt of this night failed or stopped, that attempt's files again (it resumes from its last
	 * committed chunk, and its partitions are fixed).
	 * @param dryRunOut where a dry run writes request bodies; null to send
	 * @return the outcome; a completed run with more rejects than {@code limits.max-rejects} is reported
	 * failed (the night stays completed: its files are not read again)
	 */
	public ScheduledRunResult launch(JobDefinition definition, LocalDate logicalDate, Path dryRunOut) {
		// Each file fingerprinted once: a resumed night checks its earlier run's files, which are among the pending
		// ones, and a file not remembered (just written, or with the cache off) would be read whole twice.
		Map<Path, String> fingerprinted = new HashMap<>();
		Function<Path, String> fingerprint = (file) -> fingerprinted.computeIfAbsent(file, this.fingerprints::fingerprint);
		List<InputFiles.InputFile> pending = InputFiles.pending(definition, this, fingerprint, this.clock.instant());
		checkHeaders(definition, pending);
		ImportParameters params = parameters(definition, logicalDate, pending, fingerprint);
		if (dryRunOut != null) {
			params = params.withDryRun(dryRunOut);
		}
		JobExecution last = jobRepository.getLastJobExecution(ImportJobConfiguration.JOB_NAME, params.toJobParameters());
		boolean unfinished = last != null
				&& (last.getStatus() == BatchStatus.FAILED || last.getStatus() == BatchStatus.STOPPED);
		Optional<String> changed = unfinished ? launcher.changedFile(ImportParameters.from(last.getJobParameters()), fingerprint)
				: Optional.empty();
		if (changed.isPresent()) {
			// Its partitions would resume at byte offsets into other content: the night starts over as a run of its
			// own, reading the files as they are now; the ledger skips what the earlier run sent.
			log.warn("job={} logicalDate={} not resuming run {} ({}): {}; reading the files as they are now, as a new run",
					definition.name(), logicalDate, last.getId(), last.getStatus(), changed.get());
			params = params.withRunId(UUID.randomUUID().toString());
		}
		else if (unfinished) {
			log.info("job={} logicalDate={} resuming run {} ({}) with the files it had", definition.name(), logicalDate,
					last.getId(), last.getStatus());
			params = ImportParameters.from(last.getJobParameters());
		}
		else {
			log.info("job={} logicalDate={} files={}", definition.name(), logicalDate, params.allFiles().size());
		}
		LaunchOutcome outcome;
		try {
			outcome = launcher.launch(params, definition.remote());
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			// launch declares Exception; a checked one here is an unexpected failure like any other
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		return result(definition, outcome);
	}

	/**
	 * Refuses a night, before any run is created, when a usage CSV's header does not say which column holds a
	 * field that changes what is sent, naming the definition, its input and the file.
	 * @throws InvalidJobDefinitionException naming the definition's file and the input's {@code columns}
	 */
	static void checkHeaders(JobDefinition definition, List<InputFiles.InputFile> files) {
		for (InputFiles.InputFile file : files) {
			if (!(file.input() instanceof InputDefinition.UsageCsv csv)) {
				continue;
			}
			String field = "inputs[" + definition.inputs().indexOf(csv) + "].columns";
			try {
				UsageCsvColumns.read(file.file(), file.file().toString(), options(csv).usageCsv());
			}
			catch (UsageCsvHeaderException ex) {
				throw new InvalidJobDefinitionException(definition.file(), field,
						ex.getMessage() + ". To fix: " + ex.fix(UsageCsvHeaderException.JOB_DEFINITION));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot read the header of " + file.file(), ex);
			}
		}
	}

	private ScheduledRunResult result(JobDefinition definition, LaunchOutcome outcome) {
		JobExecution execution = outcome.execution();
		Long id = execution == null ? null : execution.getId();
		return switch (outcome.kind()) {
			case ALREADY_DONE -> ScheduledRunResult.alreadyCompleted(id);
			case REFUSED -> ScheduledRunResult.busy(outcome.message());
			case RAN -> switch (execution.getStatus()) {
				case COMPLETED -> checkRejects(definition, execution.getId());
				case STOPPED, STOPPING -> ScheduledRunResult.stopped(execution.getId());
				default -> ScheduledRunResult.failed(id, execution.getExitStatus().getExitDescription());
			};
		};
	}

	private ScheduledRunResult checkRejects(JobDefinition definition, long executionId) {
		Long max = definition.limits().maxRejects();
		if (max == null) {
			return ScheduledRunResult.completed(executionId);
		}
		long rejected = runs.find(executionId).map((summary) -> summary.counts().rejected()).orElse(0L);
		if (rejected <= max) {
			return ScheduledRunResult.completed(executionId);
		}
		return ScheduledRunResult.failed(executionId, rejected + " records rejected, more than limits.max-rejects ("
				+ max + "); the run completed and its files are not read again: see 'rejects " + executionId + "'");
	}

	/**
	 * The parameters of a night: every input of the definition, with the given files (possibly none).
	 * @param fingerprints fingerprints the files found next to them (Batch input and error files)
	 */
	static ImportParameters parameters(JobDefinition definition, LocalDate logicalDate,
			List<InputFiles.InputFile> files, Function<Path, String> fingerprints) {
		Map<InputDefinition, List<ImportParameters.InputFile>> byInput = new LinkedHashMap<>();
		for (InputDefinition input : definition.inputs()) {
			byInput.put(input, new ArrayList<>());
		}
		for (InputFiles.InputFile file : files) {
			byInput.get(file.input())
				.add(new ImportParameters.InputFile(source(file.file(), file.sha256()),
						source(file.batchInput(), fingerprints), source(file.errors(), fingerprints)));
		}
		List<ImportParameters.Input> inputs = new ArrayList<>();
		byInput.forEach((input, inputFiles) -> inputs
			.add(new ImportParameters.Input(input.format().id(), options(input), inputFiles)));
		return new ImportParameters(inputs, null, definition.pricing().exportedCost(),
				definition.pricing().unpricedModel(), definition.name(), logicalDate, false, null, false, null,
				definition.window(), settings(definition));
	}

	static RunSettings settings(JobDefinition definition) {
		JobDefinition.Destination destination = definition.destination();
		JobDefinition.RateLimit rate = destination.rateLimit();
		Path prices = definition.pricing().pricesFile();
		return new RunSettings(destination.maxBatchLogs(), destination.concurrency(),
				rate == null ? null : rate.logsPerSecond(), rate == null ? null : rate.requestsPerSecond(),
				prices == null ? null : definition.baseDirectory().resolve(prices).toAbsolutePath().normalize());
	}

	static InputOptions options(InputDefinition input) {
		String zone = input.defaultZone() == null ? null : input.defaultZone().getId();
		if (input instanceof InputDefinition.ChatLog chat) {
			return new InputOptions(chat.fields(), null, null, zone, chat.lineIds());
		}
		if (input instanceof InputDefinition.UsageCsv csv) {
			return new InputOptions(null, csv.columns(),
					csv.latencyUnit() == InputDefinition.LatencyUnit.SECONDS ? "s" : "ms", zone, csv.lineIds());
		}
		return new InputOptions(null, null, null, zone);
	}

	private static SourceFile source(Path file, String sha256) {
		return new SourceFile(file, sha256, file.toString());
	}

	private static SourceFile source(Path file, Function<Path, String> fingerprints) {
		return file == null ? null : source(file, fingerprints.apply(file));
	}

	@Override
	public boolean completed(String jobName, LocalDate logicalDate) {
		Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION_PARAMS p WHERE p.PARAMETER_NAME = '"
				+ ImportParameters.LOGICAL_DATE + "' AND p.PARAMETER_VALUE = ? AND p.JOB_EXECUTION_ID IN ("
				+ DEFINITION_EXECUTIONS + ")", Integer.class, logicalDate.toString(), jobName);
		return count != null && count > 0;
	}

	@Override
	public Optional<LocalDate> lastCompleted(String jobName) {
		String last = jdbc.queryForObject("SELECT MAX(p.PARAMETER_VALUE) FROM BATCH_JOB_EXECUTION_PARAMS p "
				+ "WHERE p.PARAMETER_NAME = '" + ImportParameters.LOGICAL_DATE + "' AND p.JOB_EXECUTION_ID IN ("
				+ DEFINITION_EXECUTIONS + ")", String.class, jobName);
		return Optional.ofNullable(last).map(LocalDate::parse);
	}

	/** The fingerprints of the main files (for together-batch, the output files) of completed nights. */
	@Override
	public Set<String> completedFingerprints(String jobName) {
		return new HashSet<>(jdbc.queryForList("SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p "
				+ "WHERE p.PARAMETER_NAME LIKE 'input.%.file.%.sha256' AND p.PARAMETER_NAME NOT LIKE '%.batchInput.sha256' "
				+ "AND p.PARAMETER_NAME NOT LIKE '%.errors.sha256' AND p.JOB_EXECUTION_ID IN (" + DEFINITION_EXECUTIONS
				+ ")", String.class, jobName));
	}

}
