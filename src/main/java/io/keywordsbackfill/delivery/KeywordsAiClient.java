package io.keywordsbackfill.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.keywordsbackfill.record.SecretRedactor;

/**
 * Sends batches to Keywords AI's {@code POST /request-logs/batch/create}. Thread-safe: one instance serves
 * concurrent batches.
 * <p>
 * What each answer to a batch means:
 * <ul>
 * <li>2xx (200, 201, 207, ...): the per-log {@code results} decide each log. A body without {@code results} (such
 * as {@code {"message":"log successful"}}) or one that is not JSON accepts every log, since the request as a
 * whole succeeded and resending would store duplicates. A log with no entry (fewer results than logs) is
 * rejected with "no result returned for this log": a rejection is recorded and can be replayed, while a silent
 * loss could not.</li>
 * <li>400, 413, 422: the batch is split in halves, recursively, to isolate the bad logs; a single log answered so
 * is rejected with the server's message.</li>
 * <li>408, 425, 429 and 5xx other than 501/505, connection failures and timeouts: retried per the
 * {@link RetryPolicy}, at least as long as the server's {@code Retry-After} header or {@code retry_after} body
 * field asks, until its budget runs out ({@link TransientDeliveryException}).</li>
 * <li>A connection that cannot be made (refused, unknown host, TLS failure) before the server has answered any
 * request of the run: {@link FatalDeliveryException} naming the URL after {@value RetryPolicy#FIRST_CONTACT_ATTEMPTS}
 * quick attempts, as a wrong base URL or a server that is not there would otherwise be retried for the whole
 * budget. Once it has answered, a failed connection is a server gone away for a while, retried as above.</li>
 * <li>401, 403 (rejected key), 404 (wrong base URL), redirects and every other status:
 * {@link FatalDeliveryException} at once.</li>
 * </ul>
 * When the connection breaks after a request may have been sent, its outcome is unknown: with {@link StoredLogs}
 * (reconciliation on), the logs of the batch that Keywords AI lists are taken as accepted and only the rest is
 * sent again; without it, or when the list cannot be asked, the whole batch is retried (a duplicate for each log
 * that had arrived). A batch whose retries run out after such an attempt fails with a
 * {@link TransientDeliveryException} that says its logs may be stored.
 * Server text carried into results and exceptions is cut to {@value #MAX_MESSAGE_CHARS} characters and has the
 * API key masked, in case the server echoes it.
 */
public final class KeywordsAiClient implements LogSink {

	static final String BATCH_CREATE_PATH = "request-logs/batch/create";

	static final int MAX_MESSAGE_CHARS = 500;

	static final String NO_RESULT_MESSAGE = "no result returned for this log";

	private static final Logger logger = LoggerFactory.getLogger(KeywordsAiClient.class);

	private static final MediaType JSON = MediaType.get("application/json");

	private final HttpUrl endpoint;

	private final String apiKey;

	private final OkHttpClient http;

	private final boolean ownsHttp;

	private final RetryPolicy retryPolicy;

	private final DeliveryEvents events;

	private final String userAgent;

	/** Whether the server has answered a request of the run (shared by the run's clients). */
	private final AtomicBoolean serverAnswered;

	/** Asks Keywords AI what it stores after a lost answer; null when reconciliation is off. */
	private final StoredLogs storedLogs;

	private final AtomicBoolean warnedListUnavailable = new AtomicBoolean();

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * @param properties base URL, API key (required) and timeouts
	 * @param http a client to share (its pool and threads are not closed by {@link #close()}), or null to build
	 * one from the properties' timeouts
	 * @param retryPolicy how transient failures are retried
	 * @param events where requests, retries and splits are reported
	 * @throws IllegalArgumentException when no API key is set or the base URL is not HTTP(S)
	 */
	public KeywordsAiClient(KeywordsAiProperties properties, OkHttpClient http, RetryPolicy retryPolicy,
			DeliveryEvents events) {
		this(properties, http, retryPolicy, events, new AtomicBoolean(), null);
	}

	/**
	 * @param serverAnswered whether the server has answered a request of this run yet; the clients of one run
	 * share it, so that a partition starting late does not take a server gone away for a wrong URL
	 * @param storedLogs asks Keywords AI which logs of a batch it stores when an answer was lost; null to retry
	 * such a batch whole
	 * @see #KeywordsAiClient(KeywordsAiProperties, OkHttpClient, RetryPolicy, DeliveryEvents)
	 */
	public KeywordsAiClient(KeywordsAiProperties properties, OkHttpClient http, RetryPolicy retryPolicy,
			DeliveryEvents events, AtomicBoolean serverAnswered, StoredLogs storedLogs) {
		this.storedLogs = storedLogs;
		if (!properties.hasApiKey()) {
			throw new IllegalArgumentException("No Keywords AI API key: set KEYWORDSAI_API_KEY (or use a dry run)");
		}
		HttpUrl base = HttpUrl.parse(properties.baseUrl().toString());
		if (base == null) {
			throw new IllegalArgumentException(
					"KEYWORDSAI_BASE_URL is not an http(s) URL: " + properties.baseUrl().getHost());
		}
		this.endpoint = base.newBuilder().addPathSegments(BATCH_CREATE_PATH).build();
		this.apiKey = properties.apiKey();
		this.ownsHttp = (http == null);
		OkHttpClient.Builder builder = (http != null) ? http.newBuilder() : newHttpClient(properties);
		this.http = builder
			// every resend of a POST must go through the retry policy: no idempotency key protects it
			.retryOnConnectionFailure(false)
			// a redirected POST would turn into a GET; a moved API is a configuration error
			.followRedirects(false)
			.build();
		this.retryPolicy = retryPolicy;
		this.events = events;
		this.userAgent = "keywords-backfill/" + version();
		this.serverAnswered = serverAnswered;
	}

	/** A client with the properties' timeouts; without a shared one, a pool of its own. */
	static OkHttpClient.Builder newHttpClient(KeywordsAiProperties properties) {
		return new OkHttpClient.Builder().connectTimeout(properties.connectTimeout())
			.readTimeout(properties.readTimeout())
			.writeTimeout(properties.readTimeout())
			// room for several batches in flight at once plus idle spares
			.connectionPool(new ConnectionPool(16, 5, TimeUnit.MINUTES));
	}

	private static String version() {
		String version = KeywordsAiClient.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "dev";
	}

	@Override
	public List<LogResult> send(List<OutgoingLog> batch) {
		if (batch.isEmpty()) {
			return List.of();
		}
		return sendOrSplit(batch);
	}

	private List<LogResult> sendOrSplit(List<OutgoingLog> batch) {
		Answer answer = post(batch);
		if (answer.foundStored() != null) {
			return foundAndRest(batch, answer.foundStored());
		}
		if (answer.successful()) {
			return readResults(answer, batch.size());
		}
		String reason = answer.describe();
		if (batch.size() == 1) {
			String said = answer.serverMessage();
			return List.of(LogResult.rejected(answer.code(), (said != null) ? said : "HTTP " + answer.status()));
		}
		events.batchSplit(answer.code(), batch.size());
		logger.info("Splitting a rejected batch to isolate bad logs status={} size={} reason={}", answer.code(),
				batch.size(), reason);
		int middle = batch.size() / 2;
		List<LogResult> results = new ArrayList<>(batch.size());
		results.addAll(sendOrSplit(batch.subList(0, middle)));
		results.addAll(sendOrSplit(batch.subList(middle, batch.size())));
		return results;
	}

	/** Results for a batch of which Keywords AI stores {@code found}: those accepted, the rest sent again. */
	private List<LogResult> foundAndRest(List<OutgoingLog> batch, Map<String, String> found) {
		List<OutgoingLog> rest = batch.stream().filter(log -> !found.containsKey(log.sourceId())).toList();
		events.foundStored(batch.size() - rest.size());
		Iterator<LogResult> restResults = (rest.isEmpty() ? List.<LogResult>of() : sendOrSplit(rest)).iterator();
		List<LogResult> results = new ArrayList<>(batch.size());
		for (OutgoingLog log : batch) {
			results.add(found.containsKey(log.sourceId()) ? LogResult.accepted(found.get(log.sourceId()), 200)
					: restResults.next());
		}
		return results;
	}

	/**
	 * Posts one batch until it gets an answer that is not worth retrying.
	 * @return a 2xx answer, one that calls for a split, or (after a lost answer) the logs found stored
	 */
	private Answer post(List<OutgoingLog> batch) {
		Request request = new Request.Builder().url(endpoint)
			.header("Authorization", "Bearer " + apiKey)
			.header("User-Agent", userAgent)
			.post(BatchBody.requestBody(batch, JSON))
			.build();
		RetryPolicy.Attempts attempts = retryPolicy.start();
		int unreachable = 0;
		boolean mayHaveArrived = false;
		while (true) {
			String reason;
			String failure;
			Duration serverWait = null;
			IOException error = null;
			long started = System.nanoTime();
			try (Response response = http.newCall(request).execute()) {
				byte[] body = response.body().bytes();
				serverAnswered.set(true);
				events.requestCompleted(response.code(), Duration.ofNanos(System.nanoTime() - started));
				Answer answer = new Answer(response.code(), response.message(), response.header("Location"),
						response.header("Retry-After"), body);
				switch (answer.kind()) {
					case SUCCESS, SPLIT -> {
						return answer;
					}
					case FATAL -> throw fatal(answer);
					case RETRY -> {
						reason = String.valueOf(answer.code());
						failure = answer.describe();
						serverWait = answer.serverWait();
					}
					default -> throw new IllegalStateException("Unknown answer kind " + answer.kind());
				}
			}
			catch (IOException ex) {
				reason = ex.getClass().getSimpleName();
				failure = reason + ((ex.getMessage() != null) ? ": " + safe(ex.getMessage()) : "");
				error = ex;
				if (!serverAnswered.get() && cannotConnect(ex)
						&& ++unreachable >= RetryPolicy.FIRST_CONTACT_ATTEMPTS) {
					throw new FatalDeliveryException(0, "Cannot reach Keywords AI at " + endpointForHumans() + " ("
							+ failure + ") after " + unreachable + " attempts, and it has not answered this run: check "
							+ "KEYWORDSAI_BASE_URL and the network");
				}
				if (mayHaveArrived(ex)) {
					mayHaveArrived = true;
					Map<String, String> found = lookUpAfterLostAnswer(batch);
					if (found != null && !found.isEmpty()) {
						return new Answer(found);
					}
				}
			}
			try {
				Duration wait = attempts.nextWait(failure, serverWait, error);
				events.retryScheduled(reason, wait);
				logger.warn("Retrying a Keywords AI batch request attempt={} size={} wait={} reason={}",
						attempts.attempts(), batch.size(), wait, failure);
				attempts.sleep(wait, failure);
			}
			catch (TransientDeliveryException ex) {
				throw new TransientDeliveryException(ex.getMessage(), ex.getCause(), mayHaveArrived);
			}
		}
	}

	/** A connection that could not be made at all, as opposed to one that broke or timed out. */
	private static boolean cannotConnect(IOException ex) {
		for (Throwable t = ex; t != null; t = (t.getCause() == t) ? null : t.getCause()) {
			if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
					|| t instanceof SSLException) {
				return true;
			}
		}
		return false;

	}

	/**
	 * Whether a request that failed so may have reached Keywords AI: every failure but one to connect at all.
	 */
	static boolean mayHaveArrived(IOException ex) {
		if (ex instanceof ConnectException || ex instanceof UnknownHostException
				|| ex instanceof NoRouteToHostException || ex instanceof SSLHandshakeException) {
			return false;
		}
		String message = ex.getMessage();
		return !(ex instanceof SocketTimeoutException && message != null
				&& message.toLowerCase(java.util.Locale.ROOT).contains("connect"));
	}

	/**
	 * Asks Keywords AI which logs of a batch whose answer was lost it stores.
	 * @return their log ids (null values where not given) by source id; null when reconciliation is off or the
	 * list cannot be asked (the batch is then retried whole)
	 */
	private Map<String, String> lookUpAfterLostAnswer(List<OutgoingLog> batch) {
		if (storedLogs == null) {
			return null;
		}
		StoredLogs.Answer answer;
		try {
			answer = storedLogs.check(List.of(batch.stream().map(OutgoingLog::key).toList()));
		}
		catch (LogListUnavailableException ex) {
			if (warnedListUnavailable.compareAndSet(false, true)) {
				logger.warn("Cannot ask Keywords AI whether a batch whose answer was lost arrived ({}); such batches are "
						+ "sent again whole, and each log that had arrived becomes a duplicate", ex.getMessage());
			}
			return null;
		}
		catch (TransientDeliveryException ex) {
			throw new TransientDeliveryException(ex.getMessage(), ex.getCause(), true);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TransientDeliveryException("Interrupted while asking Keywords AI whether a batch arrived", ex,
					true);
		}
		Map<String, String> found = new HashMap<>();
		answer.verdicts().forEach((sourceId, verdict) -> {
			if (verdict == StoredLogs.Verdict.STORED) {
				found.put(sourceId, answer.logIds().get(sourceId));
			}
		});
		logger.info("The answer to a batch was lost: Keywords AI stores {} of its {} logs, {} are sent again",
				found.size(), batch.size(), batch.size() - found.size());
		return found;
	}

	private FatalDeliveryException fatal(Answer answer) {
		int code = answer.code();
		String said = answer.serverMessage();
		String suffix = (said != null) ? "; the server said: " + said : "";
		if (code == 401 || code == 403) {
			// one line that a user reads without a stack trace: what happened, what the server said, what to do
			String serverSaid = (said != null) ? ": " + said.replaceAll("[.\\s]+$", "") : "";
			return new FatalDeliveryException(code,
					"Keywords AI rejected the API key (" + code + ")" + serverSaid + ". Check KEYWORDSAI_API_KEY.");
		}
		if (code == 404) {
			return new FatalDeliveryException(code, "Keywords AI has no batch endpoint at POST " + endpointForHumans()
					+ " (HTTP " + answer.status() + "): check KEYWORDSAI_BASE_URL, the API root such as "
					+ "https://api.keywordsai.co/api");
		}
		if (code >= 300 && code < 400) {
			return new FatalDeliveryException(code,
					"Keywords AI redirected POST " + endpointForHumans() + " (HTTP " + answer.status() + ") to "
							+ safe(String.valueOf(answer.location())) + ": check KEYWORDSAI_BASE_URL");
		}
		return new FatalDeliveryException(code, "Keywords AI rejected the batch request to " + endpointForHumans()
				+ " with HTTP " + answer.status() + suffix);
	}

	/** The endpoint without user info or query, which could hold credentials. */
	private String endpointForHumans() {
		return endpoint.newBuilder().username("").password("").query(null).build().toString();
	}

	private List<LogResult> readResults(Answer answer, int size) {
		JsonNode root = answer.json();
		JsonNode results = (root == null) ? null : (root.isArray() ? root : root.get("results"));
		if (results == null || !results.isArray()) {
			if (root == null && answer.body().length > 0) {
				logger.warn("Keywords AI accepted a batch with a body that is not JSON status={} size={} body={}",
						answer.code(), size, answer.text());
			}
			return Collections.nCopies(size, LogResult.accepted(null, answer.code()));
		}
		if (results.size() != size) {
			logger.warn("Keywords AI returned {} results for {} logs status={}", results.size(), size, answer.code());
		}
		List<LogResult> logResults = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			logResults.add((i < results.size()) ? result(results.get(i), answer.code())
					: LogResult.rejected(answer.code(), NO_RESULT_MESSAGE));
		}
		return logResults;
	}

	private LogResult result(JsonNode node, int code) {
		BatchCreateResponse entry = BatchCreateResponse.of(node);
		if (entry == null) {
			return LogResult.rejected(code, safe(node.toString()));
		}
		if (entry.succeeded()) {
			return LogResult.accepted(entry.id(), code);
		}
		String reason = entry.reason();
		return LogResult.rejected(code, safe((reason != null) ? reason : node.toString()));
	}

	/** Server or error text made safe to store and print: secrets masked (not words), one line, bounded. */
	String safe(String text) {
		String masked = SecretRedactor.redact(text, apiKey).replaceAll("\\s+", " ").strip();
		return (masked.length() > MAX_MESSAGE_CHARS) ? masked.substring(0, MAX_MESSAGE_CHARS) + "…" : masked;
	}

	@Override
	public void close() {
		if (ownsHttp) {
			http.dispatcher().executorService().shutdown();
			http.connectionPool().evictAll();
		}
	}

	@Override
	public String toString() {
		return "KeywordsAiClient[endpoint=" + endpointForHumans() + "]";
	}

	private enum Kind {

		SUCCESS, SPLIT, RETRY, FATAL

	}

	/** A response read whole. */
	private final class Answer {

		private final int code;

		private final String reasonPhrase;

		private final String location;

		private final String retryAfter;

		private final byte[] body;

		private final Map<String, String> foundStored;

		private JsonNode json;

		private boolean parsed;

		/** No answer came, but Keywords AI lists these logs of the batch (log ids by source id). */
		Answer(Map<String, String> foundStored) {
			this.code = 200;
			this.reasonPhrase = null;
			this.location = null;
			this.retryAfter = null;
			this.body = new byte[0];
			this.foundStored = foundStored;
		}

		Answer(int code, String reasonPhrase, String location, String retryAfter, byte[] body) {
			this.code = code;
			this.reasonPhrase = reasonPhrase;
			this.location = location;
			this.retryAfter = retryAfter;
			this.body = body;
			this.foundStored = null;
		}

		Map<String, String> foundStored() {
			return foundStored;
		}

		int code() {
			return code;
		}

		String location() {
			return location;
		}

		byte[] body() {
			return body;
		}

		boolean successful() {
			return kind() == Kind.SUCCESS;
		}

		Kind kind() {
			if (code >= 200 && code < 300) {
				return Kind.SUCCESS;
			}
			if (code == 400 || code == 413 || code == 422) {
				return Kind.SPLIT;
			}
			// 501 and 505 are about the request's form, which a retry does not change
			if (code == 408 || code == 425 || code == 429 || (code >= 500 && code != 501 && code != 505)) {
				return Kind.RETRY;
			}
			return Kind.FATAL;
		}

		/** Status code and reason phrase, e.g. {@code 401 Unauthorized}. */
		String status() {
			// the standard phrase first: servers and proxies send generic ones ("Client Error"), HTTP/2 none
			String phrase = standardPhrase(code);
			if (phrase == null && reasonPhrase != null && !reasonPhrase.isBlank()) {
				phrase = reasonPhrase;
			}
			return (phrase != null) ? code + " " + phrase : String.valueOf(code);
		}

		/** Status and the server's message, e.g. {@code HTTP 400 Bad Request: field x is invalid}. */
		String describe() {
			String said = serverMessage();
			return "HTTP " + status() + ((said != null) ? ": " + said : "");
		}

		/** The server's explanation, made safe; null when the body has none. */
		String serverMessage() {
			JsonNode root = json();
			if (root != null && root.isObject()) {
				for (String field : new String[] { "error", "message", "detail", "errors" }) {
					JsonNode node = root.get(field);
					if (node != null && !node.isNull()) {
						return safe(node.isString() ? node.stringValue() : node.toString());
					}
				}
			}
			String text = text();
			return text.isBlank() ? null : safe(text);
		}

		/** The longer of the waits asked for in the {@code Retry-After} header and a {@code retry_after} field. */
		Duration serverWait() {
			Duration header = retryPolicy.parseRetryAfter(retryAfter);
			Duration field = null;
			JsonNode root = json();
			JsonNode node = (root != null && root.isObject()) ? root.get("retry_after") : null;
			if (node != null && node.isNumber()) {
				field = RetryPolicy.seconds(node.asDouble());
			}
			else if (node != null && node.isString()) {
				field = retryPolicy.parseRetryAfter(node.stringValue());
			}
			if (header == null) {
				return field;
			}
			return (field == null || header.compareTo(field) >= 0) ? header : field;
		}

		String text() {
			return new String(body, StandardCharsets.UTF_8);
		}

		/** The body as JSON, or null when empty or not JSON. */
		JsonNode json() {
			if (!parsed) {
				parsed = true;
				if (body.length > 0) {
					try {
						json = KeywordsAiClient.this.json.readTree(body);
					}
					catch (JacksonException ex) {
						json = null;
					}
				}
			}
			return json;
		}

	}

	private static String standardPhrase(int code) {
		return switch (code) {
			case 400 -> "Bad Request";
			case 401 -> "Unauthorized";
			case 403 -> "Forbidden";
			case 404 -> "Not Found";
			case 408 -> "Request Timeout";
			case 413 -> "Content Too Large";
			case 422 -> "Unprocessable Content";
			case 425 -> "Too Early";
			case 429 -> "Too Many Requests";
			case 500 -> "Internal Server Error";
			case 502 -> "Bad Gateway";
			case 503 -> "Service Unavailable";
			case 504 -> "Gateway Timeout";
			default -> null;
		};
	}

}
