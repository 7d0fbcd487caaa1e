package io.keywordsbackfill.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Keywords AI stand-in for MockWebServer: it parses each batch request, remembers every log it stored,
 * and answers as scripted. The default answer stores every log and returns one "success" result per log.
 * {@code POST /api/request-logs/list/} lists the stored logs as Keywords AI does: filtered by
 * {@code custom_identifier} ({@code "in"}), within {@code start_time} (default one hour ago) and {@code end_time}
 * (default now), newest first, a page of {@code page_size} (default 50, at most 1000) at a time.
 */
public class KeywordsAiStub extends Dispatcher {

	public static final String BATCH_PATH = "/api/request-logs/batch/create";

	public static final String LIST_PATH = "/api/request-logs/list/";

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
		if (LIST_PATH.equals(request.getUrl().encodedPath())) {
			return list(request);
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

	/** Stores a log as if an earlier request (one whose answer was lost, say) had sent it. */
	public void storeDirectly(String logJson) {
		JsonNode log = JSON.readTree(logJson);
		stored.add(log);
		storedBySourceId.computeIfAbsent(log.path("custom_identifier").asString(), k -> new AtomicInteger())
			.incrementAndGet();
	}

	private MockResponse list(RecordedRequest request) {
		Instant end = request.getUrl().queryParameter("end_time") == null ? Instant.now()
				: Instant.parse(request.getUrl().queryParameter("end_time"));
		Instant start = request.getUrl().queryParameter("start_time") == null ? Instant.now().minus(Duration.ofHours(1))
				: Instant.parse(request.getUrl().queryParameter("start_time"));
		int page = Integer.parseInt(Objects.requireNonNullElse(request.getUrl().queryParameter("page"), "1"));
		int pageSize = Math.min(1000,
				Integer.parseInt(Objects.requireNonNullElse(request.getUrl().queryParameter("page_size"), "50")));
		JsonNode filter = JSON.readTree(request.getBody().utf8()).path("filters").path("custom_identifier");
		Set<String> wanted = new HashSet<>();
		filter.path("value").forEach(v -> wanted.add(v.asString()));
		List<JsonNode> matching = new ArrayList<>();
		synchronized (stored) {
			for (int i = stored.size() - 1; i >= 0; i--) {
				JsonNode log = stored.get(i);
				Instant at = Instant.parse(log.path("timestamp").asString());
				if (wanted.contains(log.path("custom_identifier").asString()) && !at.isBefore(start) && !at.isAfter(end)) {
					matching.add(log);
				}
			}
		}
		ObjectNode body = JSON.createObjectNode();
		body.put("count", matching.size());
		boolean more = (long) page * pageSize < matching.size();
		body.put("next", more ? request.getUrl().newBuilder().setQueryParameter("page", String.valueOf(page + 1)).build()
				.toString() : null);
		body.putNull("previous");
		ArrayNode results = body.putArray("results");
		for (JsonNode log : matching.subList(Math.min(matching.size(), (page - 1) * pageSize),
				Math.min(matching.size(), page * pageSize))) {
			ObjectNode entry = results.addObject();
			entry.put("unique_id", "u-" + log.path("custom_identifier").asString());
			entry.set("custom_identifier", log.path("custom_identifier"));
			entry.set("timestamp", log.path("timestamp"));
			if (log.has("metadata")) {
				entry.set("metadata", log.get("metadata"));
			}
		}
		return new MockResponse.Builder().code(200)
			.addHeader("Content-Type", "application/json")
			.body(JSON.writeValueAsString(body))
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
