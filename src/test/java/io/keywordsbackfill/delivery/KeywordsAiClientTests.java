package io.keywordsbackfill.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class KeywordsAiClientTests {

	private static final String API_KEY = "kw-test-5ecret-0123456789abcdef";

	private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

	@StartStop
	private final MockWebServer server = new MockWebServer();

	private final FakeTime time = new FakeTime();

	private final RecordingEvents events = new RecordingEvents();

	private KeywordsAiClient client;

	@AfterEach
	void closeClient() {
		if (client != null) {
			client.close();
		}
	}

	private KeywordsAiClient client(double random, Duration budget) {
		KeywordsAiProperties.Retry retry = new KeywordsAiProperties.Retry(Duration.ofMillis(500), 2,
				Duration.ofSeconds(30), budget, 0);
		KeywordsAiProperties properties = new KeywordsAiProperties(server.url("/api").uri(), API_KEY,
				Duration.ofSeconds(5), Duration.ofSeconds(5), 500, DataSize.ofMegabytes(10), retry);
		RetryPolicy policy = new RetryPolicy(retry, time, () -> random, time, Clock.fixed(NOW, ZoneOffset.UTC));
		client = new KeywordsAiClient(properties, null, policy, events);
		return client;
	}

	private KeywordsAiClient client() {
		return client(0.0, Duration.ofMinutes(5));
	}

	private static OutgoingLog log(String json) {
		return new OutgoingLog("src-" + json.hashCode(), json.getBytes(StandardCharsets.UTF_8));
	}

	private static List<OutgoingLog> logs(int count) {
		return IntStream.range(0, count).mapToObj((i) -> log("{\"n\":" + i + "}")).toList();
	}

	private static MockResponse json(int code, String body) {
		return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
	}

	private static MockResponse successes(int count) {
		String entries = IntStream.range(0, count)
			.mapToObj((i) -> "{\"id\":\"log_" + i + "\",\"status\":\"success\"}")
			.collect(Collectors.joining(","));
		return json(200, "{\"results\":[" + entries + "]}");
	}

	@Test
	void postsTheLogsBytesAsTheyAreWithTheKeyAndReadsTheResults() throws Exception {
		server.enqueue(successes(3));
		List<OutgoingLog> batch = List.of(log("{\"model\":\"m\",\"prompt_tokens\":1}"),
				log("{\"text\":\"caf\u00e9 \u2603\"}"), log("{\"k\":[1, 2]}"));

		List<LogResult> results = client().send(batch);

		assertThat(results).containsExactly(LogResult.accepted("log_0", 200), LogResult.accepted("log_1", 200),
				LogResult.accepted("log_2", 200));
		RecordedRequest request = server.takeRequest();
		assertThat(request.getMethod()).isEqualTo("POST");
		assertThat(request.getTarget()).isEqualTo("/api/request-logs/batch/create");
		assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + API_KEY);
		assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
		assertThat(request.getHeaders().get("User-Agent")).startsWith("keywords-backfill/");
		assertThat(request.getBody().toByteArray()).isEqualTo(
				"{\"logs\":[{\"model\":\"m\",\"prompt_tokens\":1},{\"text\":\"caf\u00e9 \u2603\"},{\"k\":[1, 2]}]}"
					.getBytes(StandardCharsets.UTF_8));
		assertThat(events.completedStatuses).containsExactly(200);
	}

	/**
	 * The partitions of a run each have a client; on the shared HTTP client they use one connection pool, so a
	 * run of hundreds of files does not open connections (and TLS sessions) per file. Closing a client leaves
	 * the shared pool open.
	 */
	@Test
	void clientsOnTheSharedHttpClientReuseItsConnections() {
		KeywordsAiProperties.Retry retry = new KeywordsAiProperties.Retry(Duration.ofMillis(500), 2,
				Duration.ofSeconds(30), Duration.ofMinutes(5), 0);
		KeywordsAiProperties properties = new KeywordsAiProperties(server.url("/api").uri(), API_KEY,
				Duration.ofSeconds(5), Duration.ofSeconds(5), 500, DataSize.ofMegabytes(10), retry);
		server.enqueue(successes(1));
		server.enqueue(successes(1));
		try (KeywordsAiHttp http = new KeywordsAiHttp(properties, 4)) {
			for (int partition = 0; partition < 2; partition++) {
				try (KeywordsAiClient own = new KeywordsAiClient(properties, http.client(), RetryPolicy.of(retry),
						events)) {
					assertThat(own.send(logs(1))).hasSize(1);
				}
			}

			assertThat(http.client().connectionPool().connectionCount()).isEqualTo(1);
		}
		assertThat(server.getRequestCount()).isEqualTo(2);
		assertThat(takeRequest().getConnectionIndex()).isEqualTo(takeRequest().getConnectionIndex());
	}

	private RecordedRequest takeRequest() {
		try {
			return server.takeRequest();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void readsPerLogResultsOfAMultiStatusAnswer() {
		server.enqueue(json(207, """
				{"results":[
				  {"id":"log_a","status":"success"},
				  {"status":"error","error":"model is required"},
				  {"status":"failed","message":"prompt too long","detail":"ignored"},
				  {"status":"error","errors":{"cost":["must be a number"]}},
				  {"status":"error","code":7}
				]}"""));

		List<LogResult> results = client().send(logs(6));

		assertThat(results).containsExactly(LogResult.accepted("log_a", 207),
				LogResult.rejected(207, "model is required"), LogResult.rejected(207, "prompt too long"),
				LogResult.rejected(207, "{\"cost\":[\"must be a number\"]}"),
				LogResult.rejected(207, "{\"status\":\"error\",\"code\":7}"),
				LogResult.rejected(207, KeywordsAiClient.NO_RESULT_MESSAGE));
	}

	@Test
	void readsResultEntriesOfUnexpectedShapes() {
		server.enqueue(json(200, """
				{"results":[
				  {"id":7,"status":"SUCCESS","extra":[1]},
				  "stored",
				  null,
				  {"id":{"nested":1},"status":"success"},
				  {"status":null}
				]}"""));

		List<LogResult> results = client().send(logs(5));

		assertThat(results).containsExactly(LogResult.accepted("7", 200), LogResult.rejected(200, "\"stored\""),
				LogResult.rejected(200, "null"), LogResult.rejected(200, "{\"id\":{\"nested\":1},\"status\":\"success\"}"),
				LogResult.rejected(200, "{\"status\":null}"));
	}

	@Test
	void acceptsEveryLogWhenTheAnswerHasNoResults() {
		server.enqueue(json(200, "{\"message\":\"log successful\"}"));

		assertThat(client().send(logs(2))).containsExactly(LogResult.accepted(null, 200),
				LogResult.accepted(null, 200));
	}

	@Test
	void waitsAtLeastTheRetryAfterHeaderOn429() {
		server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "2").build());
		server.enqueue(successes(1));

		List<LogResult> results = client().send(logs(1));

		assertThat(results).containsExactly(LogResult.accepted("log_0", 200));
		assertThat(server.getRequestCount()).isEqualTo(2);
		assertThat(time.waits).singleElement()
			.satisfies((wait) -> assertThat(wait).isGreaterThanOrEqualTo(Duration.ofSeconds(2)));
		assertThat(events.retryReasons).containsExactly("429");
		assertThat(events.completedStatuses).containsExactly(429, 200);
	}

	@Test
	void waitsAtLeastTheRetryAfterHttpDate() {
		server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "Sat, 01 Mar 2025 12:00:07 GMT")
			.build());
		server.enqueue(successes(1));

		client(0.5, Duration.ofMinutes(5)).send(logs(1));

		assertThat(time.waits).containsExactly(Duration.ofSeconds(7));
	}

	@Test
	void waitsAtLeastTheRetryAfterBodyFieldOn429() {
		server.enqueue(json(429, "{\"detail\":\"slow down\",\"retry_after\":3}"));
		server.enqueue(successes(1));

		List<LogResult> results = client(0.5, Duration.ofMinutes(5)).send(logs(1));

		assertThat(results).containsExactly(LogResult.accepted("log_0", 200));
		assertThat(server.getRequestCount()).isEqualTo(2);
		assertThat(time.waits).containsExactly(Duration.ofSeconds(3));
	}

	@Test
	void givesUpAtOnceWhenTheServerAsksForMoreThanTheBudget() {
		server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "3600").build());

		assertThatExceptionOfType(TransientDeliveryException.class).isThrownBy(() -> client().send(logs(1)))
			.withMessageContaining("HTTP 429 Too Many Requests");
		assertThat(server.getRequestCount()).isEqualTo(1);
		assertThat(time.waits).isEmpty();
	}

	@Test
	void retriesServerErrorsWithJitteredBackoff() {
		server.enqueue(json(500, "{\"error\":\"boom\"}"));
		server.enqueue(new MockResponse.Builder().code(503).body("<html>down</html>").build());
		server.enqueue(successes(2));

		List<LogResult> results = client(0.5, Duration.ofMinutes(5)).send(logs(2));

		assertThat(results).extracting(LogResult::accepted).containsExactly(true, true);
		assertThat(server.getRequestCount()).isEqualTo(3);
		// half of the 500 ms and 1 s ceilings
		assertThat(time.waits).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
		assertThat(events.retryReasons).containsExactly("500", "503");
		assertThat(events.retryWaits).isEqualTo(time.waits);
	}

	@Test
	void retriesADroppedConnection() {
		server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
		server.enqueue(successes(1));

		List<LogResult> results = client(0.5, Duration.ofMinutes(5)).send(logs(1));

		assertThat(results).containsExactly(LogResult.accepted("log_0", 200));
		assertThat(server.getRequestCount()).isEqualTo(2);
		assertThat(events.retryReasons).singleElement().asString().contains("Exception");
		assertThat(events.completedStatuses).containsExactly(200);
	}

	private KeywordsAiClient reconcilingClient(Duration budget) {
		KeywordsAiProperties.Retry retry = new KeywordsAiProperties.Retry(Duration.ofMillis(500), 2,
				Duration.ofSeconds(30), budget, 0);
		KeywordsAiProperties properties = new KeywordsAiProperties(server.url("/api").uri(), API_KEY,
				Duration.ofSeconds(5), Duration.ofSeconds(5), 500, DataSize.ofMegabytes(10), retry);
		RetryPolicy policy = new RetryPolicy(retry, time, () -> 0.5, time, Clock.fixed(NOW, ZoneOffset.UTC));
		StoredLogs storedLogs = new StoredLogs(properties, new okhttp3.OkHttpClient(), policy, time, Duration.ofSeconds(3));
		client = new KeywordsAiClient(properties, null, policy, events, new java.util.concurrent.atomic.AtomicBoolean(), storedLogs);
		return client;
	}

	/** A log that can be looked up: custom identifier {@code c-N}, ledger key {@code src-N}. */
	private static OutgoingLog findable(int n) {
		return new OutgoingLog("src-" + n, ("{\"custom_identifier\":\"c-" + n + "\"}").getBytes(StandardCharsets.UTF_8),
				"c-" + n, "2025-01-01T00:00:0" + n + "Z");
	}

	private static MockResponse listing(int... ns) {
		String results = IntStream.of(ns)
			.mapToObj(n -> "{\"unique_id\":\"u" + n + "\",\"custom_identifier\":\"c-" + n
					+ "\",\"metadata\":{\"backfill_source_id\":\"src-" + n + "\"}}")
			.collect(Collectors.joining(","));
		return json(200, "{\"count\":" + ns.length + ",\"next\":null,\"results\":[" + results + "]}");
	}

	private static MockResponse lostAnswer() {
		return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
	}

	/** The request arrived and was stored, but its answer was lost: asking finds the logs, so none is sent twice. */
	@Test
	void aLostAnswerIsLookedUpBeforeTheBatchIsSentAgain() throws Exception {
		server.enqueue(lostAnswer());
		server.enqueue(listing(1, 2));

		List<LogResult> results = reconcilingClient(Duration.ofMinutes(5)).send(List.of(findable(1), findable(2)));

		assertThat(results).containsExactly(LogResult.accepted("u1", 200), LogResult.accepted("u2", 200));
		assertThat(server.takeRequest().getTarget()).isEqualTo("/api/request-logs/batch/create");
		assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/api/request-logs/list/");
		assertThat(server.getRequestCount()).isEqualTo(2);
		assertThat(events.foundStored).containsExactly(2);
		assertThat(time.waits).isEmpty();
	}

	@Test
	void afterALostAnswerOnlyTheLogsNotListedAfterTheSettleTimeAreSentAgain() throws Exception {
		server.enqueue(lostAnswer());
		server.enqueue(listing());
		server.enqueue(listing(1));
		server.enqueue(successes(1));

		List<LogResult> results = reconcilingClient(Duration.ofMinutes(5)).send(List.of(findable(1), findable(2)));

		assertThat(results).containsExactly(LogResult.accepted("u1", 200), LogResult.accepted("log_0", 200));
		server.takeRequest();
		server.takeRequest();
		server.takeRequest();
		assertThat(server.takeRequest().getBody().utf8()).isEqualTo("{\"logs\":[{\"custom_identifier\":\"c-2\"}]}");
		assertThat(time.waits).containsExactly(Duration.ofSeconds(3));
	}

	@Test
	void aLostAnswerWithoutTheListEndpointSendsTheBatchAgainWhole() throws Exception {
		server.enqueue(lostAnswer());
		server.enqueue(json(404, "{\"detail\":\"Not found.\"}"));
		server.enqueue(successes(2));

		List<LogResult> results = reconcilingClient(Duration.ofMinutes(5)).send(List.of(findable(1), findable(2)));

		assertThat(results).extracting(LogResult::accepted).containsExactly(true, true);
		assertThat(server.getRequestCount()).isEqualTo(3);
		server.takeRequest();
		server.takeRequest();
		assertThat(server.takeRequest().getBody().utf8()).contains("c-1", "c-2");
	}

	/** A batch whose answer was lost and whose retries ran out may be stored: its in-flight marker must stay. */
	@Test
	void retriesThatRunOutAfterALostAnswerSayTheLogsMayBeStored() {
		server.setDispatcher(new Dispatcher() {
			private int n;

			@Override
			public MockResponse dispatch(RecordedRequest request) {
				n++;
				if (n == 1) {
					return lostAnswer();
				}
				return request.getUrl().encodedPath().endsWith("/list/") ? listing()
						: json(503, "{\"message\":\"overloaded\"}");
			}
		});

		assertThatExceptionOfType(TransientDeliveryException.class)
			.isThrownBy(() -> reconcilingClient(Duration.ofSeconds(10)).send(List.of(findable(1))))
			.satisfies(ex -> assertThat(ex.mayHaveArrived()).isTrue());
	}

	@Test
	void aConnectionRefusedNeverReachedTheServer() {
		assertThat(KeywordsAiClient.mayHaveArrived(new java.net.ConnectException("Connection refused"))).isFalse();
		assertThat(KeywordsAiClient.mayHaveArrived(new java.net.SocketTimeoutException("Connect timed out"))).isFalse();
		assertThat(KeywordsAiClient.mayHaveArrived(new java.net.SocketException("Connection reset"))).isTrue();
		assertThat(KeywordsAiClient.mayHaveArrived(new java.net.SocketTimeoutException("timeout"))).isTrue();
	}

	@Test
	void failsTransientlyWhenTheBudgetRunsOut() {
		server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return json(503, "{\"message\":\"overloaded\"}");
			}
		});

		// waits 0.5+1+2+4+8+16 s, then 30 s each: the 15th failure would need a wait past 300 s
		assertThatExceptionOfType(TransientDeliveryException.class)
			.isThrownBy(() -> client(1.0, Duration.ofMinutes(5)).send(logs(3)))
			.withMessageContaining("15 attempts")
			.withMessageContaining("HTTP 503 Service Unavailable: overloaded");
		assertThat(server.getRequestCount()).isEqualTo(15);
		assertThat(time.waits).hasSize(14);
	}

	@Test
	void failsAtOnceNamingTheUrlWhenTheFirstRequestCannotConnect() throws Exception {
		MockWebServer closed = new MockWebServer();
		closed.start();
		String url = closed.url("/api").toString();
		closed.close();

		assertThatExceptionOfType(FatalDeliveryException.class)
			.isThrownBy(() -> client(url, new AtomicBoolean(), Duration.ofMinutes(5)).send(logs(1)))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).startsWith("Cannot reach Keywords AI at " + url
						+ "/request-logs/batch/create (ConnectException")
					.contains("after 3 attempts", "KEYWORDSAI_BASE_URL")
					.doesNotContain(API_KEY);
			});
		// three quick attempts, not the 5-minute budget
		assertThat(time.waits).hasSize(RetryPolicy.FIRST_CONTACT_ATTEMPTS - 1);
		assertThat(events.retryReasons).containsOnly("ConnectException");
	}

	/** The clients of one run share whether the server answered: a partition starting later knows it did. */
	@Test
	void retriesAServerThatAnsweredThisRunAndThenWentAway() {
		AtomicBoolean answered = new AtomicBoolean();
		String url = server.url("/api").toString();
		server.enqueue(successes(1));
		assertThat(client(url, answered, Duration.ofMinutes(1)).send(logs(1))).hasSize(1);
		server.close();

		KeywordsAiClient later = client(url, answered, Duration.ofMinutes(1));

		assertThatExceptionOfType(TransientDeliveryException.class).isThrownBy(() -> later.send(logs(1)))
			.withMessageContaining("retry budget of 1m ran out");
		assertThat(time.waits).hasSizeGreaterThan(RetryPolicy.FIRST_CONTACT_ATTEMPTS);
		later.close();
	}

	private KeywordsAiClient client(String baseUrl, AtomicBoolean answered, Duration budget) {
		KeywordsAiProperties.Retry retry = new KeywordsAiProperties.Retry(Duration.ofMillis(500), 2,
				Duration.ofSeconds(30), budget, 0);
		KeywordsAiProperties properties = new KeywordsAiProperties(java.net.URI.create(baseUrl), API_KEY,
				Duration.ofSeconds(5), Duration.ofSeconds(5), 500, DataSize.ofMegabytes(10), retry);
		RetryPolicy policy = new RetryPolicy(retry, time, () -> 1.0, time, Clock.fixed(NOW, ZoneOffset.UTC));
		KeywordsAiClient built = new KeywordsAiClient(properties, null, policy, events, answered, null);
		if (client == null) {
			client = built;
		}
		return built;
	}

	/** A key that is one letter of the server's message: the message still reads whole. */
	@Test
	void aRejectedKeyKeepsTheServersMessageWhole() {
		server.enqueue(json(401, "{\"detail\":\"Invalid API key\"}"));
		KeywordsAiProperties.Retry retry = new KeywordsAiProperties.Retry(Duration.ofMillis(500), 2,
				Duration.ofSeconds(30), Duration.ofMinutes(5), 0);
		KeywordsAiProperties properties = new KeywordsAiProperties(server.url("/api").uri(), "k",
				Duration.ofSeconds(5), Duration.ofSeconds(5), 500, DataSize.ofMegabytes(10), retry);
		client = new KeywordsAiClient(properties, null, RetryPolicy.of(retry), events);

		assertThatExceptionOfType(FatalDeliveryException.class).isThrownBy(() -> client.send(logs(1)))
			.withMessage("Keywords AI rejected the API key (401): Invalid API key. Check KEYWORDSAI_API_KEY.");
	}

	@ParameterizedTest
	@ValueSource(ints = { 401, 403 })
	void stopsAtOnceWhenTheKeyIsRefused(int status) {
		server.enqueue(json(status, "{\"detail\":\"Invalid API key " + API_KEY + "\"}"));

		assertThatExceptionOfType(FatalDeliveryException.class).isThrownBy(() -> client().send(logs(4)))
			.satisfies((ex) -> {
				assertThat(ex.statusCode()).isEqualTo(status);
				assertThat(ex.getMessage()).isEqualTo("Keywords AI rejected the API key (" + status
						+ "): Invalid API key ****. Check KEYWORDSAI_API_KEY.");
				assertThat(ex.getMessage()).doesNotContain(API_KEY);
			});
		assertThat(server.getRequestCount()).isEqualTo(1);
		assertThat(time.waits).isEmpty();
	}

	@Test
	void stopsAtOnceOnAWrongBaseUrl() {
		server.enqueue(new MockResponse.Builder().code(404).body("Not Found").build());

		assertThatExceptionOfType(FatalDeliveryException.class).isThrownBy(() -> client().send(logs(1)))
			.withMessageContaining("KEYWORDSAI_BASE_URL")
			.withMessageContaining(server.url("/api/request-logs/batch/create").toString());
		assertThat(server.getRequestCount()).isEqualTo(1);
	}

	@Test
	void stopsOnOtherClientErrors() {
		server.enqueue(json(405, "{\"detail\":\"Method not allowed\"}"));

		assertThatExceptionOfType(FatalDeliveryException.class).isThrownBy(() -> client().send(logs(1)))
			.withMessageContaining("405")
			.withMessageContaining("Method not allowed");
	}

	@Test
	void splitsARejectedBatchDownToTheBadLog() {
		JsonMapper mapper = JsonMapper.builder().build();
		server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				String body = request.getBody().utf8();
				if (body.contains("\"bad\":true")) {
					return json(400, "{\"detail\":\"prompt_messages: invalid role\"}");
				}
				JsonNode logs = mapper.readTree(body).get("logs");
				return successes(logs.size());
			}
		});
		List<OutgoingLog> batch = new ArrayList<>(logs(8));
		batch.set(5, log("{\"n\":5,\"bad\":true}"));

		List<LogResult> results = client().send(batch);

		assertThat(results).hasSize(8);
		assertThat(results.get(5)).isEqualTo(LogResult.rejected(400, "prompt_messages: invalid role"));
		assertThat(results).filteredOn(LogResult::accepted).hasSize(7);
		// 8 → 4 good + 4; 4 → 2 good + 2; 2 → 1 good + the bad one
		assertThat(server.getRequestCount()).isEqualTo(7);
		assertThat(events.splits).containsExactly("400:8", "400:4", "400:2");
	}

	@Test
	void rejectsASingleTooLargeLog() {
		server.enqueue(new MockResponse.Builder().code(413).body("Request Entity Too Large").build());

		assertThat(client().send(logs(1)))
			.containsExactly(LogResult.rejected(413, "Request Entity Too Large"));
		assertThat(events.splits).isEmpty();
	}

	@Test
	void neverLeaksTheKeyEchoedByTheServer() {
		String echo = "{\"status\":\"error\",\"error\":\"bad header Bearer " + API_KEY + "\"}";
		server.setDispatcher(new Dispatcher() {
			private int calls;

			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return (calls++ == 0) ? json(207, "{\"results\":[" + echo + "]}")
						: json(503, "{\"error\":\"" + API_KEY + " " + "x".repeat(2000) + "\"}");
			}
		});
		KeywordsAiClient client = client(1.0, Duration.ofSeconds(1));

		LogResult rejected = client.send(logs(1)).get(0);

		assertThat(rejected.message()).isEqualTo("bad header Bearer ****");
		assertThatExceptionOfType(TransientDeliveryException.class).isThrownBy(() -> client.send(logs(1)))
			.satisfies((failure) -> {
				assertThat(failure.getMessage()).doesNotContain(API_KEY).contains("****");
				assertThat(failure.getMessage()).hasSizeLessThan(KeywordsAiClient.MAX_MESSAGE_CHARS + 300);
			});
		assertThat(client.toString()).doesNotContain(API_KEY);
	}

	@Test
	void requiresAnApiKey() {
		KeywordsAiProperties properties = new KeywordsAiProperties(server.url("/api").uri(), " ",
				Duration.ofSeconds(5), Duration.ofSeconds(5), 500, DataSize.ofMegabytes(10),
				new KeywordsAiProperties.Retry(Duration.ofMillis(500), 2, Duration.ofSeconds(30), Duration.ofMinutes(5),
						0));

		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new KeywordsAiClient(properties, null, RetryPolicy.of(properties.retry()),
					DeliveryEvents.NONE))
			.withMessageContaining("KEYWORDSAI_API_KEY");
	}

}
