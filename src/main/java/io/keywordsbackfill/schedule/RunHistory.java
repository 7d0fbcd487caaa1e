package io.keywordsbackfill.schedule;

import java.time.LocalDate;
import java.util.Optional;

/**
 * Which nights of a job have completed: the job repository's answer, seen by the scheduler. A night is
 * completed when the job instance of (job name, logical date) has a {@code COMPLETED} execution.
 */
public interface RunHistory {

	/**
	 * The latest logical date of the job whose run completed.
	 * @return empty when no night of the job ever completed
	 */
	Optional<LocalDate> lastCompleted(String jobName);

	/** Whether the run of this night completed (a failed, stopped or running one has not). */
	boolean completed(String jobName, LocalDate logicalDate);

}
