package io.keywordsbackfill.job;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.stereotype.Service;

import io.keywordsbackfill.source.FingerprintCache;
import io.keywordsbackfill.source.SourceFile;

/**
 * Starts, resumes and restarts imports, deciding from the job repository what "run these files" means:
 * a new run, the continuation of an unfinished one, or nothing because it is done.
 */
@Service
public class ImportLauncher {

	private static final Logger log = LoggerFactory.getLogger(ImportLauncher.class);

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job importJob;

	private final RunOwners owners;

	/** The imports running in this process: one, or one per job under {@code schedule}. */
	private final Set<JobExecution> current = ConcurrentHashMap.newKeySet();

	private final FingerprintCache fingerprints;

	private final RunResources resources;

	public ImportLauncher(JobOperator jobOperator, JobRepository jobRepository, Job importJob, RunOwners owners,
			FingerprintCache fingerprints, RunResources resources) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.importJob = importJob;
		this.owners = owners;
		this.fingerprints = fingerprints;
		this.resources = resources;
	}

	/**
	 * Runs the import described by {@code params} to its end (or until stopped) in this thread.
	 * @return the outcome; never null
	 */
	public LaunchOutcome launch(ImportParameters params) throws Exception {
		return launch(params, false);
	}

	/**
	 * Runs the import described by {@code params} to its end (or until stopped) in this thread.
	 * @param remote run its partitions on {@code worker} processes rather than on threads of this one; a restart
	 * of the run keeps this
	 * @return the outcome; never null
	 */
	public LaunchOutcome launch(ImportParameters params, boolean remote) throws Exception {
		JobParameters jobParameters = params.toJobParameters();
		JobExecution last = jobRepository.getLastJobExecution(ImportJobConfiguration.JOB_NAME, jobParameters);
		if (last != null) {
			switch (last.getStatus()) {
				case COMPLETED:
					return LaunchOutcome.alreadyDone(last);
				case ABANDONED:
					return LaunchOutcome.refused(last, "run " + last.getId()
							+ " of these files was abandoned; start a fresh one with --new-run");
				case STARTING, STARTED, STOPPING:
					Optional<LaunchOutcome> busy = recoverIfDead(last);
					if (busy.isPresent()) {
						return busy.get();
					}
					break;
				default:
					log.info("Resuming run {} ({}) from its last committed chunk", last.getId(), last.getStatus());
			}
		}
		if (remote) {
			jobParameters = new JobParametersBuilder(jobParameters)
				.addString(ImportJobConfiguration.PARTITIONING, ImportJobConfiguration.REMOTE, false)
				.toJobParameters();
		}
		return LaunchOutcome.ran(jobOperator.start(importJob, jobParameters));
	}

	/**
	 * Restarts a failed or stopped run, or one left {@code STARTED} by a process that no longer exists.
	 * @param force recover a {@code STARTED} run even when its owner cannot be checked (another host)
	 */
	public LaunchOutcome restart(long jobExecutionId, boolean force) throws Exception {
		JobExecution execution;
		try {
			execution = jobRepository.getJobExecution(jobExecutionId);
		}
		catch (EmptyResultDataAccessException ex) {
			// Batch 6 on JDBC throws for an unknown id instead of returning null as documented
			execution = null;
		}
		if (execution == null) {
			return LaunchOutcome.refused(null, "no run with id " + jobExecutionId);
		}
		if (execution.getStatus() == BatchStatus.COMPLETED) {
			return LaunchOutcome.alreadyDone(execution);
		}
		if (execution.getStatus().isRunning()) {
			Optional<LaunchOutcome> busy = force ? Optional.empty() : recoverIfDead(execution);
			if (busy.isPresent()) {
				return busy.get();
			}
			if (force) {
				jobOperator.recover(execution);
			}
		}
		JobExecution latest = jobRepository.getLastJobExecution(execution.getJobInstance());
		if (latest != null && latest.getId() != jobExecutionId && latest.getStatus() == BatchStatus.COMPLETED) {
			return LaunchOutcome.alreadyDone(latest);
		}
		JobExecution last = latest == null ? execution : latest;
		Optional<String> changed = changedFile(ImportParameters.from(last.getJobParameters()),
				this.fingerprints::fingerprint);
		if (changed.isPresent()) {
			return LaunchOutcome.refused(last, "cannot continue run " + jobExecutionId + ": " + changed.get()
					+ ", and it would resume at byte offsets into other content. Import the file again instead: that is "
					+ "a new run, which skips the records already sent");
		}
		return LaunchOutcome.ran(jobOperator.restart(last));
	}

	/**
	 * What keeps a run from resuming: the first of its files that is gone, unreadable or not the content the run
	 * read (by fingerprint; an unchanged file is recognised by the one remembered for it, without a full
	 * read). A run resumes each file at a byte offset, which in other content would skip or split records.
	 * @param fingerprints a file's fingerprint now ({@link FingerprintCache#fingerprint(Path)}, or a memo of it)
	 * @return a description naming the file, or empty when every file is as the run read it
	 */
	public Optional<String> changedFile(ImportParameters params, Function<Path, String> fingerprints) {
		return changedFile(params.allFiles(), fingerprints);
	}

	/**
	 * What keeps a partition from being read: the first of its files that is gone, unreadable or not the content
	 * the run read (see {@link #changedFile(ImportParameters, Function)}). A worker on another machine checks this
	 * before it reads, as the manager fingerprinted the files on its own.
	 * @param partition the partition's step execution context
	 * @return a description naming the file, or empty when every file is as the run read it
	 */
	public static Optional<String> changedFile(ExecutionContext partition, Function<Path, String> fingerprints) {
		return changedFile(Partition.from(partition).allFiles(), fingerprints);
	}

	private static Optional<String> changedFile(List<SourceFile> files, Function<Path, String> fingerprints) {
		for (SourceFile file : files) {
			if (!Files.isRegularFile(file.path())) {
				return Optional.of(file.displayName() + " is gone");
			}
			String now;
			try {
				now = fingerprints.apply(file.path());
			}
			catch (UncheckedIOException ex) {
				return Optional.of(file.displayName() + " cannot be read (" + ex.getCause().getMessage() + ")");
			}
			if (!now.equals(file.fingerprint())) {
				return Optional.of(file.displayName() + " changed since the run read it (fingerprint "
						+ file.shortFingerprint() + "..., now " + now.substring(0, 16) + "...)");
			}
		}
		return Optional.empty();
	}

	/**
	 * Asks the running imports of this process to stop after their current chunk. Safe to call from a
	 * shutdown hook.
	 * @return whether an import was running and was asked to stop
	 */
	public boolean stopCurrent() {
		boolean stopping = false;
		for (JobExecution execution : Set.copyOf(current)) {
			try {
				log.warn("Stopping run {} after the current chunk", execution.getId());
				stopping |= jobOperator.stop(execution);
				// a chunk waiting to retry a request would otherwise end only when the wait does
				resources.stop(execution.getId());
			}
			catch (Exception ex) {
				log.warn("Could not stop run {}: {}", execution.getId(), ex.getMessage());
			}
		}
		return stopping;
	}

	private Optional<LaunchOutcome> recoverIfDead(JobExecution execution) {
		Optional<RunOwners.Owner> owner = owners.ownerOf(execution.getId());
		if (owner.isPresent() && owner.get().knownDead()) {
			log.warn("Run {} was left {} by {}, which is gone; recovering it", execution.getId(),
					execution.getStatus(), owner.get());
			jobOperator.recover(execution);
			return Optional.empty();
		}
		String who = owner.map(RunOwners.Owner::toString).orElse("an unknown process");
		return Optional.of(LaunchOutcome.refused(execution, "run " + execution.getId() + " is still " + execution.getStatus()
				+ " in " + who + "; if that process is gone, use 'restart " + execution.getId() + " --force'"));
	}

	/**
	 * Called by the job listener so that a stop request can find the running execution. Puts the run into
	 * the log context: {@code run} and {@code job} (fields of JSON log lines) and {@code context}, the two as
	 * text for the plain log pattern.
	 */
	void running(JobExecution execution) {
		current.add(execution);
		MDC.put("run", String.valueOf(execution.getId()));
		MDC.put("job", execution.getJobInstance().getJobName());
		MDC.put("context", "run=" + execution.getId() + " job=" + execution.getJobInstance().getJobName() + " ");
	}

	void finished(JobExecution execution) {
		current.remove(execution);
		MDC.remove("context");
		MDC.remove("run");
		MDC.remove("job");
	}

}
