package io.keywordsbackfill.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keywordsbackfill.delivery.RejectStore;
import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.source.SourceFile;
import io.keywordsbackfill.status.RunQueries;
import io.keywordsbackfill.status.RunSummary;
import io.keywordsbackfill.status.StatusRenderer;
import io.keywordsbackfill.support.EmbeddedH2;
import io.keywordsbackfill.support.KeywordsAiStub;
import io.keywordsbackfill.support.TogetherBatchFiles;

/**
 * {@code backfill.reconcile.fallback=reject}: logs in doubt that cannot be looked up are set aside, not sent again.
 */
@SpringBootTest(properties = { "backfill.chunk-size=10", "keywordsai.max-batch-logs=5", "backfill.partitions=1",
		"backfill.reconcile.settle-time=0s", "backfill.reconcile.fallback=reject" })
@SpringBatchTest
class InDoubtFallbackFunctionalTests {

	static final KeywordsAiStub keywordsAi = new KeywordsAiStub();

	static final MockWebServer server = ImportJobFunctionalTests.startServer(keywordsAi);

	@Autowired
	ImportLauncher launcher;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	RunQueries runs;

	@Autowired
	RejectStore rejects;

	@TempDir
	Path dir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("keywordsai.base-url", () -> server.url("/api").toString());
		registry.add("keywordsai.api-key", () -> "kw-test-fallback");
		registry.add("spring.datasource.url", EmbeddedH2::newDatabaseUrl);
	}

	@AfterAll
	static void stopServer() throws IOException {
		server.close();
	}

	@Test
	void logsInDoubtThatCannotBeLookedUpAreSetAsideAsInDoubtRejects() throws Exception {
		// given: a killed run left logs 3 and 7 in flight; log 3 had arrived; the plan has no list endpoint
		Path file = TogetherBatchFiles.output(dir.resolve("doubt.jsonl"), "f", 0, 10);
		keywordsAi.storeDirectly("{\"custom_identifier\":\"together-request:f-3\",\"timestamp\":\""
				+ Instant.ofEpochSecond(1735689603) + "\"}");
		jdbc.update("INSERT INTO backfill_pending (batch_id, job_execution_id, logs, source_ids, custom_identifiers, "
				+ "log_timestamps, created_at) VALUES ('b-1', 999, 2, ?, ?, ?, CURRENT_TIMESTAMP)",
				"[\"together-request:f-3\",\"together-request:f-7\"]", "[\"together-request:f-3\",\"together-request:f-7\"]",
				"[\"" + Instant.ofEpochSecond(1735689603) + "\",\"" + Instant.ofEpochSecond(1735689607) + "\"]");
		keywordsAi.scriptRequests(r -> r.getUrl().encodedPath().equals(KeywordsAiStub.LIST_PATH)
				? new MockResponse.Builder().code(403).body("{\"detail\":\"not in your plan\"}").build() : null);

		// when
		LaunchOutcome outcome = launcher.launch(ImportParameters.togetherBatch(SourceFile.of(file), null, null, null));

		// then: neither is sent again; both are in_doubt rejects, replayable once checked
		assertThat(outcome.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(keywordsAi.storedCounts()).hasSize(9).doesNotContainKey("together-request:f-7")
			.allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
		List<RejectStore.StoredReject> setAside = rejects.findByRun(outcome.execution().getId());
		assertThat(setAside).extracting(RejectStore.StoredReject::reason).containsOnly(RejectReason.IN_DOUBT.code());
		assertThat(setAside).extracting(RejectStore.StoredReject::sourceId)
			.containsExactlyInAnyOrder("together-request:f-3", "together-request:f-7");
		RunSummary summary = runs.find(outcome.execution().getId()).orElseThrow();
		assertThat(summary.leftInDoubt()).isEqualTo(2);
		assertThat(summary.resentInDoubt()).isZero();
		assertThat(summary.reconciledInDoubt()).isZero();
		assertThat(StatusRenderer.detail(summary)).contains("0 found stored in Keywords AI (not sent again), 0 resent, "
				+ "2 left in doubt (in_doubt rejects: check, then 'replay " + summary.id() + "')");
		// the markers stay until the rejects are replayed
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM backfill_pending", Long.class)).isEqualTo(1);
	}

}
