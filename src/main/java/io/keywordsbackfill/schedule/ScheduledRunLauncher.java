package io.keywordsbackfill.schedule;

import java.time.LocalDate;

/**
 * Runs one night of one job to its end, in the calling thread: implemented over Spring Batch, where each
 * scheduled run is the job instance identified by the job name and the logical date, so a night never
 * runs twice. The implementation picks the files with {@link InputFiles#pending}, so files that a
 * completed run already read are not read again.
 */
@FunctionalInterface
public interface ScheduledRunLauncher {

	/**
	 * @param definition the job
	 * @param logicalDate the night, in the definition's zone
	 * @return the outcome, never null; {@link ScheduledRunResult#busy} when another process runs the job
	 * @throws RuntimeException for an unexpected failure, which the scheduler treats like a failed run
	 */
	ScheduledRunResult launch(JobDefinition definition, LocalDate logicalDate);

}
