package io.keywordsbackfill.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RetryPolicyTests {

	private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

	private final FakeTime time = new FakeTime();

	private RetryPolicy policy(double random, Duration budget, int maxAttempts) {
		KeywordsAiProperties.Retry settings = new KeywordsAiProperties.Retry(Duration.ofMillis(500), 2,
				Duration.ofSeconds(30), budget, maxAttempts);
		return new RetryPolicy(settings, time, () -> random, time, Clock.fixed(NOW, ZoneOffset.UTC));
	}

	@Test
	void waitsGrowExponentiallyUpToTheCapScaledByTheJitter() {
		RetryPolicy.Attempts attempts = policy(1.0, Duration.ofHours(1), 0).start();
		List<Duration> waits = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			waits.add(attempts.nextWait("HTTP 503", null, null));
		}
		assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
				Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30),
				Duration.ofSeconds(30));
	}

	@Test
	void fullJitterDrawsBetweenZeroAndTheCeiling() {
		RetryPolicy.Attempts attempts = policy(0.25, Duration.ofHours(1), 0).start();
		attempts.nextWait("HTTP 503", null, null);
		attempts.nextWait("HTTP 503", null, null);
		assertThat(attempts.nextWait("HTTP 503", null, null)).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void theServersWaitIsAFloorAndMayExceedTheCap() {
		RetryPolicy.Attempts attempts = policy(0.5, Duration.ofMinutes(5), 0).start();
		assertThat(attempts.nextWait("HTTP 429", Duration.ofSeconds(45), null)).isEqualTo(Duration.ofSeconds(45));
		assertThat(attempts.nextWait("HTTP 429", Duration.ZERO, null)).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void givesUpAtOnceWhenTheServersWaitExceedsTheRemainingBudget() {
		RetryPolicy.Attempts attempts = policy(0.5, Duration.ofMinutes(1), 0).start();
		assertThatExceptionOfType(TransientDeliveryException.class)
			.isThrownBy(() -> attempts.nextWait("HTTP 429 Too Many Requests", Duration.ofMinutes(2), null))
			.withMessageContaining("HTTP 429 Too Many Requests")
			.withMessageContaining("1 attempt")
			.withMessageContaining("asked to wait 2m");
	}

	@Test
	void givesUpWhenTheNextWaitWouldEndPastTheBudget() {
		RetryPolicy.Attempts attempts = policy(1.0, Duration.ofSeconds(3), 0).start();
		attempts.sleep(attempts.nextWait("HTTP 503", null, null), "HTTP 503");
		attempts.sleep(attempts.nextWait("HTTP 503", null, null), "HTTP 503");
		// 1.5 s spent, the next wait of 2 s would end at 3.5 s
		assertThatExceptionOfType(TransientDeliveryException.class)
			.isThrownBy(() -> attempts.nextWait("HTTP 503 Service Unavailable", null, null))
			.withMessageContaining("3 attempts")
			.withMessageContaining("retry budget of 3s ran out")
			.withMessageContaining("HTTP 503 Service Unavailable");
		assertThat(time.waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
	}

	@Test
	void maxAttemptsCountsTheFirstAttempt() {
		RetryPolicy.Attempts attempts = policy(0.5, Duration.ofHours(1), 3).start();
		attempts.nextWait("HTTP 500", null, null);
		attempts.nextWait("HTTP 500", null, null);
		assertThatExceptionOfType(TransientDeliveryException.class)
			.isThrownBy(() -> attempts.nextWait("HTTP 500", null, null))
			.withMessageContaining("attempt limit of 3");
	}

	@Test
	void keepsTheLastErrorAsCause() {
		RetryPolicy.Attempts attempts = policy(0.5, Duration.ofHours(1), 1).start();
		IOException reset = new SocketException("Connection reset");
		assertThatExceptionOfType(TransientDeliveryException.class)
			.isThrownBy(() -> attempts.nextWait("SocketException: Connection reset", null, reset))
			.withCause(reset);
	}

	@Test
	void readsRetryAfterAsSecondsOrHttpDate() {
		RetryPolicy policy = policy(0.5, Duration.ofHours(1), 0);
		assertThat(policy.parseRetryAfter("2")).isEqualTo(Duration.ofSeconds(2));
		assertThat(policy.parseRetryAfter(" 1.5 ")).isEqualTo(Duration.ofMillis(1500));
		assertThat(policy.parseRetryAfter("Sat, 01 Mar 2025 12:00:10 GMT")).isEqualTo(Duration.ofSeconds(10));
		assertThat(policy.parseRetryAfter("Sat, 01 Mar 2025 11:00:00 GMT")).isEqualTo(Duration.ZERO);
		assertThat(policy.parseRetryAfter("-5")).isEqualTo(Duration.ZERO);
		assertThat(policy.parseRetryAfter("soon")).isNull();
		assertThat(policy.parseRetryAfter(null)).isNull();
	}

}
