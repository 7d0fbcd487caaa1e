package io.keywordsbackfill.delivery;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.keywordsbackfill.support.EmbeddedPostgres;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger on a real PostgreSQL server, where it reads and writes ids as arrays. */
class PostgresLedgerTests extends LedgerTests {

	@Override
	String url() {
		return EmbeddedPostgres.newDatabaseUrl();
	}

	@Override
	String user() {
		return "postgres";
	}

	/**
	 * A chunk's lookup probes the primary key once per id. For {@code source_id = ANY (?)} the planner chose a
	 * scan of the whole ledger at this size, so every chunk cost time in proportion to all history sent.
	 */
	@Test
	void aChunkLookupProbesTheIndexRatherThanScanningTheLedger() {
		List<Ledger.AcceptedLog> history = IntStream.range(0, 50_000)
			.mapToObj(i -> new Ledger.AcceptedLog("req-" + i, "log_" + i))
			.toList();
		for (int from = 0; from < history.size(); from += 5_000) {
			ledger.recordAccepted(1, history.subList(from, from + 5_000));
		}
		jdbc.execute("ANALYZE backfill_ledger");
		String[] chunk = IntStream.range(0, 2_000).mapToObj(i -> "req-" + (i * 31)).toArray(String[]::new);

		List<String> plan = jdbc.query(con -> {
			var statement = con.prepareStatement("EXPLAIN " + Ledger.PG_FIND);
			statement.setArray(1, con.createArrayOf("varchar", chunk));
			return statement;
		}, (rs, i) -> rs.getString(1));

		assertThat(String.join("\n", plan)).contains("Index").doesNotContain("Seq Scan on backfill_ledger");
		assertThat(ledger.findAccepted(List.of(chunk))).hasSize(1_613);
	}

}
