package io.keywordsbackfill.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import io.keywordsbackfill.support.MigratedDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lock's contract, run on H2 and on PostgreSQL by the subclasses. */
abstract class JobLockTests {

	private static final Duration LEASE = Duration.ofMinutes(5);

	private final MutableClock clock = new MutableClock(Instant.parse("2025-03-02T02:30:00Z"));

	private DataSource dataSource;

	private JdbcJobLock first;

	private JdbcJobLock second;

	abstract String url();

	abstract String user();

	@BeforeEach
	void migrate() {
		dataSource = MigratedDatabase.migrate(url(), user());
		first = new JdbcJobLock(dataSource, clock, "host-a pid=1");
		second = new JdbcJobLock(dataSource, clock, "host-b pid=2");
	}

	@Test
	void oneOfTwoLockersWins() {
		assertThat(first.tryLock("nightly", LEASE)).isTrue();

		assertThat(second.tryLock("nightly", LEASE)).isFalse();
		assertThat(second.holder("nightly")).hasValue("host-a pid=1 until 2025-03-02T02:35:00Z");
	}

	@Test
	void locksOfDifferentJobsAreIndependent() {
		assertThat(first.tryLock("nightly", LEASE)).isTrue();

		assertThat(second.tryLock("weekly", LEASE)).isTrue();
	}

	@Test
	void holderRenewsItsLease() {
		first.tryLock("nightly", LEASE);
		clock.advance(Duration.ofMinutes(4));

		assertThat(first.tryLock("nightly", LEASE)).isTrue();
		clock.advance(Duration.ofMinutes(4));

		assertThat(second.tryLock("nightly", LEASE)).isFalse();
		assertThat(first.holder("nightly")).hasValue("host-a pid=1 until 2025-03-02T02:39:00Z");
	}

	@Test
	void expiredLeaseIsTakenOver() {
		first.tryLock("nightly", LEASE);
		clock.advance(LEASE.plusSeconds(1));

		assertThat(second.tryLock("nightly", LEASE)).isTrue();

		assertThat(first.tryLock("nightly", LEASE)).isFalse();
		assertThat(first.holder("nightly")).hasValueSatisfying((holder) -> assertThat(holder).startsWith("host-b"));
	}

	@Test
	void unlockFreesTheLockForOthersButOnlyForItsHolder() {
		first.tryLock("nightly", LEASE);

		second.unlock("nightly");
		assertThat(second.tryLock("nightly", LEASE)).isFalse();

		first.unlock("nightly");
		assertThat(first.holder("nightly")).isEmpty();
		assertThat(second.tryLock("nightly", LEASE)).isTrue();
	}

	@Test
	void exactlyOneOfManyConcurrentLockersWins() throws Exception {
		int lockers = 8;
		CyclicBarrier start = new CyclicBarrier(lockers);
		List<Callable<Boolean>> attempts = new ArrayList<>();
		for (int i = 0; i < lockers; i++) {
			JdbcJobLock lock = new JdbcJobLock(dataSource, clock, "host pid=" + i);
			attempts.add(() -> {
				start.await();
				return lock.tryLock("nightly", LEASE);
			});
		}
		ExecutorService pool = Executors.newFixedThreadPool(lockers);
		try {
			List<Boolean> won = new ArrayList<>();
			for (Future<Boolean> result : pool.invokeAll(attempts)) {
				won.add(result.get());
			}
			assertThat(won).containsOnlyOnce(true);
		}
		finally {
			pool.shutdownNow();
		}
	}

}
