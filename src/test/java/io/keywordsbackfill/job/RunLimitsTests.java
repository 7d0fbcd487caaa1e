package io.keywordsbackfill.job;

import org.junit.jupiter.api.Test;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import static org.assertj.core.api.Assertions.assertThat;

class RunLimitsTests {

	@Test
	void aShareDividesTheRatesAndTheConcurrencyButLeavesEachWorkerOneRequest() {
		RunLimits run = new RunLimits(1000, 10, 4, 32);

		assertThat(run.share(1)).isEqualTo(run);
		assertThat(run.share(4)).isEqualTo(new RunLimits(250, 2.5, 1, 8));
		assertThat(run.share(64)).isEqualTo(new RunLimits(1000 / 64.0, 10 / 64.0, 1, 1));
		// no limit stays no limit
		assertThat(new RunLimits(0, 0, 4, 32).share(2)).isEqualTo(new RunLimits(0, 0, 2, 16));
	}

	@Test
	void aPartitionOfARemoteRunCarriesItsShareAndOneOfALocalRunNone() {
		ExecutionContext context = new ExecutionContext();
		assertThat(RunLimits.readFrom(context)).isEmpty();

		RunLimits share = new RunLimits(500, 5, 2, 16);
		share.writeTo(context);

		assertThat(RunLimits.readFrom(context)).contains(share);
	}

}
