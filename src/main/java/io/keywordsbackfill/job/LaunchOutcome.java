package io.keywordsbackfill.job;

import org.springframework.batch.core.job.JobExecution;

/**
 * What happened when an import was asked for.
 *
 * @param kind ran, or was done already, or was refused
 * @param execution the execution that ran, or the one that made it unnecessary or refused; may be null for
 * a refusal about an unknown id
 * @param message why it was refused, else null
 */
public record LaunchOutcome(Kind kind, JobExecution execution, String message) {

	public enum Kind {
		RAN, ALREADY_DONE, REFUSED
	}

	static LaunchOutcome ran(JobExecution execution) {
		return new LaunchOutcome(Kind.RAN, execution, null);
	}

	static LaunchOutcome alreadyDone(JobExecution execution) {
		return new LaunchOutcome(Kind.ALREADY_DONE, execution, null);
	}

	static LaunchOutcome refused(JobExecution execution, String message) {
		return new LaunchOutcome(Kind.REFUSED, execution, message);
	}

}
