package io.keywordsbackfill.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.keywordsbackfill.delivery.StoredLogs.Verdict;

/** The questions reconciliation asks Keywords AI's list endpoint, and how it reads the answers. */
class StoredLogsTests {

	private static final String API_KEY = "kw-test-5ecret-0123456789abcdef";

	private static final Duration SETTLE = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@StartStop
	private final MockWebServer server = new MockWebServer();

	private final FakeTime time = new FakeTime();

	private StoredLogs storedLogs() {
		KeywordsAiProperties.Retry retry = new KeywordsAiProperties.Retry(Duration.ofMillis(500), 2,
				Duration.ofSeconds(30), Duration.ofMinutes(5), 0);
		KeywordsAiProperties properties = new KeywordsAiProperties(server.url("/api").uri(), API_KEY,
				Duration.ofSeconds(5), Duration.ofSeconds(5), 500, DataSize.ofMegabytes(10), retry);
		RetryPolicy policy = new RetryPolicy(retry, time, () -> 0.5, time, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
		return new StoredLogs(properties, new OkHttpClient(), policy, time, SETTLE);
	}

	/** A log of ours: custom identifier {@code c-N}, ledger key {@code src-N}. */
	private static LogKey key(int n, String timestamp) {
		return new LogKey("src-" + n, "c-" + n, timestamp);
	}

	/** A listed log whose metadata names its ledger key. */
	private static String listed(int n) {
		return "{\"unique_id\":\"u" + n + "\",\"custom_identifier\":\"c-" + n + "\",\"timestamp\":\"2025-01-01T00:00:00Z\","
				+ "\"metadata\":{\"backfill_source_id\":\"src-" + n + "\",\"backfill_line\":" + n + "}}";
	}

	private static MockResponse page(String next, String... results) {
		return new MockResponse.Builder().code(200)
			.addHeader("Content-Type", "application/json")
			.body("{\"count\":" + results.length + ",\"next\":" + (next == null ? "null" : "\"" + next + "\"")
					+ ",\"previous\":null,\"results\":[" + String.join(",", results) + "]}")
			.build();
	}

	@Test
	void asksByCustomIdentifierWithinTheBatchsOwnTimestamps() throws Exception {
		server.enqueue(page(null, listed(1), listed(2), listed(3)));
		List<LogKey> batch = List.of(key(1, "2025-01-01T10:00:00Z"), key(2, "2024-12-31T23:59:30Z"),
				key(3, "2025-01-02T08:15:00.250Z"));

		StoredLogs.Answer answer = storedLogs().check(List.of(batch));

		assertThat(answer.verdicts()).containsExactlyInAnyOrderEntriesOf(
				Map.of("src-1", Verdict.STORED, "src-2", Verdict.STORED, "src-3", Verdict.STORED));
		assertThat(answer.logIds()).containsEntry("src-1", "u1");
		RecordedRequest request = server.takeRequest();
		assertThat(request.getMethod()).isEqualTo("POST");
		assertThat(request.getUrl().encodedPath()).isEqualTo("/api/request-logs/list/");
		assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_KEY);
		assertThat(request.getUrl().queryParameter("page")).isEqualTo("1");
		assertThat(request.getUrl().queryParameter("page_size")).isEqualTo("1000");
		// not the endpoint's default of the last hour: the batch's oldest and newest log, a minute either side
		assertThat(request.getUrl().queryParameter("start_time")).isEqualTo("2024-12-31T23:58:30Z");
		assertThat(request.getUrl().queryParameter("end_time")).isEqualTo("2025-01-02T08:16:00.250Z");
		JsonNode filter = JSON.readTree(request.getBody().utf8()).path("filters").path("custom_identifier");
		assertThat(filter.path("operator").asString()).isEqualTo("in");
		assertThat(filter.path("value").valueStream().map(JsonNode::asString)).containsExactly("c-1", "c-2", "c-3");
		assertThat(server.getRequestCount()).isEqualTo(1);
		assertThat(time.waits).isEmpty();
	}

	@Test
	void eachBatchIsAskedAboutInItsOwnWindow() throws Exception {
		server.enqueue(page(null, listed(1)));
		server.enqueue(page(null, listed(2)));

		storedLogs().check(List.of(List.of(key(1, "2025-01-01T10:00:00Z")), List.of(key(2, "2025-06-01T10:00:00Z"))));

		assertThat(server.takeRequest().getUrl().queryParameter("end_time")).isEqualTo("2025-01-01T10:01:00Z");
		assertThat(server.takeRequest().getUrl().queryParameter("start_time")).isEqualTo("2025-06-01T09:59:00Z");
	}

	@Test
	void readsEveryPage() throws Exception {
		server.enqueue(page(server.url("/api/request-logs/list/?page=2").toString(), listed(1), listed(2)));
		server.enqueue(page(null, listed(3)));
		List<LogKey> batch = List.of(key(1, "2025-01-01T10:00:00Z"), key(2, "2025-01-01T10:00:00Z"),
				key(3, "2025-01-01T10:00:00Z"));

		StoredLogs.Answer answer = storedLogs().check(List.of(batch));

		assertThat(answer.count(Verdict.STORED)).isEqualTo(3);
		assertThat(server.takeRequest().getUrl().queryParameter("page")).isEqualTo("1");
		assertThat(server.takeRequest().getUrl().queryParameter("page")).isEqualTo("2");
		assertThat(time.waits).isEmpty();
	}

	@Test
	void asksAboutAtMostAPageOfIdentifiersAtOnce() throws Exception {
		server.enqueue(page(null));
		server.enqueue(page(null));
		server.enqueue(page(null));
		server.enqueue(page(null));
		List<LogKey> batch = IntStream.range(0, 1500).mapToObj(n -> key(n, "2025-01-01T10:00:00Z")).toList();

		StoredLogs.Answer answer = storedLogs().check(List.of(batch));

		assertThat(answer.count(Verdict.NOT_STORED)).isEqualTo(1500);
		assertThat(server.getRequestCount()).isEqualTo(4);
		assertThat(JSON.readTree(server.takeRequest().getBody().utf8()).at("/filters/custom_identifier/value").size())
			.isEqualTo(1000);
		assertThat(JSON.readTree(server.takeRequest().getBody().utf8()).at("/filters/custom_identifier/value").size())
			.isEqualTo(500);
	}

	/** Ingestion is asynchronous: a log accepted a moment before the kill may be listed only a little later. */
	@Test
	void asksAgainAfterTheSettleTimeAboutWhatWasNotListed() throws Exception {
		server.enqueue(page(null, listed(1)));
		server.enqueue(page(null, listed(2)));
		List<LogKey> batch = List.of(key(1, "2025-01-01T10:00:00Z"), key(2, "2025-01-01T10:00:01Z"),
				key(3, "2025-01-01T10:00:02Z"));

		StoredLogs.Answer answer = storedLogs().check(List.of(batch));

		assertThat(answer.verdicts()).containsExactlyInAnyOrderEntriesOf(
				Map.of("src-1", Verdict.STORED, "src-2", Verdict.STORED, "src-3", Verdict.NOT_STORED));
		assertThat(time.waits).containsExactly(SETTLE);
		server.takeRequest();
		JsonNode second = JSON.readTree(server.takeRequest().getBody().utf8());
		assertThat(second.at("/filters/custom_identifier/value").valueStream().map(JsonNode::asString))
			.containsExactly("c-2", "c-3");
		assertThat(server.getRequestCount()).isEqualTo(2);
	}

	/** Two source records may share a custom_identifier (one custom_id in two Batch files): the ledger key decides. */
	@Test
	void aListedLogIsOursOnlyWhenItsSourceIdIsTheLedgerKey() throws Exception {
		String sibling = "{\"unique_id\":\"u9\",\"custom_identifier\":\"c-1\",\"timestamp\":\"2025-01-01T10:00:00Z\","
				+ "\"metadata\":{\"backfill_source_id\":\"other-file:c-1\"}}";
		String foreign = "{\"unique_id\":\"u8\",\"custom_identifier\":\"c-2\",\"metadata\":{\"team\":\"x\"}}";
		String withoutMetadata = "{\"unique_id\":\"u7\",\"custom_identifier\":\"c-3\"}";
		server.enqueue(page(null, sibling, foreign, withoutMetadata));
		server.enqueue(page(null));

		StoredLogs.Answer answer = storedLogs().check(List.of(List.of(key(1, "2025-01-01T10:00:00Z"),
				key(2, "2025-01-01T10:00:00Z"), key(3, "2025-01-01T10:00:00Z"))));

		assertThat(answer.verdicts()).containsExactlyInAnyOrderEntriesOf(
				Map.of("src-1", Verdict.NOT_STORED, "src-2", Verdict.NOT_STORED, "src-3", Verdict.STORED));
		assertThat(answer.logIds()).containsEntry("src-3", "u7");
	}

	@Test
	void aListedLogWithoutMetadataThatSeveralCouldBeLeavesThemUnknown() throws Exception {
		server.enqueue(page(null, "{\"unique_id\":\"u1\",\"custom_identifier\":\"shared\"}"));
		List<LogKey> batch = List.of(new LogKey("file-a:shared", "shared", "2025-01-01T10:00:00Z"),
				new LogKey("file-b:shared", "shared", "2025-01-01T10:00:00Z"));

		StoredLogs.Answer answer = storedLogs().check(List.of(batch));

		assertThat(answer.verdicts()).containsOnly(Map.entry("file-a:shared", Verdict.UNKNOWN),
				Map.entry("file-b:shared", Verdict.UNKNOWN));
		assertThat(time.waits).isEmpty();
	}

	@Test
	void aLogWithoutCustomIdentifierOrTimestampCannotBeLookedUp() throws Exception {
		StoredLogs.Answer answer = storedLogs().check(List.of(List.of(new LogKey("src-1", null, "2025-01-01T10:00:00Z"),
				new LogKey("src-2", "c-2", null))));

		assertThat(answer.verdicts()).containsOnly(Map.entry("src-1", Verdict.UNKNOWN), Map.entry("src-2", Verdict.UNKNOWN));
		assertThat(server.getRequestCount()).isZero();
	}

	@ParameterizedTest
	@ValueSource(ints = { 403, 404 })
	void anEndpointThatIsNotThereCannotBeAsked(int status) {
		server.enqueue(new MockResponse.Builder().code(status).body("{\"detail\":\"Not found.\"}").build());

		assertThatExceptionOfType(LogListUnavailableException.class)
			.isThrownBy(() -> storedLogs().check(List.of(List.of(key(1, "2025-01-01T10:00:00Z")))))
			.satisfies(ex -> {
				assertThat(ex.statusCode()).isEqualTo(status);
				assertThat(ex.getMessage()).contains("HTTP " + status, "/api/request-logs/list/")
					.doesNotContain(API_KEY);
			});
		assertThat(server.getRequestCount()).isEqualTo(1);
	}

	@Test
	void retriesAnOverloadedEndpoint() throws Exception {
		server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
		server.enqueue(page(null, listed(1)));

		StoredLogs.Answer answer = storedLogs().check(List.of(List.of(key(1, "2025-01-01T10:00:00Z"))));

		assertThat(answer.verdicts()).containsOnly(Map.entry("src-1", Verdict.STORED));
		assertThat(server.getRequestCount()).isEqualTo(2);
		assertThat(time.waits).containsExactly(Duration.ofMillis(250));
	}

	@Test
	void aRefusedKeyStopsTheRun() {
		server.enqueue(new MockResponse.Builder().code(401).body("{\"detail\":\"bad key\"}").build());

		assertThatExceptionOfType(FatalDeliveryException.class)
			.isThrownBy(() -> storedLogs().check(List.of(List.of(key(1, "2025-01-01T10:00:00Z")))))
			.withMessageContaining("KEYWORDSAI_API_KEY");
	}

}
