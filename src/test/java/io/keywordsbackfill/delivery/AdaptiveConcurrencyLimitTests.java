package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AdaptiveConcurrencyLimitTests {

	final AtomicLong now = new AtomicLong();

	@Test
	void growsByAboutOnePerRoundTripWhileLatencyIsSteadyAndRequestsFillTheLimit() throws InterruptedException {
		AdaptiveConcurrencyLimit limit = new AdaptiveConcurrencyLimit(2, 1, 10, true, now::get);

		for (int roundTrip = 0; roundTrip < 4; roundTrip++) {
			int current = limit.currentLimit();
			for (int i = 0; i < current; i++) {
				limit.acquire();
			}
			for (int i = 0; i < current; i++) {
				limit.requestCompleted(200, Duration.ofMillis(100));
				limit.release();
			}
		}

		assertThat(limit.currentLimit()).isBetween(4, 6);
		assertThat(limit.decreases()).isZero();
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
	}

	@Test
	void rejectsAnInconsistentRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AdaptiveConcurrencyLimit(5, 1, 4, true, now::get));
	}

}
