package io.keywordsbackfill.schedule;

import java.time.Duration;
import java.util.Optional;

/**
 * Mutual exclusion of one job across processes that share a database: a lease that its holder renews and
 * that anyone may take over once it has expired (its holder died).
 */
public interface JobLock {

	/**
	 * Takes the lock of the job for {@code lease}, or renews it if this owner holds it already.
	 * @return true when this owner holds it until now + lease; false when another owner holds an unexpired lease
	 */
	boolean tryLock(String jobName, Duration lease);

	/** Releases the lock if this owner holds it; otherwise does nothing. */
	void unlock(String jobName);

	/** @return the current holder of the job's lock, expired or not; empty when nobody holds it */
	Optional<String> holder(String jobName);

}
