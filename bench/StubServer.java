import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast local stand-in for the Keywords AI logging API, for benchmarks and crash tests.
 *
 * <pre>java bench/StubServer.java PORT [--latency-ms N] [--log FILE] [--threads N] [--ingest-lag-ms N]</pre>
 *
 * Listens on 127.0.0.1 only.
 * <ul>
 * <li>{@code POST /api/request-logs/batch/create} with {@code {"logs":[...]}}: one
 * {@code {"id":"log_N","status":"success"}} per log, in order.</li>
 * <li>{@code POST /api/request-logs/create/} (and {@code /api/request-logs/}): one log, answers
 * {@code {"id":"log_N","message":"log successful"}}.</li>
 * <li>{@code POST /api/request-logs/list/} with {@code {"filters":{"custom_identifier":{"operator":"in","value":[...]}}}}
 * and query parameters {@code page} (from 1), {@code page_size} (default 50, at most 1000), {@code start_time} and
 * {@code end_time} (ISO-8601; <b>start_time defaults to one hour ago</b> and end_time to now, as Keywords AI's
 * do): {@code {"count":..,"next":URL|null,"previous":null,"results":[{"unique_id","custom_identifier","timestamp",
 * "metadata":{"backfill_source_id"}}]}}, newest first. A log is listed only {@code --ingest-lag-ms} after it was
 * stored (default 0), as ingestion is asynchronous.</li>
 * <li>{@code GET /stats}: {@code {"requests":..,"logs":..,"distinct":..,"duplicates":..,"missing_id":..,"max_in_flight":..}}
 * (max_in_flight: the most batch requests handled at once);
 * {@code POST /reset} clears the counters and the stored logs (not the --log file).</li>
 * </ul>
 * A request without {@code Authorization: Bearer ...} gets 401. The body is scanned once, byte by byte
 * (string/escape aware, no object tree): each object directly inside the top-level {@code logs} array
 * is one log, and its top-level {@code custom_identifier} string (if any) is the stored id. Ids are
 * recorded (and appended to --log, flushed) before the response is written, like a server that stores
 * and then answers: a client killed after the store but before reading the answer will resend.
 */
public class StubServer {

	static final AtomicLong requests = new AtomicLong();
	static final AtomicLong logs = new AtomicLong();
	static final AtomicLong duplicates = new AtomicLong();
	static final AtomicLong missingId = new AtomicLong();
	static final AtomicLong logIds = new AtomicLong();
	/** Batch requests being handled now, and the most at once since the last reset. */
	static final AtomicLong inFlight = new AtomicLong();
	static final AtomicLong maxInFlight = new AtomicLong();
	static final Set<String> seen = ConcurrentHashMap.newKeySet();
	static volatile long latencyMs = 0;
	static volatile long ingestLagNanos = 0;
	static final AtomicLong listRequests = new AtomicLong();
	/** What the list endpoint can find, by custom_identifier. */
	static final Map<String, List<Stored>> byCustomId = new ConcurrentHashMap<>();

	/** One stored log as the list endpoint shows it. */
	record Stored(String logId, String customId, String timestamp, String sourceId, long storedAtNanos) {
	}
	static BufferedWriter idLog;

	public static void main(String[] args) throws Exception {
		if (args.length < 1) {
			System.err.println("usage: java bench/StubServer.java PORT [--latency-ms N] [--log FILE] [--threads N]");
			System.exit(2);
		}
		// The JDK server writes the response headers and body as separate small segments; without
		// TCP_NODELAY, Nagle's algorithm plus the client's delayed ACK adds ~40 ms to every request.
		// Read by sun.net.httpserver.ServerConfig when the first server is created, so set it first.
		System.setProperty("sun.net.httpserver.nodelay", "true");
		int port = Integer.parseInt(args[0]);
		int threads = 64;
		for (int i = 1; i < args.length; i++) {
			switch (args[i]) {
				case "--latency-ms" -> latencyMs = Long.parseLong(args[++i]);
				case "--log" -> idLog = new BufferedWriter(new OutputStreamWriter(
						Files.newOutputStream(Path.of(args[++i]), StandardOpenOption.CREATE, StandardOpenOption.APPEND),
						StandardCharsets.UTF_8), 1 << 16);
				case "--threads" -> threads = Integer.parseInt(args[++i]);
				case "--ingest-lag-ms" -> ingestLagNanos = Long.parseLong(args[++i]) * 1_000_000L;
				default -> {
					System.err.println("unknown option " + args[i]);
					System.exit(2);
				}
			}
		}
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
		ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
			Thread t = new Thread(r, "stub");
			t.setDaemon(true);
			return t;
		});
		server.setExecutor(pool);
		server.createContext("/api/request-logs/batch/create", StubServer::batch);
		server.createContext("/api/request-logs/list", StubServer::list);
		server.createContext("/api/request-logs/create", StubServer::single);
		server.createContext("/api/request-logs/", ex -> {
			String p = ex.getRequestURI().getPath();
			if (p.equals("/api/request-logs/") || p.equals("/api/request-logs")) {
				single(ex);
			}
			else {
				send(ex, 404, "{\"detail\":\"not found\"}");
			}
		});
		server.createContext("/stats", StubServer::stats);
		server.createContext("/reset", ex -> {
			requests.set(0);
			logs.set(0);
			duplicates.set(0);
			missingId.set(0);
			maxInFlight.set(0);
			listRequests.set(0);
			seen.clear();
			byCustomId.clear();
			send(ex, 200, "{\"reset\":true}");
		});
		server.createContext("/", ex -> send(ex, 404, "{\"detail\":\"not found\"}"));
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.stop(0);
			flushLog();
		}));
		server.start();
		System.out.println("READY " + server.getAddress().getPort());
		System.out.flush();
	}

	static void batch(HttpExchange ex) throws IOException {
		maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
		try {
			batchCounted(ex);
		}
		finally {
			inFlight.decrementAndGet();
		}
	}

	static void batchCounted(HttpExchange ex) throws IOException {
		if (!preflight(ex)) {
			return;
		}
		byte[] body = readBody(ex);
		List<String> ids = new ArrayList<>(512);
		List<String[]> fields = new ArrayList<>(512);
		int n = scan(body, true, ids, fields);
		if (n < 0) {
			send(ex, 400, "{\"detail\":\"body must be a JSON object with a logs array\"}");
			return;
		}
		long first = logIds.getAndAdd(n);
		store(ids, n, fields, first);
		pause();
		StringBuilder sb = new StringBuilder(16 + n * 40).append("{\"results\":[");
		for (int i = 0; i < n; i++) {
			if (i > 0) {
				sb.append(',');
			}
			sb.append("{\"id\":\"log_").append(first + i + 1).append("\",\"status\":\"success\"}");
		}
		send(ex, 200, sb.append("]}").toString());
	}

	static void single(HttpExchange ex) throws IOException {
		if (!preflight(ex)) {
			return;
		}
		byte[] body = readBody(ex);
		List<String> ids = new ArrayList<>(1);
		List<String[]> fields = new ArrayList<>(1);
		int n = scan(body, false, ids, fields);
		if (n != 1) {
			send(ex, 400, "{\"detail\":\"body must be one JSON object\"}");
			return;
		}
		long first = logIds.getAndAdd(1);
		store(ids, 1, fields, first);
		pause();
		send(ex, 200, "{\"id\":\"log_" + (first + 1) + "\",\"message\":\"log successful\"}");
	}

	static boolean preflight(HttpExchange ex) throws IOException {
		if (!"POST".equals(ex.getRequestMethod())) {
			readBody(ex);
			send(ex, 405, "{\"detail\":\"method not allowed\"}");
			return false;
		}
		String auth = ex.getRequestHeaders().getFirst("Authorization");
		if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
			readBody(ex);
			send(ex, 401, "{\"detail\":\"Authentication credentials were not provided.\"}");
			return false;
		}
		return true;
	}

	static void store(List<String> ids, int n, List<String[]> fields, long firstLogId) throws IOException {
		long now = System.nanoTime();
		for (int i = 0; i < fields.size(); i++) {
			String[] f = fields.get(i);
			if (f[0] != null) {
				byCustomId.computeIfAbsent(f[0], k -> java.util.Collections.synchronizedList(new ArrayList<>()))
					.add(new Stored("log_" + (firstLogId + i + 1), f[0], f[1], f[2], now));
			}
		}
		requests.incrementAndGet();
		logs.addAndGet(n);
		missingId.addAndGet(n - ids.size());
		for (String id : ids) {
			if (!seen.add(id)) {
				duplicates.incrementAndGet();
			}
		}
		if (idLog != null && !ids.isEmpty()) {
			synchronized (StubServer.class) {
				for (String id : ids) {
					idLog.write(id);
					idLog.write('\n');
				}
				idLog.flush();
			}
		}
	}

	static void flushLog() {
		if (idLog != null) {
			synchronized (StubServer.class) {
				try {
					idLog.flush();
				}
				catch (IOException ignored) {
				}
			}
		}
	}

	static void pause() {
		if (latencyMs > 0) {
			try {
				Thread.sleep(latencyMs);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	static void stats(HttpExchange ex) throws IOException {
		readBody(ex);
		send(ex, 200, "{\"requests\":" + requests.get() + ",\"logs\":" + logs.get() + ",\"distinct\":" + seen.size()
				+ ",\"duplicates\":" + duplicates.get() + ",\"missing_id\":" + missingId.get() + ",\"max_in_flight\":"
				+ maxInFlight.get() + ",\"list_requests\":" + listRequests.get() + "}");
	}

	/** The list endpoint: custom_identifier "in" filter, the time window, pages; newest first. */
	static void list(HttpExchange ex) throws IOException {
		if (!preflight(ex)) {
			return;
		}
		String path = ex.getRequestURI().getPath();
		if (!path.equals("/api/request-logs/list/") && !path.equals("/api/request-logs/list")) {
			readBody(ex);
			send(ex, 404, "{\"detail\":\"not found\"}");
			return;
		}
		listRequests.incrementAndGet();
		Map<String, String> query = query(ex.getRequestURI().getRawQuery());
		Object parsed;
		try {
			parsed = new Json(new String(readBody(ex), StandardCharsets.UTF_8)).value();
		}
		catch (RuntimeException e) {
			send(ex, 400, "{\"detail\":\"body is not JSON\"}");
			return;
		}
		Instant end;
		Instant start;
		int page;
		int pageSize;
		try {
			end = query.containsKey("end_time") ? Instant.parse(query.get("end_time")) : Instant.now();
			start = query.containsKey("start_time") ? Instant.parse(query.get("start_time"))
					: Instant.now().minusSeconds(3600);
			page = Integer.parseInt(query.getOrDefault("page", "1"));
			pageSize = Math.min(1000, Integer.parseInt(query.getOrDefault("page_size", "50")));
		}
		catch (RuntimeException e) {
			send(ex, 400, "{\"detail\":\"bad query parameter\"}");
			return;
		}
		Object filter = path(parsed, "filters", "custom_identifier");
		Object operator = path(filter, "operator");
		Object values = path(filter, "value");
		List<String> wanted = new ArrayList<>();
		if ("in".equals(operator) && values instanceof List<?> list) {
			list.forEach(v -> wanted.add(String.valueOf(v)));
		}
		else if ((operator == null || "".equals(operator)) && values != null) {
			wanted.add(String.valueOf(values instanceof List<?> l && !l.isEmpty() ? l.get(0) : values));
		}
		long listable = System.nanoTime() - ingestLagNanos;
		List<Stored> matching = new ArrayList<>();
		for (String id : new java.util.LinkedHashSet<>(wanted)) {
			List<Stored> logsOfId = byCustomId.get(id);
			if (logsOfId == null) {
				continue;
			}
			synchronized (logsOfId) {
				for (Stored stored : logsOfId) {
					Instant at = instant(stored.timestamp());
					if (stored.storedAtNanos() - listable <= 0 && at != null && !at.isBefore(start) && !at.isAfter(end)) {
						matching.add(stored);
					}
				}
			}
		}
		matching.sort((a, b) -> Long.compare(Long.parseLong(b.logId().substring(4)), Long.parseLong(a.logId().substring(4))));
		int from = Math.min(matching.size(), (page - 1) * pageSize);
		int to = Math.min(matching.size(), from + pageSize);
		StringBuilder sb = new StringBuilder(64 + (to - from) * 160).append("{\"count\":").append(matching.size())
			.append(",\"next\":");
		if (to < matching.size()) {
			String self = "http://" + ex.getRequestHeaders().getFirst("Host") + path + "?"
					+ ex.getRequestURI().getRawQuery().replaceAll("(^|&)page=\\d+", "$1page=" + (page + 1));
			sb.append(quote(self.contains("page=") ? self : self + "&page=" + (page + 1)));
		}
		else {
			sb.append("null");
		}
		sb.append(",\"previous\":null,\"results\":[");
		for (int i = from; i < to; i++) {
			Stored stored = matching.get(i);
			sb.append(i > from ? "," : "").append("{\"unique_id\":").append(quote(stored.logId()))
				.append(",\"custom_identifier\":").append(quote(stored.customId()))
				.append(",\"timestamp\":").append(quote(stored.timestamp()));
			if (stored.sourceId() != null) {
				sb.append(",\"metadata\":{\"backfill_source_id\":").append(quote(stored.sourceId())).append('}');
			}
			sb.append('}');
		}
		send(ex, 200, sb.append("]}").toString());
	}

	static Instant instant(String timestamp) {
		try {
			return timestamp == null ? null : Instant.parse(timestamp);
		}
		catch (RuntimeException e) {
			return null;
		}
	}

	static Map<String, String> query(String raw) {
		Map<String, String> params = new HashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				int eq = pair.indexOf('=');
				if (eq > 0) {
					params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
							URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return params;
	}

	static Object path(Object node, String... keys) {
		for (String key : keys) {
			if (!(node instanceof Map<?, ?> map)) {
				return null;
			}
			node = map.get(key);
		}
		return node;
	}

	static String quote(String s) {
		if (s == null) {
			return "null";
		}
		StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
		for (char c : s.toCharArray()) {
			switch (c) {
				case '"' -> sb.append("\\\"");
				case '\\' -> sb.append("\\\\");
				case '\n' -> sb.append("\\n");
				case '\r' -> sb.append("\\r");
				case '\t' -> sb.append("\\t");
				default -> {
					if (c < 0x20) {
						sb.append(String.format("\\u%04x", (int) c));
					}
					else {
						sb.append(c);
					}
				}
			}
		}
		return sb.append('"').toString();
	}

	/** A small JSON reader for the list request's body: objects, arrays, strings, numbers, literals. */
	static final class Json {

		private final String text;

		private int pos;

		Json(String text) {
			this.text = text;
		}

		Object value() {
			skip();
			char c = text.charAt(pos);
			if (c == '{') {
				Map<String, Object> map = new HashMap<>();
				pos++;
				skip();
				if (text.charAt(pos) == '}') {
					pos++;
					return map;
				}
				while (true) {
					skip();
					String key = string();
					skip();
					expect(':');
					map.put(key, value());
					skip();
					if (text.charAt(pos) == ',') {
						pos++;
						continue;
					}
					expect('}');
					return map;
				}
			}
			if (c == '[') {
				List<Object> list = new ArrayList<>();
				pos++;
				skip();
				if (text.charAt(pos) == ']') {
					pos++;
					return list;
				}
				while (true) {
					list.add(value());
					skip();
					if (text.charAt(pos) == ',') {
						pos++;
						continue;
					}
					expect(']');
					return list;
				}
			}
			if (c == '"') {
				return string();
			}
			int start = pos;
			while (pos < text.length() && ",}] \t\r\n".indexOf(text.charAt(pos)) < 0) {
				pos++;
			}
			String literal = text.substring(start, pos);
			return switch (literal) {
				case "null" -> null;
				case "true" -> Boolean.TRUE;
				case "false" -> Boolean.FALSE;
				default -> literal;
			};
		}

		private String string() {
			expect('"');
			StringBuilder sb = new StringBuilder();
			while (true) {
				char c = text.charAt(pos++);
				if (c == '"') {
					return sb.toString();
				}
				if (c == '\\') {
					char e = text.charAt(pos++);
					switch (e) {
						case 'n' -> sb.append('\n');
						case 't' -> sb.append('\t');
						case 'r' -> sb.append('\r');
						case 'b' -> sb.append('\b');
						case 'f' -> sb.append('\f');
						case 'u' -> {
							sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
							pos += 4;
						}
						default -> sb.append(e);
					}
				}
				else {
					sb.append(c);
				}
			}
		}

		private void skip() {
			while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
				pos++;
			}
		}

		private void expect(char c) {
			if (pos >= text.length() || text.charAt(pos) != c) {
				throw new IllegalArgumentException("expected " + c + " at " + pos);
			}
			pos++;
		}

	}

	/**
	 * One pass over the JSON bytes. In batch mode counts the objects directly inside the top-level
	 * {@code "logs"} array; in single mode the top-level object is the one log. For each log, adds the
	 * value of its own top-level {@code custom_identifier} string key to ids, and to fields its
	 * {@code custom_identifier}, {@code timestamp} and {@code metadata.backfill_source_id} (null where absent).
	 * Returns the log count, or -1 when no logs array was found in batch mode.
	 */
	static int scan(byte[] b, boolean batchMode, List<String> ids, List<String[]> fields) {
		int depth = 0; // nesting of { and [
		int logDepth = batchMode ? 3 : 1; // depth inside a log object's own members
		int logsArrayDepth = -1; // depth of the logs array's contents when inside it
		boolean sawLogsArray = false;
		int count = 0;
		boolean expectKey = false; // in an object, the next string is a key
		String lastKey = null; // last key seen at depth 1 (batch)
		int field = -1; // which field of the current log the next string value is: 0, 1, 2; -1 none
		boolean metadataNext = false; // the value of the log's "metadata" key comes next
		boolean inMetadata = false; // inside the log's metadata object (at depth logDepth + 1)
		String[] current = null;
		int n = b.length;
		for (int i = 0; i < n; i++) {
			byte c = b[i];
			switch (c) {
				case '"' -> {
					int start = i + 1;
					int j = start;
					boolean escaped = false;
					while (j < n) {
						byte d = b[j];
						if (d == '\\') {
							escaped = true;
							j += 2;
							continue;
						}
						if (d == '"') {
							break;
						}
						j++;
					}
					if (j >= n) {
						return batchMode && !sawLogsArray ? -1 : count;
					}
					boolean wasKey = expectKey;
					if (expectKey) {
						if (depth == 1 && batchMode) {
							lastKey = keyEquals(b, start, j, "logs") ? "logs" : null;
						}
						else if (depth == logDepth && current != null) {
							field = keyEquals(b, start, j, "custom_identifier") ? 0 : keyEquals(b, start, j, "timestamp") ? 1 : -1;
							metadataNext = keyEquals(b, start, j, "metadata");
						}
						else if (depth == logDepth + 1 && inMetadata) {
							field = keyEquals(b, start, j, "backfill_source_id") ? 2 : -1;
						}
						expectKey = false;
					}
					else if (field >= 0 && current != null && (depth == logDepth || (field == 2 && depth == logDepth + 1))) {
						String s = new String(b, start, j - start, StandardCharsets.UTF_8);
						s = escaped ? unescape(s) : s;
						current[field] = s;
						if (field == 0) {
							ids.add(s);
						}
						field = -1;
					}
					if (!wasKey) {
						metadataNext = false;
					}
					i = j;
				}
				case '{' -> {
					depth++;
					expectKey = true;
					if (batchMode && depth == 3 && logsArrayDepth == 2) {
						count++;
						current = new String[3];
						fields.add(current);
					}
					else if (!batchMode && depth == 1) {
						count++;
						current = new String[3];
						fields.add(current);
					}
					else if (metadataNext && depth == logDepth + 1) {
						inMetadata = true;
					}
					metadataNext = false;
					field = -1;
				}
				case '[' -> {
					depth++;
					if (batchMode && depth == 2 && "logs".equals(lastKey)) {
						logsArrayDepth = 2;
						sawLogsArray = true;
					}
					metadataNext = false;
					field = -1;
				}
				case '}', ']' -> {
					if (depth == 2 && logsArrayDepth == 2 && c == ']') {
						logsArrayDepth = -1;
					}
					if (depth == logDepth + 1 && c == '}') {
						inMetadata = false;
					}
					if (depth == logDepth && c == '}') {
						current = null;
					}
					depth--;
					field = -1;
				}
				case ',' -> {
					// a comma inside an object starts a new key; inside an array it does not matter
					expectKey = true;
					field = -1;
					metadataNext = false;
				}
				case ':' -> expectKey = false;
				default -> {
					// whitespace, numbers, literals: a non-string value ends what was expected
					if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
						field = -1;
						metadataNext = false;
					}
				}
			}
		}
		if (batchMode && !sawLogsArray) {
			return -1;
		}
		return count;
	}

	static boolean keyEquals(byte[] b, int start, int end, String key) {
		if (end - start != key.length()) {
			return false;
		}
		for (int k = 0; k < key.length(); k++) {
			if (b[start + k] != key.charAt(k)) {
				return false;
			}
		}
		return true;
	}

	static String unescape(String s) {
		StringBuilder sb = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c != '\\' || i + 1 >= s.length()) {
				sb.append(c);
				continue;
			}
			char e = s.charAt(++i);
			switch (e) {
				case 'n' -> sb.append('\n');
				case 't' -> sb.append('\t');
				case 'r' -> sb.append('\r');
				case 'b' -> sb.append('\b');
				case 'f' -> sb.append('\f');
				case 'u' -> {
					if (i + 4 < s.length()) {
						sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
						i += 4;
					}
				}
				default -> sb.append(e);
			}
		}
		return sb.toString();
	}

	static byte[] readBody(HttpExchange ex) throws IOException {
		try (InputStream in = ex.getRequestBody()) {
			return in.readAllBytes();
		}
	}

	static void send(HttpExchange ex, int status, String json) throws IOException {
		byte[] out = json.getBytes(StandardCharsets.UTF_8);
		ex.getResponseHeaders().set("Content-Type", "application/json");
		ex.sendResponseHeaders(status, out.length);
		try (OutputStream os = ex.getResponseBody()) {
			os.write(out);
		}
	}
}
