package io.keywordsbackfill.delivery;

import java.time.Duration;

/** Waits between retries; a seam so tests can record the waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

	/** Sleeps on the calling thread. */
	Sleeper THREAD = (duration) -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

	void sleep(Duration duration) throws InterruptedException;

}
