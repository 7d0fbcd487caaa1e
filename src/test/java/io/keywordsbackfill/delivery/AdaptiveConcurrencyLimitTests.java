package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AdaptiveConcurrencyLimitTests {

	final AtomicLong now = new AtomicLong();

	@Test
	void doublesPerRoundTripInSlowStartUpToTheMaximum() throws InterruptedException {
		AdaptiveConcurrencyLimit limit = new AdaptiveConcurrencyLimit(4, 1, 40, true, now::get);
		SteadyDemand senders = new SteadyDemand(limit, 100);

		assertThat(limit.inSlowStart()).isTrue();
		senders.roundTrip();
		assertThat(limit.currentLimit()).isEqualTo(8);
		senders.roundTrip();
		assertThat(limit.currentLimit()).isEqualTo(16);
		senders.roundTrip();
		assertThat(limit.currentLimit()).isEqualTo(32);
		senders.roundTrip();
		assertThat(limit.currentLimit()).isEqualTo(40);
		assertThat(limit.inSlowStart()).isTrue();
		assertThat(limit.decreases()).isZero();
	}

	@Test
	void slowStartGrowsOnlyAsFarAsTheDemand() throws InterruptedException {
		AdaptiveConcurrencyLimit limit = new AdaptiveConcurrencyLimit(4, 1, 40, true, now::get);
		SteadyDemand senders = new SteadyDemand(limit, 10);

		for (int roundTrip = 0; roundTrip < 10; roundTrip++) {
			senders.roundTrip();
		}

		assertThat(limit.currentLimit()).isBetween(10, 11);
	}

	@Test
	void growsByAboutOnePerRoundTripAfterTheFirstCut() throws InterruptedException {
		AdaptiveConcurrencyLimit limit = new AdaptiveConcurrencyLimit(8, 1, 40, true, now::get);
		limit.requestCompleted(200, Duration.ofMillis(100));
		now.addAndGet(Duration.ofSeconds(1).toNanos());
		limit.requestCompleted(429, Duration.ofMillis(100));
		assertThat(limit.currentLimit()).isEqualTo(6);
		assertThat(limit.inSlowStart()).isFalse();
		SteadyDemand senders = new SteadyDemand(limit, 100);

		for (int roundTrip = 0; roundTrip < 4; roundTrip++) {
			senders.roundTrip();
		}

		assertThat(limit.currentLimit()).isBetween(9, 10);
		assertThat(limit.decreases()).isEqualTo(1);
	}

	@Test
	void doesNotGrowWhenRequestsDoNotFillTheLimit() throws InterruptedException {
		AdaptiveConcurrencyLimit limit = new AdaptiveConcurrencyLimit(4, 1, 10, true, now::get);

		for (int i = 0; i < 50; i++) {
			limit.acquire();
			limit.requestCompleted(200, Duration.ofMillis(100));
			limit.release();
		}

		assertThat(limit.currentLimit()).isEqualTo(4);
	}

	@Test
	void cutsOnA429OncePerRoundTrip() throws InterruptedException {
		AdaptiveConcurrencyLimit limit = new AdaptiveConcurrencyLimit(8, 1, 10, true, now::get);
		limit.requestCompleted(200, Duration.ofMillis(100));
		now.addAndGet(Duration.ofSeconds(1).toNanos());

		limit.requestCompleted(429, Duration.ofMillis(100));
		limit.requestCompleted(429, Duration.ofMillis(100)); // same round trip: counted once

		assertThat(limit.currentLimit()).isEqualTo(6);
		assertThat(limit.decreases()).isEqualTo(1);

		now.addAndGet(Duration.ofSeconds(1).toNanos());
		limit.requestCompleted(503, Duration.ofMillis(100));
		assertThat(limit.currentLimit()).isEqualTo(4);
	}

	@Test
	void cutsWhenLatencyRisesWellAboveItsBaseline() {
		AdaptiveConcurrencyLimit limit = new AdaptiveConcurrencyLimit(8, 2, 10, true, now::get);
		for (int i = 0; i < 10; i++) {
			limit.requestCompleted(200, Duration.ofMillis(50));
		}
		for (int i = 0; i < 10; i++) {
			now.addAndGet(Duration.ofSeconds(1).toNanos());
			limit.requestCompleted(200, Duration.ofMillis(400));
		}

		assertThat(limit.decreases()).isPositive();
		assertThat(limit.currentLimit()).isGreaterThanOrEqualTo(2).isLessThan(8);
	}

	@Test
	void aFixedLimitNeverMoves() {
		AdaptiveConcurrencyLimit limit = new AdaptiveConcurrencyLimit(3, 1, 10, false, now::get);
		now.addAndGet(Duration.ofSeconds(1).toNanos());
		limit.requestCompleted(429, Duration.ofMillis(100));

		assertThat(limit.currentLimit()).isEqualTo(3);
		assertThat(limit.inSlowStart()).isFalse();
	}

	@Test
	void rejectsAnInconsistentRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AdaptiveConcurrencyLimit(5, 1, 4, true, now::get));
	}

	/**
	 * {@code demand} senders that each send again as soon as their answer is in: every answer frees a slot that
	 * a waiting sender takes at once, as the partitions' batches do. Keeps its own count, so it never blocks.
	 */
	private static final class SteadyDemand {

		private final AdaptiveConcurrencyLimit limit;

		private final int demand;

		private int inFlight;

		SteadyDemand(AdaptiveConcurrencyLimit limit, int demand) throws InterruptedException {
			this.limit = limit;
			this.demand = demand;
			refill();
		}

		/** The answers (200, 100 ms) to the requests in flight at its start, each followed by the refill. */
		void roundTrip() throws InterruptedException {
			int answers = this.inFlight;
			for (int i = 0; i < answers; i++) {
				this.limit.requestCompleted(200, Duration.ofMillis(100));
				this.limit.release();
				this.inFlight--;
				refill();
			}
		}

		private void refill() throws InterruptedException {
			while (this.inFlight < this.demand && this.inFlight < this.limit.currentLimit()) {
				this.limit.acquire();
				this.inFlight++;
			}
		}

	}

}
