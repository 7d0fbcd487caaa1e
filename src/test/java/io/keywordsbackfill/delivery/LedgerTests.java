package io.keywordsbackfill.delivery;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keywordsbackfill.store.SqlDialect;
import io.keywordsbackfill.support.MigratedDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger's contract, run on H2 and on PostgreSQL by the subclasses. */
abstract class LedgerTests {

	/** Ids that need quoting or escaping in an SQL array literal, and one beyond Latin-1. */
	static final List<String> AWKWARD_IDS = List.of("req-1", "a,b", "{braced}", "quote\"d", "back\\slash", "NULL",
			"with space", "caf\u00e9 \u2603", "");

	JdbcTemplate jdbc;

	Ledger ledger;

	abstract String url();

	abstract String user();

	@BeforeEach
	void migrate() {
		DataSource dataSource = MigratedDatabase.migrate(url(), user());
		jdbc = new JdbcTemplate(dataSource);
		ledger = new Ledger(jdbc, SqlDialect.of(dataSource),
				Clock.fixed(Instant.parse("2025-03-01T00:00:00Z"), ZoneOffset.UTC));
	}

	@Test
	void findsExactlyTheIdsAcceptedBefore() {
		ledger.recordAccepted(1, AWKWARD_IDS.stream().map(id -> new Ledger.AcceptedLog(id, "log:" + id)).toList());

		List<String> asked = new ArrayList<>(AWKWARD_IDS);
		asked.addAll(List.of("req-2", "a", "b", "quote", "CAFÉ ☃", "req-1"));
		assertThat(ledger.findAccepted(asked)).containsExactlyInAnyOrderElementsOf(AWKWARD_IDS);
		assertThat(ledger.findAccepted(List.of())).isEmpty();
		assertThat(ledger.count()).isEqualTo(AWKWARD_IDS.size());
	}

	@Test
	void anIdAcceptedAgainKeepsItsFirstRow() {
		ledger.recordAccepted(1, List.of(new Ledger.AcceptedLog("req-1", "log_first")));

		ledger.recordAccepted(2, List.of(new Ledger.AcceptedLog("req-1", "log_second"),
				new Ledger.AcceptedLog("req-2", null)));

		assertThat(jdbc.queryForList("SELECT source_id, log_id, job_execution_id FROM backfill_ledger ORDER BY source_id"))
			.extracting(row -> row.get("SOURCE_ID") + " " + row.get("LOG_ID") + " " + row.get("JOB_EXECUTION_ID"))
			.containsExactly("req-1 log_first 1", "req-2 null 2");
	}

}
