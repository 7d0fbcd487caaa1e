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

import io.keywordsbackfill.record.SourcePosition;
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

	@Test
	void aLookupTellsTheCopiesThisRunSentFromIdsOtherRunsSent() {
		SourceCopy copy = new SourceCopy(-42L, new SourcePosition("day-1.jsonl", 7, 900));
		ledger.recordAccepted(10, 3L, List.of(new Ledger.AcceptedLog("req-1", "log_1", copy)));
		ledger.recordAccepted(11, 4L, List.of(new Ledger.AcceptedLog("req-2", "log_2",
				new SourceCopy(5, new SourcePosition("day-2.jsonl", 1, 0)))));
		ledger.recordAccepted(12, List.of(new Ledger.AcceptedLog("req-3", "log_3")));

		Ledger.Lookup found = ledger.lookup(List.of("req-1", "req-2", "req-3", "req-4"), 3);

		assertThat(found.byOtherRuns()).containsExactlyInAnyOrder("req-2", "req-3");
		assertThat(found.byThisRun()).containsOnlyKeys("req-1");
		assertThat(found.byThisRun().get("req-1").contentHash()).isEqualTo(-42L);
		assertThat(found.byThisRun().get("req-1").isAt(new SourcePosition("day-1.jsonl", 7, 0))).isTrue();
	}

	/** Migration 10: the per-format keys of request ids of earlier versions become the one key of the call. */
	@Test
	void migrationTenGivesEarlierRequestIdKeysTheKeyOfTheCallAndLeavesIdsFromLinesAlone() {
		String url = url();
		MigratedDatabase.flyway(url, user(), "9").migrate();
		JdbcTemplate old = new JdbcTemplate(new org.springframework.jdbc.datasource.DriverManagerDataSource(url, user(), ""));
		for (String id : List.of("chat-log:req_01JNB5", "usage-csv:req_01JND0", "chat-log:0123456789abcdef:12",
				"usage-csv:0123456789abcdef:9", "together-request:both", "chat-log:both", "together-batch:0123456789abcdef:req-1")) {
			old.update("INSERT INTO backfill_ledger (source_id, log_id, job_execution_id, accepted_at) "
					+ "VALUES (?, NULL, 1, CURRENT_TIMESTAMP)", id);
		}
		old.update("INSERT INTO backfill_reject (job_execution_id, file, line, source_id, reason, replayable, created_at) "
				+ "VALUES (1, 'usage.csv', 3, 'usage-csv:req_01JND0', 'api_rejected', TRUE, CURRENT_TIMESTAMP)");

		MigratedDatabase.flyway(url, user(), null).migrate();

		assertThat(old.queryForList("SELECT source_id FROM backfill_ledger", String.class)).containsExactlyInAnyOrder(
				"together-request:req_01JNB5", "together-request:req_01JND0", "chat-log:0123456789abcdef:12",
				"usage-csv:0123456789abcdef:9", "together-request:both", "chat-log:both",
				"together-batch:0123456789abcdef:req-1");
		assertThat(old.queryForObject("SELECT source_id FROM backfill_reject", String.class))
			.isEqualTo("together-request:req_01JND0");
	}

}
