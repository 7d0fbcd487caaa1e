import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast local stand-in for the Keywords AI logging API, for benchmarks and crash tests.
 *
 * <pre>java bench/StubServer.java PORT [--latency-ms N] [--log FILE] [--threads N]</pre>
 *
 * Listens on 127.0.0.1 only.
 * <ul>
 * <li>{@code POST /api/request-logs/batch/create} with {@code {"logs":[...]}}: one
 * {@code {"id":"log_N","status":"success"}} per log, in order.</li>
 * <li>{@code POST /api/request-logs/create/} (and {@code /api/request-logs/}): one log, answers
 * {@code {"id":"log_N","message":"log successful"}}.</li>
 * <li>{@code GET /stats}: {@code {"requests":..,"logs":..,"distinct":..,"duplicates":..,"missing_id":..,"max_in_flight":..}}
 * (max_in_flight: the most batch requests handled at once);
 * {@code POST /reset} clears the counters (not the --log file).</li>
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
			seen.clear();
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
		int n = scan(body, true, ids);
		if (n < 0) {
			send(ex, 400, "{\"detail\":\"body must be a JSON object with a logs array\"}");
			return;
		}
		store(ids, n);
		pause();
		StringBuilder sb = new StringBuilder(16 + n * 40).append("{\"results\":[");
		long first = logIds.getAndAdd(n);
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
		int n = scan(body, false, ids);
		if (n != 1) {
			send(ex, 400, "{\"detail\":\"body must be one JSON object\"}");
			return;
		}
		store(ids, 1);
		pause();
		send(ex, 200, "{\"id\":\"log_" + logIds.incrementAndGet() + "\",\"message\":\"log successful\"}");
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

	static void store(List<String> ids, int n) throws IOException {
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
				+ maxInFlight.get() + "}");
	}

	/**
	 * One pass over the JSON bytes. In batch mode counts the objects directly inside the top-level
	 * {@code "logs"} array; in single mode the top-level object is the one log. For each log, adds the
	 * value of its own top-level {@code custom_identifier} string key to ids. Returns the log count, or
	 * -1 when no logs array was found in batch mode.
	 */
	static int scan(byte[] b, boolean batchMode, List<String> ids) {
		int depth = 0; // nesting of { and [
		int logDepth = batchMode ? 3 : 1; // depth inside a log object's own members
		int logsArrayDepth = -1; // depth of the logs array's contents when inside it
		boolean sawLogsArray = false;
		int count = 0;
		boolean expectKey = false; // in an object, the next string is a key
		String lastKey = null; // last key seen at depth 1 (batch) or logDepth
		boolean valueOfCustomId = false;
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
					if (expectKey) {
						if (depth == 1 && batchMode) {
							lastKey = keyEquals(b, start, j, "logs") ? "logs" : null;
						}
						else if (depth == logDepth) {
							valueOfCustomId = keyEquals(b, start, j, "custom_identifier");
						}
						expectKey = false;
					}
					else if (valueOfCustomId && depth == logDepth) {
						String s = new String(b, start, j - start, StandardCharsets.UTF_8);
						ids.add(escaped ? unescape(s) : s);
						valueOfCustomId = false;
					}
					i = j;
				}
				case '{' -> {
					depth++;
					expectKey = true;
					if (batchMode && depth == 3 && logsArrayDepth == 2) {
						count++;
					}
					else if (!batchMode && depth == 1) {
						count++;
					}
				}
				case '[' -> {
					depth++;
					if (batchMode && depth == 2 && "logs".equals(lastKey)) {
						logsArrayDepth = 2;
						sawLogsArray = true;
					}
				}
				case '}', ']' -> {
					if (depth == 2 && logsArrayDepth == 2 && c == ']') {
						logsArrayDepth = -1;
					}
					depth--;
					valueOfCustomId = false;
				}
				case ',' -> {
					// a comma inside an object starts a new key; inside an array it does not matter
					expectKey = true;
					if (depth == logDepth) {
						valueOfCustomId = false;
					}
				}
				case ':' -> expectKey = false;
				default -> {
					// whitespace, numbers, literals
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
