package io.keywordsbackfill.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.springframework.scheduling.support.CronExpression;

/**
 * Which nights of a job are due now. A night is identified by its <em>logical date</em>: the local date,
 * in the definition's zone, of a time the cron fires; a cron that fires several times a day still has one
 * run per date.
 * <p>
 * Due are, oldest first: the date of the latest fire time at or before now, unless it completed; and, with
 * {@code catch-up}, every fire date after the last completed one that has not completed, keeping only the
 * {@code max-catch-up} most recent. A job that never completed a night starts with the latest, not with
 * the history before it existed (so a first night that failed is continued with {@code restart ID}).
 */
public final class NightlySchedule {

	/** How far back a fire time is searched for: a cron that has not fired in this long is not due. */
	private static final Duration HORIZON = Duration.ofDays(4 * 366);

	private final Clock clock;

	public NightlySchedule(Clock clock) {
		this.clock = clock;
	}

	/**
	 * @return the due logical dates, oldest first, at most {@code maxCatchUp}; empty for a definition
	 * without a schedule
	 */
	public List<LocalDate> due(JobDefinition definition, RunHistory history) {
		if (!definition.scheduled()) {
			return List.of();
		}
		ZonedDateTime now = ZonedDateTime.now(clock.withZone(definition.zone()));
		Optional<ZonedDateTime> latest = latestFire(definition.schedule(), now);
		if (latest.isEmpty()) {
			return List.of();
		}
		LocalDate latestDate = latest.get().toLocalDate();
		Optional<LocalDate> lastCompleted = definition.catchUp() ? history.lastCompleted(definition.name())
				: Optional.empty();
		List<LocalDate> candidates = lastCompleted
			.map((last) -> fireDates(definition, last.plusDays(1), now))
			.orElse(List.of(latestDate));
		return candidates.stream().filter((date) -> !history.completed(definition.name(), date)).toList();
	}

	/** The first fire time after now, for the log and for when a failed night is tried again. */
	public Optional<ZonedDateTime> nextFire(JobDefinition definition) {
		if (!definition.scheduled()) {
			return Optional.empty();
		}
		return Optional.ofNullable(definition.schedule().next(ZonedDateTime.now(clock.withZone(definition.zone()))));
	}

	/**
	 * The latest fire time at or before {@code now}, searched in windows that double from one second, so
	 * that a cron firing every second and one firing once a year both cost a few dozen steps.
	 */
	static Optional<ZonedDateTime> latestFire(CronExpression cron, ZonedDateTime now) {
		for (Duration window = Duration.ofSeconds(1); window.compareTo(HORIZON) <= 0; window = window.multipliedBy(2)) {
			ZonedDateTime fire = cron.next(now.minus(window));
			if (fire != null && !fire.isAfter(now)) {
				for (ZonedDateTime next = cron.next(fire); next != null && !next.isAfter(now); next = cron.next(next)) {
					fire = next;
				}
				return Optional.of(fire);
			}
		}
		return Optional.empty();
	}

	/**
	 * The distinct dates of fire times from the start of {@code from} to {@code now}, the most recent
	 * {@code maxCatchUp}, oldest first. The search starts {@code maxCatchUp} days back and doubles, so a
	 * job last completed years ago does not walk every day since.
	 */
	private static List<LocalDate> fireDates(JobDefinition definition, LocalDate from, ZonedDateTime now) {
		int max = definition.maxCatchUp();
		TreeSet<LocalDate> dates = new TreeSet<>();
		for (long span = max; ; span *= 2) {
			LocalDate start = now.toLocalDate().minusDays(span);
			boolean reachedFrom = !start.isAfter(from) || span > HORIZON.toDays();
			if (reachedFrom) {
				start = from.isBefore(now.toLocalDate().minusDays(HORIZON.toDays())) ? now.toLocalDate()
					.minusDays(HORIZON.toDays()) : from;
			}
			dates = datesBetween(definition, start, now);
			if (dates.size() >= max || reachedFrom) {
				break;
			}
		}
		List<LocalDate> oldestFirst = new ArrayList<>(dates);
		return oldestFirst.subList(Math.max(0, oldestFirst.size() - max), oldestFirst.size());
	}

	private static TreeSet<LocalDate> datesBetween(JobDefinition definition, LocalDate start, ZonedDateTime now) {
		CronExpression cron = definition.schedule();
		TreeSet<LocalDate> dates = new TreeSet<>();
		ZonedDateTime fire = cron.next(start.atStartOfDay(definition.zone()).minusNanos(1));
		while (fire != null && !fire.isAfter(now)) {
			dates.add(fire.toLocalDate());
			// One run per date: skip the date's later fire times.
			fire = cron.next(fire.toLocalDate().plusDays(1).atStartOfDay(definition.zone()).minusNanos(1));
		}
		return dates;
	}

}
