package io.keywordsbackfill.job;

import java.util.Collection;

import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Runs a run's partitions on threads of this process, or on worker processes when the run was started with
 * {@code --remote} (job parameter {@value ImportJobConfiguration#PARTITIONING} = {@code remote}). Chosen per
 * run, from its parameters, so a restart runs where the run ran.
 */
final class PartitioningChoice implements PartitionHandler {

	private final PartitionHandler local;

	private final ObjectProvider<PartitionHandler> remote;

	PartitioningChoice(PartitionHandler local, ObjectProvider<PartitionHandler> remote) {
		this.local = local;
		this.remote = remote;
	}

	@Override
	public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution managerStepExecution)
			throws Exception {
		if (!isRemote(managerStepExecution)) {
			return this.local.handle(splitter, managerStepExecution);
		}
		PartitionHandler handler = this.remote.getIfAvailable();
		if (handler == null) {
			throw new IllegalStateException("run " + managerStepExecution.getJobExecutionId()
					+ " runs its partitions on workers, but this process has no remote partitioning configured");
		}
		return handler.handle(splitter, managerStepExecution);
	}

	static boolean isRemote(StepExecution stepExecution) {
		return ImportJobConfiguration.REMOTE.equals(
				stepExecution.getJobExecution().getJobParameters().getString(ImportJobConfiguration.PARTITIONING));
	}

}
