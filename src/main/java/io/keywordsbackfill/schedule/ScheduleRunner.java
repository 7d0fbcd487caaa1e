package io.keywordsbackfill.schedule;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code schedule} loop: a {@link Scheduler#tick()} every interval until {@link #stop()}. The first tick
 * is immediate, so nights missed while no scheduler ran are caught up on start.
 */
public class ScheduleRunner {

	private static final Logger log = LoggerFactory.getLogger(ScheduleRunner.class);

	private final Scheduler scheduler;

	private final Duration interval;

	private final Pause pause;

	private final CountDownLatch stopped = new CountDownLatch(1);

	/** Ticks every {@code interval}, waiting in a way that {@link #stop()} cuts short. */
	public ScheduleRunner(Scheduler scheduler, Duration interval) {
		this.scheduler = scheduler;
		this.interval = interval;
		this.pause = (duration) -> stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** @param pause the wait between ticks; tests pass one that moves a clock instead of sleeping */
	ScheduleRunner(Scheduler scheduler, Duration interval, Pause pause) {
		this.scheduler = scheduler;
		this.interval = interval;
		this.pause = pause;
	}

	/**
	 * Ticks until stopped or interrupted, in the calling thread. Runs launched by a tick are not awaited:
	 * the caller stops them (they end after their current chunk) before closing the application.
	 */
	public void run() {
		log.info("Scheduler started, looking for due nights every {}", interval);
		try {
			while (stopped.getCount() > 0) {
				scheduler.tick();
				if (stopped.getCount() > 0) {
					pause.pause(interval);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		log.info("Scheduler stopped");
	}

	/** Ends {@link #run()} after the tick in progress, if any. Safe to call from any thread, more than once. */
	public void stop() {
		stopped.countDown();
	}

	/** Waits between ticks. */
	@FunctionalInterface
	interface Pause {

		void pause(Duration duration) throws InterruptedException;

	}

}
