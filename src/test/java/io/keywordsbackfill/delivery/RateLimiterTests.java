package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTests {

	final AtomicLong now = new AtomicLong();

	final List<Duration> waits = new ArrayList<>();

	/** Sleeping advances the fake clock, as real time would. */
	final Sleeper sleeper = duration -> {
		waits.add(duration);
		now.addAndGet(duration.toNanos());
	};

	@Test
	void allowsOneSecondsWorthAtOnceThenPacesTheRest() throws InterruptedException {
		RateLimiter limiter = new RateLimiter(1000, now::get, sleeper);

		limiter.acquire(1000);
		assertThat(waits).isEmpty();

		limiter.acquire(500);
		assertThat(waits).containsExactly(Duration.ofMillis(500));
	}

	@Test
	void tenThousandLogsAtTwoThousandPerSecondTakeAboutFourSecondsAfterTheBurst() throws InterruptedException {
		RateLimiter limiter = new RateLimiter(2000, now::get, sleeper);

		for (int i = 0; i < 20; i++) {
			limiter.acquire(500);
		}

		assertThat(Duration.ofNanos(now.get())).isEqualTo(Duration.ofSeconds(4));
	}

	@Test
	void unlimitedNeverWaits() throws InterruptedException {
		assertThat(RateLimiter.UNLIMITED.acquire(1_000_000)).isZero();
	}

}
