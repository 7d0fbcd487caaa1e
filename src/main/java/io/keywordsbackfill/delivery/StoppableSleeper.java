package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The retry waits of one run, which a stop cuts short: a wait under way, or any later one, ends with a
 * {@link DeliveryStoppedException}. Without it a stop waited for the wait (up to the whole retry budget) before
 * the chunk could end.
 */
public final class StoppableSleeper implements Sleeper {

	private final CountDownLatch stopped = new CountDownLatch(1);

	/** Ends the waits under way and every later one. Safe to call from any thread, more than once. */
	public void stop() {
		stopped.countDown();
	}

	/** @throws DeliveryStoppedException when the run is stopped before or during the wait */
	@Override
	public void sleep(Duration duration) throws InterruptedException {
		if (stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS)) {
			throw new DeliveryStoppedException();
		}
	}

}
