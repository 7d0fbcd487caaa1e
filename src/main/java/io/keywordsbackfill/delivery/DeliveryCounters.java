package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts requests, retries and waits as delivery reports them; the writer drains the counts into each
 * chunk's statistics.
 */
public class DeliveryCounters implements DeliveryEvents {

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong retries = new AtomicLong();

	private final AtomicLong waitMillis = new AtomicLong();

	private final AtomicLong foundStored = new AtomicLong();

	@Override
	public void requestCompleted(int statusCode, Duration latency) {
		requests.incrementAndGet();
	}

	@Override
	public void retryScheduled(String reason, Duration wait) {
		retries.incrementAndGet();
		waitMillis.addAndGet(wait.toMillis());
	}

	@Override
	public void foundStored(int count) {
		foundStored.addAndGet(count);
	}

	/** Time spent waiting for the rate limits also counts as waiting. */
	void rateLimited(Duration wait) {
		if (!wait.isZero()) {
			waitMillis.addAndGet(wait.toMillis());
		}
	}

	/** Counts since the last call: requests, retries, wait milliseconds, logs found stored after a lost answer. */
	long[] drain() {
		return new long[] { requests.getAndSet(0), retries.getAndSet(0), waitMillis.getAndSet(0),
				foundStored.getAndSet(0) };
	}

}
