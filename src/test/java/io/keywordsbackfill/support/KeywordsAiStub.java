package io.keywordsbackfill.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Keywords AI stand-in for MockWebServer: it parses each batch request, remembers every log it stored,
 * and answers as scripted. The default answer stores every log and returns one "success" result per log.
 */
public class KeywordsAiStub extends Dispatcher {

	public static final String BATCH_PATH = "/api/request-logs/batch/create";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<JsonNode> stored = Collections.synchronizedList(new ArrayList<>());

	private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());

	private final Map<String, AtomicInteger> storedBySourceId = new ConcurrentHashMap<>();

	private volatile Function<Integer, MockResponse> script = n -> null;

	private volatile Function<RecordedRequest, MockResponse> requestScript = request -> null;

	private final AtomicInteger requestCount = new AtomicInteger();

	private final List<Long> arrivalNanos = Collections.synchronizedList(new ArrayList<>());

	/**
	 * Scripts the answer to the n-th request (1-based); returning null means "store and answer success".
	 */
	public void script(Function<Integer, MockResponse> script) {
		this.script = script;
	}

	/**
	 * Scripts the answer by the request itself (asked before {@link #script}); it may also hold the answer back
	 * (requests are served on threads of their own). Returning null goes on as without it.
	 */
	public void scriptRequests(Function<RecordedRequest, MockResponse> script) {
		this.requestScript = script;
	}

	@Override
	public MockResponse dispatch(RecordedRequest request) {
		arrivalNanos.add(System.nanoTime());
		requests.add(request);
		int n = requestCount.incrementAndGet();
		MockResponse scripted = requestScript.apply(request);
		if (scripted == null) {
			scripted = script.apply(n);
		}
		if (scripted != null) {
			return scripted;
		}
		if (!BATCH_PATH.equals(request.getUrl().encodedPath())) {
			return new MockResponse.Builder().code(404).body("{\"detail\":\"not found\"}").build();
		}
		JsonNode body = JSON.readTree(request.getBody().utf8());
		StringBuilder results = new StringBuilder("{\"results\":[");
		int i = 0;
		for (JsonNode log : body.get("logs")) {
			stored.add(log);
			// the ledger key: custom_identifier is the source's own id, which two batches may share
			storedBySourceId.computeIfAbsent(log.path("metadata").path("backfill_source_id").asString(),
					k -> new AtomicInteger())
				.incrementAndGet();
			results.append(i++ == 0 ? "" : ",").append("{\"id\":\"log_").append(stored.size()).append("\",\"status\":\"success\"}");
		}
		return new MockResponse.Builder().code(200)
			.addHeader("Content-Type", "application/json")
			.body(results.append("]}").toString())
			.build();
	}

	public List<JsonNode> stored() {
		return List.copyOf(stored);
	}

	public List<RecordedRequest> requests() {
		return List.copyOf(requests);
	}

	/** How many times each source id (the ledger key, {@code metadata.backfill_source_id}) was stored. */
	public Map<String, Integer> storedCounts() {
		Map<String, Integer> counts = new java.util.TreeMap<>();
		storedBySourceId.forEach((id, n) -> counts.put(id, n.get()));
		return counts;
	}

	/** When each request arrived, by the server's own clock ({@link System#nanoTime()}). */
	public List<Long> arrivalNanos() {
		return List.copyOf(arrivalNanos);
	}

	public void reset() {
		arrivalNanos.clear();
		stored.clear();
		requests.clear();
		storedBySourceId.clear();
		requestCount.set(0);
		script = n -> null;
		requestScript = request -> null;
	}

}
