package io.keywordsbackfill.job;

import java.util.List;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

import io.keywordsbackfill.delivery.FatalDeliveryException;
import io.keywordsbackfill.delivery.Ledger;
import io.keywordsbackfill.delivery.PendingDeliveries;
import io.keywordsbackfill.delivery.TransientDeliveryException;

/**
 * Around each run: records which process runs it (see {@link RunOwners}), tells the launcher so a stop
 * request can find it, and on failure puts the cause a person needs first in the exit message (Batch's
 * own starts with wrapper exceptions such as "Unable to process chunk").
 */
@Component
class RunOwnerListener implements JobExecutionListener {

	private final RunOwners owners;

	private final ImportLauncher launcher;

	private final RunResources resources;

	private final PendingDeliveries pending;

	private final Ledger ledger;

	RunOwnerListener(RunOwners owners, @Lazy ImportLauncher launcher, RunResources resources,
			PendingDeliveries pending, Ledger ledger) {
		this.pending = pending;
		this.ledger = ledger;
		this.owners = owners;
		this.launcher = launcher;
		this.resources = resources;
	}

	@Override
	public void beforeJob(JobExecution jobExecution) {
		owners.claim(jobExecution.getId());
		launcher.running(jobExecution);
	}

	@Override
	public void afterJob(JobExecution jobExecution) {
		launcher.finished(jobExecution);
		resources.finished(jobExecution.getId());
		if (jobExecution.getStatus() == BatchStatus.COMPLETED) {
			pending.clearSettled(jobExecution.getId(), ledger);
		}
		String cause = cause(jobExecution.getAllFailureExceptions());
		if (cause != null) {
			ExitStatus exit = jobExecution.getExitStatus();
			jobExecution.setExitStatus(new ExitStatus(exit.getExitCode(), cause + "\n" + exit.getExitDescription()));
		}
	}

	/**
	 * The message of the most telling failure: a delivery failure first, else the deepest cause of a partition's
	 * failure rather than the partitioned step's own ("Partition handler returned an unsuccessful step"), which
	 * says only that a partition failed. The step executions come in no set order.
	 */
	static String cause(List<Throwable> failures) {
		Throwable telling = null;
		for (Throwable failure : failures) {
			Throwable deepest = failure;
			for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
				if (t instanceof FatalDeliveryException || t instanceof TransientDeliveryException) {
					return t.getMessage();
				}
				deepest = t;
			}
			if (telling == null || (telling instanceof JobExecutionException && !(deepest instanceof JobExecutionException))) {
				telling = deepest;
			}
		}
		return telling == null ? null : telling.getClass().getSimpleName() + ": " + telling.getMessage();
	}

}
