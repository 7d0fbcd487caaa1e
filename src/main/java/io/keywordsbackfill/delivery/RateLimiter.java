package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket: at most {@code perSecond} permits per second on average, with bursts of up to one
 * second's worth. Used for logs per second and requests per second. Thread-safe; {@link #acquire} blocks.
 */
public class RateLimiter {

	private final double perSecond;

	private final LongSupplier nanoTime;

	private final Sleeper sleeper;

	private double tokens;

	private long lastRefillNanos;

	/** A limiter that never waits. */
	public static final RateLimiter UNLIMITED = new RateLimiter(0, System::nanoTime, Sleeper.THREAD);

	/** @param perSecond permits per second; 0 or less means unlimited */
	public RateLimiter(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
		this.perSecond = perSecond;
		this.nanoTime = nanoTime;
		this.sleeper = sleeper;
		this.tokens = Math.max(perSecond, 0);
		this.lastRefillNanos = nanoTime.getAsLong();
	}

	/**
	 * Takes {@code permits}, waiting as long as needed. A request larger than the burst waits for the deficit
	 * and goes, rather than never.
	 * @return how long it waited
	 */
	public Duration acquire(int permits) throws InterruptedException {
		if (this.perSecond <= 0) {
			return Duration.ZERO;
		}
		Duration wait;
		synchronized (this) {
			refill();
			this.tokens -= permits;
			wait = this.tokens >= 0 ? Duration.ZERO : Duration.ofNanos((long) (-this.tokens / this.perSecond * 1e9));
		}
		if (!wait.isZero()) {
			this.sleeper.sleep(wait);
		}
		return wait;
	}

	private void refill() {
		long now = this.nanoTime.getAsLong();
		this.tokens = Math.min(this.perSecond, this.tokens + (now - this.lastRefillNanos) / 1e9 * this.perSecond);
		this.lastRefillNanos = now;
	}

}
