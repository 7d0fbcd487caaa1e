package io.keywordsbackfill.schedule;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

import io.keywordsbackfill.mapping.ImportWindow;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerTests {

	private static final Duration LEASE = Duration.ofMinutes(5);

	private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T03:00:00Z"));

	private final FakeHistory history = new FakeHistory();

	private final FakeLock lock = new FakeLock();

	private final List<String> launches = new ArrayList<>();

	/** Completes every night it is given, as the Batch launcher does, and records it in the history. */
	private BiFunction<JobDefinition, LocalDate, ScheduledRunResult> outcome = (definition, night) -> {
		history.complete(definition.name(), night);
		return ScheduledRunResult.completed(launches.size());
	};

	private final ScheduledRunLauncher launcher = (definition, night) -> {
		launches.add(definition.name() + " " + night);
		return outcome.apply(definition, night);
	};

	@Test
	void runsEachNightOnceAndCatchesUpMissedNightsInOrder() {
		Scheduler scheduler = scheduler(Runnable::run, nightly("nightly", true, 7));

		// night 1, 03:00: the 02:30 fire of 2025-03-01 is due
		scheduler.tick();
		assertThat(launches).containsExactly("nightly 2025-03-01");

		// later the same night, and the next afternoon: nothing more is due
		clock.advance(Duration.ofMinutes(30));
		scheduler.tick();
		clock.set(Instant.parse("2025-03-02T02:29:59Z"));
		scheduler.tick();
		assertThat(launches).containsExactly("nightly 2025-03-01");

		// night 2
		clock.set(Instant.parse("2025-03-02T02:30:00Z"));
		scheduler.tick();
		assertThat(launches).containsExactly("nightly 2025-03-01", "nightly 2025-03-02");

		// down for three nights (03, 04, 05); back on the 6th at noon: the missed nights first, oldest first
		clock.set(Instant.parse("2025-03-06T12:00:00Z"));
		scheduler.tick();
		assertThat(launches).containsExactly("nightly 2025-03-01", "nightly 2025-03-02", "nightly 2025-03-03",
				"nightly 2025-03-04", "nightly 2025-03-05", "nightly 2025-03-06");

		scheduler.tick();
		assertThat(launches).hasSize(6);
		assertThat(lock.held).isEmpty();
	}

	@Test
	void nightsCompletedElsewhereAreSkipped() {
		history.complete("nightly", LocalDate.parse("2025-03-01"));
		history.complete("nightly", LocalDate.parse("2025-03-03"));
		clock.set(Instant.parse("2025-03-04T03:00:00Z"));

		scheduler(Runnable::run, nightly("nightly", true, 7)).tick();

		assertThat(launches).containsExactly("nightly 2025-03-04");
	}

	@Test
	void catchUpIsCappedToTheMostRecentNights() {
		history.complete("nightly", LocalDate.parse("2025-01-01"));

		scheduler(Runnable::run, nightly("nightly", true, 3)).tick();

		assertThat(launches).containsExactly("nightly 2025-02-27", "nightly 2025-02-28", "nightly 2025-03-01");
	}

	@Test
	void withoutCatchUpOnlyTheLatestNightRuns() {
		history.complete("nightly", LocalDate.parse("2025-02-25"));

		scheduler(Runnable::run, nightly("nightly", false, 7)).tick();

		assertThat(launches).containsExactly("nightly 2025-03-01");
	}

	@Test
	void aJobThatNeverCompletedStartsWithTheLatestNight() {
		scheduler(Runnable::run, nightly("nightly", true, 7)).tick();

		assertThat(launches).containsExactly("nightly 2025-03-01");
	}

	@Test
	void logicalDateIsTheDateInTheDefinitionsZone() {
		// 02:30 in Tokyo on March 1st is 17:30 UTC on February 28th
		clock.set(Instant.parse("2025-02-28T18:00:00Z"));
		JobDefinition tokyo = definition("tokyo", "0 30 2 * * *", ZoneId.of("Asia/Tokyo"), true, 7);

		scheduler(Runnable::run, tokyo).tick();

		assertThat(launches).containsExactly("tokyo 2025-03-01");
	}

	@Test
	void neverTwoRunsOfOneJobAtATime() {
		QueuedExecutor executor = new QueuedExecutor();
		Scheduler scheduler = scheduler(executor, nightly("nightly", true, 7), nightly("other", true, 7));

		scheduler.tick();
		scheduler.tick();
		assertThat(executor.tasks).hasSize(2);
		assertThat(scheduler.running()).containsExactlyInAnyOrder("nightly", "other");

		executor.runAll();
		assertThat(launches).containsExactly("nightly 2025-03-01", "other 2025-03-01");
		assertThat(scheduler.running()).isEmpty();
	}

	@Test
	void lockedByAnotherProcessIsNotLaunched() {
		lock.heldElsewhere.add("nightly");
		Scheduler scheduler = scheduler(Runnable::run, nightly("nightly", true, 7));

		scheduler.tick();
		assertThat(launches).isEmpty();

		lock.heldElsewhere.clear();
		scheduler.tick();
		assertThat(launches).containsExactly("nightly 2025-03-01");
	}

	@Test
	void busyElsewhereIsTriedAgainAtTheNextTickNotBefore() {
		history.complete("nightly", LocalDate.parse("2025-02-27"));
		outcome = (definition, night) -> ScheduledRunResult.busy("run 7 is STARTED in host-b pid=42");
		Scheduler scheduler = scheduler(Runnable::run, nightly("nightly", true, 7));

		scheduler.tick();
		// the first due night was busy: the later one was not attempted in the same tick
		assertThat(launches).containsExactly("nightly 2025-02-28");

		outcome = this::complete;
		scheduler.tick();
		assertThat(launches).containsExactly("nightly 2025-02-28", "nightly 2025-02-28", "nightly 2025-03-01");
	}

	@Test
	void failedNightIsTriedAgainAtTheNextFireTimeNotEveryTick() {
		history.complete("nightly", LocalDate.parse("2025-02-28"));
		outcome = (definition, night) -> ScheduledRunResult.failed(3L, "Keywords AI answered 503");
		Scheduler scheduler = scheduler(Runnable::run, nightly("nightly", true, 7));

		scheduler.tick();
		clock.advance(Duration.ofHours(1));
		scheduler.tick();
		assertThat(launches).containsExactly("nightly 2025-03-01");
		assertThat(lock.held).isEmpty();

		// the next night: the failed one is restarted first, then the new one
		outcome = this::complete;
		clock.set(Instant.parse("2025-03-02T02:30:00Z"));
		scheduler.tick();
		assertThat(launches).containsExactly("nightly 2025-03-01", "nightly 2025-03-01", "nightly 2025-03-02");
	}

	@Test
	void launcherExceptionIsAFailedNightAndOtherJobsStillRun() {
		outcome = (definition, night) -> {
			if (definition.name().equals("broken")) {
				throw new IllegalStateException("database unreachable");
			}
			return complete(definition, night);
		};
		Scheduler scheduler = scheduler(Runnable::run, nightly("broken", true, 7), nightly("fine", true, 7));

		scheduler.tick();

		assertThat(launches).containsExactly("broken 2025-03-01", "fine 2025-03-01");
		assertThat(scheduler.running()).isEmpty();
		assertThat(lock.held).isEmpty();
	}

	@Test
	void definitionsWithoutScheduleAreIgnored() {
		scheduler(Runnable::run, definition("adhoc", null, ZoneId.of("UTC"), true, 7)).tick();

		assertThat(launches).isEmpty();
	}

	@Test
	void runnerTicksUntilStopped() {
		Scheduler scheduler = scheduler(Runnable::run, nightly("nightly", true, 7));
		List<Duration> pauses = new ArrayList<>();
		ScheduleRunner[] runner = new ScheduleRunner[1];
		runner[0] = new ScheduleRunner(scheduler, Duration.ofHours(12), (duration) -> {
			pauses.add(duration);
			clock.advance(duration);
			if (pauses.size() == 5) {
				runner[0].stop();
			}
		});

		runner[0].run();

		// ticks at 03:00 on the 1st, 15:00, 03:00 on the 2nd, 15:00, 03:00 on the 3rd; stopped in the pause after
		assertThat(pauses).hasSize(5).containsOnly(Duration.ofHours(12));
		assertThat(launches).containsExactly("nightly 2025-03-01", "nightly 2025-03-02", "nightly 2025-03-03");
	}

	private ScheduledRunResult complete(JobDefinition definition, LocalDate night) {
		history.complete(definition.name(), night);
		return ScheduledRunResult.completed(launches.size());
	}

	private Scheduler scheduler(Executor executor, JobDefinition... definitions) {
		return new Scheduler(List.of(definitions), history, launcher, lock, LEASE, clock, executor);
	}

	private static JobDefinition nightly(String name, boolean catchUp, int maxCatchUp) {
		return definition(name, "0 30 2 * * *", ZoneId.of("UTC"), catchUp, maxCatchUp);
	}

	private static JobDefinition definition(String name, String cron, ZoneId zone, boolean catchUp, int maxCatchUp) {
		return new JobDefinition(name, Path.of("jobs", name + ".yml"), cron == null ? null : CronExpression.parse(cron),
				zone, catchUp, maxCatchUp,
				List.of(new InputDefinition.ChatLog(List.of("exports"), Map.of(), ZoneId.of("UTC"), false)),
				JobDefinition.Pricing.DEFAULTS, JobDefinition.Destination.DEFAULTS, JobDefinition.Limits.NONE,
				ImportWindow.NONE, null);
	}

	/** The job repository's view, kept in memory. */
	private static final class FakeHistory implements RunHistory {

		private final Map<String, TreeSet<LocalDate>> completed = new HashMap<>();

		void complete(String job, LocalDate night) {
			completed.computeIfAbsent(job, (k) -> new TreeSet<>()).add(night);
		}

		@Override
		public Optional<LocalDate> lastCompleted(String jobName) {
			TreeSet<LocalDate> nights = completed.get(jobName);
			return nights == null ? Optional.empty() : Optional.of(nights.last());
		}

		@Override
		public boolean completed(String jobName, LocalDate logicalDate) {
			return completed.getOrDefault(jobName, new TreeSet<>()).contains(logicalDate);
		}

	}

	/** A lock table in memory; {@code heldElsewhere} plays another process. */
	private static final class FakeLock implements JobLock {

		final Set<String> held = ConcurrentHashMap.newKeySet();

		final Set<String> heldElsewhere = ConcurrentHashMap.newKeySet();

		@Override
		public boolean tryLock(String jobName, Duration lease) {
			if (heldElsewhere.contains(jobName)) {
				return false;
			}
			held.add(jobName);
			return true;
		}

		@Override
		public void unlock(String jobName) {
			held.remove(jobName);
		}

		@Override
		public Optional<String> holder(String jobName) {
			return heldElsewhere.contains(jobName) ? Optional.of("host-b pid=42") : Optional.empty();
		}

	}

	/** Holds tasks until the test runs them, to observe a job while it runs. */
	private static final class QueuedExecutor implements Executor {

		final Deque<Runnable> tasks = new ArrayDeque<>();

		@Override
		public void execute(Runnable task) {
			tasks.add(task);
		}

		void runAll() {
			while (!tasks.isEmpty()) {
				tasks.poll().run();
			}
		}

	}

}
