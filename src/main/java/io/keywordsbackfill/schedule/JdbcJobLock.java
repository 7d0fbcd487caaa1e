package io.keywordsbackfill.schedule;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.keywordsbackfill.store.SqlDialect;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link JobLock} over the table {@code backfill_job_lock} (migration 3), one row per held job.
 * <p>
 * Each step is a single statement, atomic on PostgreSQL and H2 without a transaction around it: an INSERT
 * that does nothing when the row exists takes a free lock; an UPDATE guarded by {@code owner = me} renews
 * it; an UPDATE guarded by {@code expires_at < now} takes over an expired lease, and of two processes
 * racing for it only one sees the guard hold. Times are UTC from this process's clock, so the hosts' clocks
 * must agree to well within a lease (NTP).
 */
public class JdbcJobLock implements JobLock {

	private static final String TABLE = "backfill_job_lock";

	private final JdbcTemplate jdbc;

	private final String insert;

	private final Clock clock;

	private final String owner;

	/** @param owner who this process is, as shown to a process that cannot take the lock */
	public JdbcJobLock(DataSource dataSource, Clock clock, String owner) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.insert = SqlDialect.of(dataSource).insertIgnoringDuplicates(TABLE, "job_name",
				List.of("job_name", "owner", "acquired_at", "expires_at"));
		this.clock = clock;
		this.owner = owner;
	}

	/** {@code host pid=N id=xxxxxxxx}: unique per process start, readable in a log. */
	public static String processOwner() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "unknown-host";
		}
		return host + " pid=" + ManagementFactory.getRuntimeMXBean().getPid() + " id="
				+ UUID.randomUUID().toString().substring(0, 8);
	}

	public String owner() {
		return owner;
	}

	@Override
	public boolean tryLock(String jobName, Duration lease) {
		Instant now = clock.instant();
		LocalDateTime acquiredAt = utc(now);
		LocalDateTime expiresAt = utc(now.plus(lease));
		if (jdbc.update("UPDATE " + TABLE + " SET expires_at = ? WHERE job_name = ? AND owner = ?", expiresAt, jobName,
				owner) == 1) {
			return true;
		}
		try {
			if (jdbc.update(insert, jobName, owner, acquiredAt, expiresAt) == 1) {
				return true;
			}
		}
		catch (DuplicateKeyException raced) {
			// H2's MERGE can still collide with a concurrent insert: the other process took it.
		}
		return jdbc.update("UPDATE " + TABLE + " SET owner = ?, acquired_at = ?, expires_at = ? "
				+ "WHERE job_name = ? AND expires_at < ?", owner, acquiredAt, expiresAt, jobName, acquiredAt) == 1;
	}

	@Override
	public void unlock(String jobName) {
		jdbc.update("DELETE FROM " + TABLE + " WHERE job_name = ? AND owner = ?", jobName, owner);
	}

	@Override
	public Optional<String> holder(String jobName) {
		return jdbc
			.query("SELECT owner, expires_at FROM " + TABLE + " WHERE job_name = ?",
					(rs, row) -> rs.getString(1) + " until "
							+ rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC), jobName)
			.stream()
			.findFirst();
	}

	private static LocalDateTime utc(Instant instant) {
		return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

}
