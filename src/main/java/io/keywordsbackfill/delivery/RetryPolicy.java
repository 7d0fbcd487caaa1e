package io.keywordsbackfill.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * When and whether to retry one batch request. Waits are exponential with full jitter,
 * {@code random(0, min(maxDelay, initialDelay × multiplier^n))} before the (n+2)th attempt, but never shorter than
 * what the server asked for ({@code Retry-After} or {@code retry_after}). All attempts of one request share a time
 * budget; a wait that would end past it is not taken and the request gives up with a
 * {@link TransientDeliveryException}. Thread-safe; each request gets its own {@link Attempts}.
 */
public final class RetryPolicy {

	/**
	 * Attempts that may fail to connect before a server has answered any request of the run; then the URL is
	 * taken to be wrong (or the server absent) and the run stops, instead of retrying for the whole budget.
	 */
	public static final int FIRST_CONTACT_ATTEMPTS = 3;

	private final KeywordsAiProperties.Retry settings;

	private final Sleeper sleeper;

	private final DoubleSupplier random;

	private final LongSupplier nanoTime;

	private final Clock clock;

	/**
	 * @param settings delays, budget and attempt limit
	 * @param sleeper waits between attempts
	 * @param random uniform values in [0, 1) for the jitter
	 * @param nanoTime monotonic time in nanoseconds, for the budget
	 * @param clock wall-clock time, to read a {@code Retry-After} HTTP date
	 */
	public RetryPolicy(KeywordsAiProperties.Retry settings, Sleeper sleeper, DoubleSupplier random, LongSupplier nanoTime,
			Clock clock) {
		this.settings = settings;
		this.sleeper = sleeper;
		this.random = random;
		this.nanoTime = nanoTime;
		this.clock = clock;
	}

	/** A policy that really sleeps, with a thread-local random source and the system clocks. */
	public static RetryPolicy of(KeywordsAiProperties.Retry settings) {
		return of(settings, Sleeper.THREAD);
	}

	/** A policy that waits with {@code sleeper} (a run's {@link StoppableSleeper}), with the system clocks. */
	public static RetryPolicy of(KeywordsAiProperties.Retry settings, Sleeper sleeper) {
		return new RetryPolicy(settings, sleeper, () -> ThreadLocalRandom.current().nextDouble(), System::nanoTime,
				Clock.systemUTC());
	}

	/** Starts the budget of one request; call when its first attempt starts. */
	Attempts start() {
		return new Attempts(nanoTime.getAsLong());
	}

	/**
	 * Reads a {@code Retry-After} header: delay seconds, or an HTTP date.
	 * @return the wait asked for, zero for a date already past, or null when absent or unreadable
	 */
	Duration parseRetryAfter(String header) {
		if (header == null || header.isBlank()) {
			return null;
		}
		String value = header.trim();
		try {
			return nonNegative(seconds(Double.parseDouble(value)));
		}
		catch (NumberFormatException ex) {
			// not seconds: an HTTP date then
		}
		try {
			Instant until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			return nonNegative(Duration.between(clock.instant(), until));
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	static Duration seconds(double seconds) {
		if (Double.isNaN(seconds) || seconds <= 0) {
			return Duration.ZERO;
		}
		// a day is far beyond any budget; capping keeps the conversion from overflowing
		return Duration.ofNanos((long) (Math.min(seconds, 86_400) * 1e9));
	}

	private static Duration nonNegative(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : duration;
	}

	/** The attempts of one request. Not thread-safe: one request runs on one thread. */
	final class Attempts {

		private final long startNanos;

		private int attempts;

		private Attempts(long startNanos) {
			this.startNanos = startNanos;
		}

		/**
		 * Records a failed attempt and decides the wait before the next one.
		 * @param failure what went wrong, for the exception message (status and server message, or error)
		 * @param serverWait the wait the server asked for, or null
		 * @param cause the I/O error of the attempt, or null
		 * @return the wait to take before the next attempt
		 * @throws TransientDeliveryException when the attempt limit is reached or the wait would exceed the budget
		 */
		Duration nextWait(String failure, Duration serverWait, Throwable cause) {
			attempts++;
			if (settings.maxAttempts() > 0 && attempts >= settings.maxAttempts()) {
				throw giveUp(failure, "the attempt limit of " + settings.maxAttempts() + " was reached", cause);
			}
			Duration wait = jittered(attempts - 1);
			if (serverWait != null && serverWait.compareTo(wait) > 0) {
				wait = serverWait;
			}
			Duration remaining = settings.budget().minus(elapsed());
			if (wait.compareTo(remaining) > 0) {
				String why = (serverWait != null && serverWait.equals(wait))
						? "the server asked to wait " + format(serverWait) + ", beyond the retry budget of "
								+ format(settings.budget())
						: "the retry budget of " + format(settings.budget()) + " ran out";
				throw giveUp(failure, why, cause);
			}
			return wait;
		}

		/** Takes a wait decided by {@link #nextWait}; an interrupt gives up. */
		void sleep(Duration wait, String failure) {
			try {
				sleeper.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw giveUp(failure, "interrupted while waiting to retry", ex);
			}
		}

		int attempts() {
			return attempts;
		}

		private Duration jittered(int retry) {
			double ceilingNanos = settings.initialDelay().toNanos() * Math.pow(settings.multiplier(), retry);
			double capped = Math.min(settings.maxDelay().toNanos(), ceilingNanos);
			return Duration.ofNanos((long) (random.getAsDouble() * capped));
		}

		private Duration elapsed() {
			return Duration.ofNanos(nanoTime.getAsLong() - startNanos);
		}

		private TransientDeliveryException giveUp(String failure, String why, Throwable cause) {
			return new TransientDeliveryException("Keywords AI batch request failed after " + attempts
					+ (attempts == 1 ? " attempt" : " attempts") + " in " + format(elapsed()) + " (" + why + "); last: "
					+ failure, cause);
		}

	}

	private static String format(Duration duration) {
		return duration.truncatedTo(ChronoUnit.MILLIS).toString().substring(2).toLowerCase();
	}

}
