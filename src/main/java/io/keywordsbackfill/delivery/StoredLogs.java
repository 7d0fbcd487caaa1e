package io.keywordsbackfill.delivery;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.keywordsbackfill.mapping.KeywordsLog;

/**
 * Asks Keywords AI which logs of a batch in doubt it stores, through {@code POST /request-logs/list/} filtered by
 * {@code custom_identifier}. Thread-safe.
 * <p>
 * The list only searches the time window it is given ({@code start_time} defaults to one hour ago, and a backfill's
 * logs are older), so each batch is asked about within its own logs' timestamps. Ingestion is asynchronous: a log
 * accepted a moment ago may not be listed yet, so what is not found is asked about once more after the settle time.
 * A listed log is one of ours when its {@code metadata.backfill_source_id} is the ledger key: several source
 * records may share a {@code custom_identifier}. Only a listed log without metadata is matched by its
 * {@code custom_identifier}, and then only when a single log asked about has it.
 */
public final class StoredLogs {

	static final String LIST_PATH = "request-logs/list/";

	/** The most the endpoint returns per page; also the most identifiers asked about in one filter. */
	static final int PAGE_SIZE = 1000;

	/** A stored timestamp may be rounded; the filter by identifier keeps a wider window exact. */
	static final Duration WINDOW_MARGIN = Duration.ofMinutes(1);

	/** A bound on pages per question, in case a server keeps answering with a next page. */
	private static final int MAX_PAGES = 10_000;

	private static final Logger log = LoggerFactory.getLogger(StoredLogs.class);

	private static final MediaType JSON_TYPE = MediaType.get("application/json");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** What is known of a log in doubt. */
	public enum Verdict {

		/** Keywords AI lists it: it must not be sent again. */
		STORED,
		/** Not listed, asked twice a settle time apart: it did not arrive (or arrives later than that). */
		NOT_STORED,
		/** It cannot be looked up: no custom identifier or timestamp, or a listed log without metadata that
		 * several logs asked about could be. */
		UNKNOWN

	}

	/**
	 * What Keywords AI said of a set of logs.
	 * @param verdicts per ledger key
	 * @param logIds Keywords AI's ids of the logs found stored, where the list gave them
	 */
	public record Answer(Map<String, Verdict> verdicts, Map<String, String> logIds) {

		public long count(Verdict verdict) {
			return verdicts.values().stream().filter(verdict::equals).count();
		}

	}

	private final HttpUrl endpoint;

	private final String apiKey;

	private final OkHttpClient http;

	private final RetryPolicy retryPolicy;

	private final Sleeper sleeper;

	private final Duration settleTime;

	/**
	 * @param properties base URL and API key
	 * @param http the HTTP client (shared; not closed here)
	 * @param retryPolicy how 429, 5xx and connection failures of a question are retried
	 * @param sleeper waits the settle time
	 * @param settleTime how long after a first question a log not found is asked about again
	 */
	public StoredLogs(KeywordsAiProperties properties, OkHttpClient http, RetryPolicy retryPolicy, Sleeper sleeper,
			Duration settleTime) {
		this.endpoint = HttpUrl.get(properties.baseUrl().toString()).newBuilder().addPathSegments(LIST_PATH).build();
		this.apiKey = properties.apiKey();
		this.http = http.newBuilder().followRedirects(false).build();
		this.retryPolicy = retryPolicy;
		this.sleeper = sleeper;
		this.settleTime = settleTime;
	}

	/**
	 * Asks about each batch within its own logs' time window, waits the settle time if something was not found, and
	 * asks about that again.
	 * @param batches logs grouped as they were sent (each batch gets its own window)
	 * @return a verdict for every log given
	 * @throws LogListUnavailableException when the endpoint answers 403, 404 or another status a retry cannot change
	 * @throws FatalDeliveryException when it refuses the API key (401)
	 * @throws TransientDeliveryException when 429, 5xx or connection failures outlast the retry budget
	 * @throws InterruptedException when interrupted while waiting the settle time
	 */
	public Answer check(Collection<List<LogKey>> batches) throws InterruptedException {
		Map<String, Verdict> verdicts = new LinkedHashMap<>();
		Map<String, String> logIds = new HashMap<>();
		List<List<LogKey>> asking = new ArrayList<>();
		for (List<LogKey> batch : batches) {
			List<LogKey> checkable = new ArrayList<>();
			for (LogKey key : batch) {
				if (key.customIdentifier() == null || instant(key.timestamp()) == null) {
					verdicts.put(key.sourceId(), Verdict.UNKNOWN);
				}
				else {
					checkable.add(key);
				}
			}
			if (!checkable.isEmpty()) {
				asking.add(checkable);
			}
		}
		for (int round = 1; round <= 2 && !asking.isEmpty(); round++) {
			if (round == 2) {
				log.info("Asking Keywords AI again in {} about {} log(s) in doubt it did not list yet", settleTime,
						asking.stream().mapToInt(List::size).sum());
				sleeper.sleep(settleTime);
			}
			List<List<LogKey>> notFound = new ArrayList<>();
			for (List<LogKey> batch : asking) {
				List<LogKey> rest = new ArrayList<>();
				Map<String, String> found = ask(batch, verdicts);
				for (LogKey key : batch) {
					if (found.containsKey(key.sourceId())) {
						verdicts.put(key.sourceId(), Verdict.STORED);
						if (found.get(key.sourceId()) != null) {
							logIds.put(key.sourceId(), found.get(key.sourceId()));
						}
					}
					else if (verdicts.get(key.sourceId()) != Verdict.UNKNOWN) {
						rest.add(key);
					}
				}
				if (!rest.isEmpty()) {
					notFound.add(rest);
				}
			}
			asking = notFound;
		}
		asking.forEach(batch -> batch.forEach(key -> verdicts.put(key.sourceId(), Verdict.NOT_STORED)));
		return new Answer(verdicts, logIds);
	}

	/**
	 * One question about one batch: every page, for every slice of its identifiers.
	 * @param unknown where keys that a listed log without metadata could be are marked {@link Verdict#UNKNOWN}
	 * @return the ledger keys found, with Keywords AI's log id (null when not given)
	 */
	private Map<String, String> ask(List<LogKey> batch, Map<String, Verdict> unknown) {
		Instant from = null;
		Instant to = null;
		Map<String, List<LogKey>> byCustomId = new LinkedHashMap<>();
		Set<String> sourceIds = new HashSet<>();
		for (LogKey key : batch) {
			Instant at = instant(key.timestamp());
			from = (from == null || at.isBefore(from)) ? at : from;
			to = (to == null || at.isAfter(to)) ? at : to;
			byCustomId.computeIfAbsent(key.customIdentifier(), id -> new ArrayList<>()).add(key);
			sourceIds.add(key.sourceId());
		}
		Map<String, String> found = new HashMap<>();
		List<String> customIds = new ArrayList<>(new LinkedHashSet<>(byCustomId.keySet()));
		for (int start = 0; start < customIds.size(); start += PAGE_SIZE) {
			List<String> slice = customIds.subList(start, Math.min(customIds.size(), start + PAGE_SIZE));
			byte[] body = filterBody(slice);
			for (int page = 1; page <= MAX_PAGES; page++) {
				ListPage listed = fetch(page, from.minus(WINDOW_MARGIN), to.plus(WINDOW_MARGIN), body);
				List<ListedLog> results = listed.results() == null ? List.of() : listed.results();
				for (ListedLog entry : results) {
					match(entry, sourceIds, byCustomId, found, unknown);
				}
				if (listed.next() == null || results.isEmpty()) {
					break;
				}
			}
		}
		return found;
	}

	private static void match(ListedLog entry, Set<String> sourceIds, Map<String, List<LogKey>> byCustomId,
			Map<String, String> found, Map<String, Verdict> unknown) {
		Object sourceId = (entry.metadata() == null) ? null : entry.metadata().get(KeywordsLog.META_SOURCE_ID);
		if (sourceId != null) {
			if (sourceIds.contains(sourceId.toString())) {
				found.put(sourceId.toString(), entry.logId());
			}
			return;
		}
		if (entry.metadata() != null && !entry.metadata().isEmpty()) {
			// someone else's log that happens to share the identifier
			return;
		}
		List<LogKey> candidates = byCustomId.getOrDefault(entry.customIdentifier(), List.of());
		if (candidates.size() == 1) {
			found.put(candidates.get(0).sourceId(), entry.logId());
		}
		else {
			candidates.forEach(key -> unknown.put(key.sourceId(), Verdict.UNKNOWN));
		}
	}

	private static byte[] filterBody(List<String> customIds) {
		ObjectNode body = JSON.createObjectNode();
		ObjectNode filter = body.putObject("filters").putObject("custom_identifier");
		filter.put("operator", "in");
		ArrayNode values = filter.putArray("value");
		customIds.forEach(values::add);
		return JSON.writeValueAsBytes(body);
	}

	private ListPage fetch(int page, Instant from, Instant to, byte[] body) {
		Request request = new Request.Builder()
			.url(endpoint.newBuilder()
				.addQueryParameter("page", String.valueOf(page))
				.addQueryParameter("page_size", String.valueOf(PAGE_SIZE))
				.addQueryParameter("start_time", from.toString())
				.addQueryParameter("end_time", to.toString())
				.build())
			.header("Authorization", "Bearer " + apiKey)
			.post(RequestBody.create(body, JSON_TYPE))
			.build();
		RetryPolicy.Attempts attempts = retryPolicy.start();
		while (true) {
			String failure;
			IOException error = null;
			try (Response response = http.newCall(request).execute()) {
				String text = response.body().string();
				int code = response.code();
				if (code >= 200 && code < 300) {
					try {
						return JSON.readValue(text, ListPage.class);
					}
					catch (JacksonException ex) {
						throw new LogListUnavailableException(code, "Keywords AI answered POST " + where()
								+ " with a body that is not a list of logs");
					}
				}
				if (code == 401) {
					throw new FatalDeliveryException(code, "Keywords AI refused the API key (HTTP 401) on POST " + where()
							+ ": check KEYWORDSAI_API_KEY");
				}
				if (code != 408 && code != 425 && code != 429 && (code < 500 || code == 501 || code == 505)) {
					throw new LogListUnavailableException(code, "Keywords AI answered POST " + where() + " with HTTP "
							+ code);
				}
				failure = "HTTP " + code;
			}
			catch (IOException ex) {
				failure = ex.getClass().getSimpleName();
				error = ex;
			}
			Duration wait = attempts.nextWait("list: " + failure, null, error);
			log.warn("Retrying a Keywords AI list request attempt={} wait={} reason={}", attempts.attempts(), wait,
					failure);
			attempts.sleep(wait, failure);
		}
	}

	/** The endpoint without query or user info, which could hold credentials. */
	private String where() {
		return endpoint.newBuilder().username("").password("").query(null).build().toString();
	}

	private static Instant instant(String timestamp) {
		if (timestamp == null) {
			return null;
		}
		try {
			return Instant.parse(timestamp);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record ListPage(Long count, String next, List<ListedLog> results) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record ListedLog(@JsonProperty("unique_id") String uniqueId, String id,
			@JsonProperty("custom_identifier") String customIdentifier, Map<String, Object> metadata) {

		String logId() {
			return uniqueId != null ? uniqueId : id;
		}

	}

}
