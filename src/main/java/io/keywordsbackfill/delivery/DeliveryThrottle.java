package io.keywordsbackfill.delivery;

import java.time.Duration;

/**
 * Everything that paces requests, shared by all partitions of a run: the rate limits (logs and requests per
 * second) and the adaptive concurrency limit.
 */
public class DeliveryThrottle {

	private final RateLimiter logsPerSecond;

	private final RateLimiter requestsPerSecond;

	private final AdaptiveConcurrencyLimit concurrency;

	/** Set by the first request that hit a fatal answer (bad key): no other request of the run goes out. */
	private volatile FatalDeliveryException fatal;

	public DeliveryThrottle(RateLimiter logsPerSecond, RateLimiter requestsPerSecond,
			AdaptiveConcurrencyLimit concurrency) {
		this.logsPerSecond = logsPerSecond;
		this.requestsPerSecond = requestsPerSecond;
		this.concurrency = concurrency;
	}

	/**
	 * Waits until a batch of {@code logs} may be sent; the caller must {@link #release()} when its answer (or
	 * final failure) is in.
	 * @return the time spent waiting for the rate limits
	 */
	public Duration acquire(int logs) throws InterruptedException {
		failIfFatal();
		Duration waited = this.logsPerSecond.acquire(logs).plus(this.requestsPerSecond.acquire(1));
		this.concurrency.acquire();
		if (this.fatal != null) {
			this.concurrency.release();
			failIfFatal();
		}
		return waited;
	}

	/** Stops every later request of the run: a rejected key is rejected for all partitions. */
	public void fatal(FatalDeliveryException ex) {
		if (this.fatal == null) {
			this.fatal = ex;
		}
	}

	private void failIfFatal() {
		FatalDeliveryException ex = this.fatal;
		if (ex != null) {
			throw new FatalDeliveryException(ex.statusCode(), ex.getMessage());
		}
	}

	public void release() {
		this.concurrency.release();
	}

	public AdaptiveConcurrencyLimit concurrency() {
		return this.concurrency;
	}

}
