package io.keywordsbackfill.schedule;

/**
 * What became of one scheduled run, as reported by a {@link ScheduledRunLauncher}.
 *
 * @param status the outcome
 * @param executionId the Spring Batch job execution id of the run, or null when none started
 * @param message why it did not run or what failed, for the log; null when there is nothing to say
 */
public record ScheduledRunResult(Status status, Long executionId, String message) {

	public enum Status {

		/** The run completed now (rejected records included). */
		COMPLETED,
		/** The night had completed already, e.g. in another process: nothing ran. */
		ALREADY_COMPLETED,
		/** The run failed; it is tried again at the next fire time, or with {@code restart ID}. */
		FAILED,
		/** The run was stopped (SIGTERM); restartable. */
		STOPPED,
		/** Another process runs this job now: nothing ran; the scheduler looks again at its next tick. */
		BUSY

	}

	public static ScheduledRunResult completed(long executionId) {
		return new ScheduledRunResult(Status.COMPLETED, executionId, null);
	}

	public static ScheduledRunResult alreadyCompleted(Long executionId) {
		return new ScheduledRunResult(Status.ALREADY_COMPLETED, executionId, null);
	}

	public static ScheduledRunResult failed(Long executionId, String message) {
		return new ScheduledRunResult(Status.FAILED, executionId, message);
	}

	public static ScheduledRunResult stopped(long executionId) {
		return new ScheduledRunResult(Status.STOPPED, executionId, null);
	}

	/** @param reason who holds the job, said so that the log explains why the night did not run */
	public static ScheduledRunResult busy(String reason) {
		return new ScheduledRunResult(Status.BUSY, null, reason);
	}

	/** Whether the night is done, so the next due night may run. */
	public boolean done() {
		return status == Status.COMPLETED || status == Status.ALREADY_COMPLETED;
	}

}
