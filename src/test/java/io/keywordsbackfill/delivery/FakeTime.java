package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A monotonic clock that only moves when something sleeps, and records the sleeps. */
final class FakeTime implements Sleeper, LongSupplier {

	final List<Duration> waits = new CopyOnWriteArrayList<>();

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	@Override
	public void sleep(Duration duration) {
		waits.add(duration);
		nanos.addAndGet(duration.toNanos());
	}

	@Override
	public long getAsLong() {
		return nanos.get();
	}

}
