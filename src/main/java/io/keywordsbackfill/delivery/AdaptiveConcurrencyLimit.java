package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How many requests may be in flight at once, adjusted from what the server says (additive increase,
 * multiplicative decrease, like TCP and Vector's adaptive request concurrency).
 * <p>
 * The limit starts in slow start, as TCP does: while requests fill it and latency is steady, each answer adds
 * one, so it doubles per round trip, instead of taking a round trip per step from the configured start (at
 * 100 ms a round trip, from 4 to 32 in about 3 round trips instead of 28, which is most of a short run).
 * The first sign of trouble ends slow start for good; from then on the limit grows by one per round trip.
 * It is cut by a quarter on 429/503 or when the recent latency (fast moving average) rises to twice its slow
 * moving average, at most once per round trip so that one burst of slow answers counts once. Unlike
 * Vector, waits the server asks for (Retry-After) are honoured by {@link RetryPolicy}; this class only
 * decides how many may be in flight.
 * Thread-safe; {@link #acquire()} blocks.
 */
public class AdaptiveConcurrencyLimit implements DeliveryEvents {

	/** Latency above this multiple of the baseline counts as "the server is struggling". */
	static final double LATENCY_RISE = 2.0;

	static final double DECREASE = 0.75;

	private final int min;

	private final int max;

	private final boolean adaptive;

	private final LongSupplier nanoTime;

	private double limit;

	private int inFlight;

	/** Slow moving average of latency: what "normal" is. */
	private double baselineNanos;

	/** Fast moving average of latency: what it is now. */
	private double averageNanos;

	private long lastDecreaseNanos;

	private long increases;

	/** Growing by one per answer until the first cut; then by one per round trip. */
	private boolean slowStart = true;

	/** Whether requests filled the limit since it last changed: only then is there demand for more. */
	private boolean saturated;

	private long decreases;

	/**
	 * @param initial the starting limit
	 * @param min the lowest limit (at least 1)
	 * @param max the highest limit
	 * @param adaptive false for a fixed limit of {@code initial}
	 */
	public AdaptiveConcurrencyLimit(int initial, int min, int max, boolean adaptive, LongSupplier nanoTime) {
		if (min < 1 || initial < min || max < initial) {
			throw new IllegalArgumentException("need 1 <= min <= initial <= max, got " + min + ", " + initial + ", " + max);
		}
		this.min = min;
		this.max = max;
		this.adaptive = adaptive;
		this.nanoTime = nanoTime;
		this.limit = initial;
		this.lastDecreaseNanos = nanoTime.getAsLong();
	}

	/** Waits until one more request may be in flight. */
	public synchronized void acquire() throws InterruptedException {
		while (this.inFlight >= currentLimit()) {
			wait();
		}
		this.inFlight++;
		if (this.inFlight >= currentLimit()) {
			this.saturated = true;
		}
	}

	/** A request (with its retries) is over. */
	public synchronized void release() {
		this.inFlight--;
		notifyAll();
	}

	public synchronized int currentLimit() {
		return (int) Math.floor(this.limit);
	}

	public synchronized long increases() {
		return this.increases;
	}

	public synchronized long decreases() {
		return this.decreases;
	}

	/** Whether the limit still grows by one per answer (no cut yet). */
	public synchronized boolean inSlowStart() {
		return this.adaptive && this.slowStart;
	}

	@Override
	public synchronized void requestCompleted(int statusCode, Duration latency) {
		if (!this.adaptive) {
			return;
		}
		long nanos = latency.toNanos();
		this.averageNanos = (this.averageNanos == 0) ? nanos : 0.8 * this.averageNanos + 0.2 * nanos;
		// A slow average, not the minimum: one lucky fast answer must not make every normal one look slow.
		this.baselineNanos = (this.baselineNanos == 0) ? nanos : 0.95 * this.baselineNanos + 0.05 * nanos;
		boolean overloaded = statusCode == 429 || statusCode == 503;
		boolean slow = this.averageNanos > LATENCY_RISE * this.baselineNanos;
		long now = this.nanoTime.getAsLong();
		if (overloaded || slow) {
			if (now - this.lastDecreaseNanos >= this.averageNanos) {
				this.limit = Math.max(this.min, this.limit * DECREASE);
				this.slowStart = false;
				this.saturated = false;
				this.lastDecreaseNanos = now;
				this.decreases++;
				notifyAll();
			}
		}
		else if (statusCode < 400 && this.saturated && this.limit < this.max) {
			// Slow start: +1 per answer. Then +1 per round trip: each of the ~limit answers of a round trip adds 1/limit.
			int before = currentLimit();
			this.limit = Math.min(this.max, this.limit + (this.slowStart ? 1.0 : 1.0 / this.limit));
			this.increases++;
			if (currentLimit() > before) {
				this.saturated = false;
				notifyAll();
			}
		}
	}

}
