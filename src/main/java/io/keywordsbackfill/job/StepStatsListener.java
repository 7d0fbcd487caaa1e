package io.keywordsbackfill.job;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

import io.keywordsbackfill.delivery.StepStatsStore;

/** Creates the statistics row of each step execution before its first chunk. */
@Component
class StepStatsListener implements StepExecutionListener {

	private final StepStatsStore stats;

	StepStatsListener(StepStatsStore stats) {
		this.stats = stats;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		stats.open(stepExecution.getJobExecutionId(), stepExecution.getId());
	}

}
