package io.keywordsbackfill.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.step.FatalStepExecutionException;
import org.springframework.batch.infrastructure.item.ItemStreamException;

import io.keywordsbackfill.delivery.FatalDeliveryException;

class RunOwnerListenerTests {

	static final Throwable MANAGER = new JobExecutionException("Partition handler returned an unsuccessful step");

	static final Throwable PARTITION = new FatalStepExecutionException("Unable to process chunk",
			new ItemStreamException("out.jsonl changed while it was read (size 10 -> 20 bytes)"));

	@Test
	void aPartitionsCauseIsTheRunsWhicheverOrderTheStepsComeIn() {
		String expected = "ItemStreamException: out.jsonl changed while it was read (size 10 -> 20 bytes)";

		assertThat(RunOwnerListener.cause(List.of(MANAGER, PARTITION))).isEqualTo(expected);
		assertThat(RunOwnerListener.cause(List.of(PARTITION, MANAGER))).isEqualTo(expected);
	}

	@Test
	void aDeliveryFailureComesFirst() {
		Throwable delivery = new FatalDeliveryException(401, "Keywords AI refused the API key (401)");

		assertThat(RunOwnerListener.cause(List.of(PARTITION, new RuntimeException("wrapped", delivery), MANAGER)))
			.isEqualTo("Keywords AI refused the API key (401)");
	}

	@Test
	void theManagersOwnFailureWhenNothingElseFailed() {
		assertThat(RunOwnerListener.cause(List.of(MANAGER)))
			.isEqualTo("JobExecutionException: Partition handler returned an unsuccessful step");
		assertThat(RunOwnerListener.cause(List.of())).isNull();
	}

}
