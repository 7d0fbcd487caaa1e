package io.keywordsbackfill.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Which process (host and pid) runs a job execution. A run that the job repository still shows as
 * {@code STARTED} is live only if its process is: on the same host we can check, on another we cannot.
 */
@Repository
public class RunOwners {

	private final JdbcTemplate jdbc;

	private final Clock clock;

	public RunOwners(JdbcTemplate jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	void claim(long jobExecutionId) {
		jdbc.update("DELETE FROM backfill_run_owner WHERE job_execution_id = ?", jobExecutionId);
		jdbc.update("INSERT INTO backfill_run_owner (job_execution_id, host, pid, started_at) VALUES (?, ?, ?, ?)",
				jobExecutionId, hostName(), ProcessHandle.current().pid(), Timestamp.from(clock.instant()));
	}

	/** The owner of an execution, if recorded. */
	public Optional<Owner> ownerOf(long jobExecutionId) {
		List<Owner> owners = jdbc.query("SELECT host, pid FROM backfill_run_owner WHERE job_execution_id = ?",
				(rs, i) -> new Owner(rs.getString(1), rs.getLong(2)), jobExecutionId);
		return owners.stream().findFirst();
	}

	public static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown";
		}
	}

	/** A process that runs or ran an execution. */
	public record Owner(String host, long pid) {

		/** True when the process is known to be gone: it ran on this host and no longer exists. */
		public boolean knownDead() {
			return host.equals(hostName()) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
		}

		@Override
		public String toString() {
			return "pid " + pid + " on " + host;
		}

	}

}
