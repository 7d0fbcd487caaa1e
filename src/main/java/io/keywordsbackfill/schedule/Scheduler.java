package io.keywordsbackfill.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the nights that are due, one {@link #tick()} at a time.
 * <p>
 * On each tick, for every scheduled definition: if this process is not running the job already and holds
 * (or can take) its {@link JobLock}, the due nights from {@link NightlySchedule} are handed, oldest first,
 * to the {@link ScheduledRunLauncher} on the executor. A job's nights run one after the other, never two
 * at a time, and stop at the first one that is not done:
 * <ul>
 * <li>{@code BUSY} (another process runs the job): logged with its reason; looked at again next tick.</li>
 * <li>{@code FAILED} / {@code STOPPED}, or an exception: logged; the job is not launched again before its
 * next fire time, so a night that fails on every attempt is not retried every tick. The failed night stays
 * due (with catch-up) and is restarted then.</li>
 * </ul>
 * The lock is held while the job's nights run and renewed on every tick, so its lease need only outlast
 * a few ticks; a process that dies leaves a lease that expires.
 */
public class Scheduler {

	private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

	private final List<JobDefinition> definitions;

	private final NightlySchedule schedule;

	private final RunHistory history;

	private final ScheduledRunLauncher launcher;

	private final JobLock lock;

	private final Duration lease;

	private final Clock clock;

	private final Executor executor;

	private final Set<String> running = ConcurrentHashMap.newKeySet();

	private final Map<String, Instant> notBefore = new ConcurrentHashMap<>();

	/**
	 * @param definitions the jobs; those without a schedule are ignored
	 * @param lease how long a job's lock lasts without renewal; longer than the tick interval
	 * @param executor where a job's nights run; one task per job at a time (a thread per job in
	 * production, the calling thread in tests)
	 */
	public Scheduler(List<JobDefinition> definitions, RunHistory history, ScheduledRunLauncher launcher, JobLock lock,
			Duration lease, Clock clock, Executor executor) {
		this.definitions = definitions.stream().filter(JobDefinition::scheduled).toList();
		this.schedule = new NightlySchedule(clock);
		this.history = history;
		this.launcher = launcher;
		this.lock = lock;
		this.lease = lease;
		this.clock = clock;
		this.executor = executor;
	}

	/** Renews the locks of running jobs, then launches the due nights of the others. Never throws for a job. */
	public void tick() {
		for (String job : running) {
			if (!lock.tryLock(job, lease)) {
				log.warn("job={} lost its lock to {} while running; is the lease shorter than a tick?", job,
						lock.holder(job).orElse("nobody"));
			}
		}
		for (JobDefinition definition : definitions) {
			try {
				consider(definition);
			}
			catch (RuntimeException ex) {
				log.error("job={} could not be scheduled: {}", definition.name(), ex.getMessage(), ex);
			}
		}
	}

	/** The jobs whose nights run now in this process. */
	public Set<String> running() {
		return Set.copyOf(running);
	}

	private void consider(JobDefinition definition) {
		String job = definition.name();
		if (running.contains(job)) {
			return;
		}
		Instant retryAt = notBefore.get(job);
		if (retryAt != null && clock.instant().isBefore(retryAt)) {
			return;
		}
		List<LocalDate> due = schedule.due(definition, history);
		if (due.isEmpty()) {
			return;
		}
		if (!lock.tryLock(job, lease)) {
			log.info("job={} due={} is running in another process ({}); looking again at the next tick", job, due,
					lock.holder(job).orElse("unknown"));
			return;
		}
		running.add(job);
		try {
			executor.execute(() -> runNights(definition, due));
		}
		catch (RuntimeException ex) {
			release(job);
			throw ex;
		}
	}

	private void runNights(JobDefinition definition, List<LocalDate> due) {
		String job = definition.name();
		try {
			for (LocalDate night : due) {
				log.info("job={} logicalDate={} starting", job, night);
				ScheduledRunResult result;
				try {
					result = launcher.launch(definition, night);
				}
				catch (RuntimeException ex) {
					log.error("job={} logicalDate={} failed: {}", job, night, ex.getMessage(), ex);
					result = ScheduledRunResult.failed(null, ex.getMessage());
				}
				if (result.done()) {
					log.info("job={} logicalDate={} {} run={}", job, night, result.status(), result.executionId());
					continue;
				}
				if (result.status() == ScheduledRunResult.Status.BUSY) {
					log.info("job={} logicalDate={} not run: {}; looking again at the next tick", job, night,
							result.message());
				}
				else {
					Instant next = schedule.nextFire(definition).map(ZonedDateTime::toInstant).orElse(Instant.MAX);
					notBefore.put(job, next);
					log.warn("job={} logicalDate={} {} run={}{}; trying again at {}{}", job, night, result.status(),
							result.executionId(), result.message() == null ? "" : ": " + result.message(), next,
							result.executionId() == null ? "" : " or with 'restart " + result.executionId() + "'");
				}
				return;
			}
			notBefore.remove(job);
		}
		finally {
			release(job);
		}
	}

	private void release(String job) {
		try {
			lock.unlock(job);
		}
		finally {
			running.remove(job);
		}
	}

}
