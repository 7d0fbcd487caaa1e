import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The importer a user would write from the Keywords AI docs, as the baseline for the benchmark.
 *
 * <pre>java bench/NaivePeer.java single|batch500 FILE BASE_URL [LIMIT]</pre>
 *
 * Reads a Together Batch output file line by line and maps each line to one Keywords AI log (model,
 * completion message, tokens, timestamp from body.created, custom_identifier =
 * "together-request:" + response.request_id) with regular expressions — no JSON library, no
 * validation, no pricing, no retries, no resume. Then either POSTs each log to
 * {BASE_URL}/request-logs/create/ (mode single) or sequential batches of 500 to
 * {BASE_URL}/request-logs/batch/create (mode batch500), one request at a time, with the JDK
 * HttpClient. LIMIT (optional) stops after that many records. The API key is KEYWORDSAI_API_KEY
 * (default "bench-key"). Prints a line "RESULT mode=... records=... seconds=... rate=... failed=...".
 * Exit 1 if any request failed.
 */
public class NaivePeer {

	static final Pattern REQUEST_ID = Pattern.compile("\"request_id\"\\s*:\\s*\"([^\"]*)\"");
	static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");
	static final Pattern CREATED = Pattern.compile("\"created\"\\s*:\\s*(\\d+)");
	static final Pattern PROMPT_TOKENS = Pattern.compile("\"prompt_tokens\"\\s*:\\s*(\\d+)");
	static final Pattern COMPLETION_TOKENS = Pattern.compile("\"completion_tokens\"\\s*:\\s*(\\d+)");
	static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*+)\"");

	public static void main(String[] args) throws Exception {
		if (args.length < 3 || !(args[0].equals("single") || args[0].equals("batch500"))) {
			System.err.println("usage: java bench/NaivePeer.java single|batch500 FILE BASE_URL [LIMIT]");
			System.exit(2);
		}
		String mode = args[0];
		Path file = Path.of(args[1]);
		String base = args[2].replaceAll("/+$", "");
		long limit = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
		String key = System.getenv().getOrDefault("KEYWORDSAI_API_KEY", "bench-key");
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
		URI singleUri = URI.create(base + "/request-logs/create/");
		URI batchUri = URI.create(base + "/request-logs/batch/create");

		long records = 0;
		long failed = 0;
		long started = System.nanoTime();
		StringBuilder batch = new StringBuilder(1 << 20);
		int inBatch = 0;
		try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			String line;
			while (records < limit && (line = in.readLine()) != null) {
				if (line.isBlank()) {
					continue;
				}
				String log = toLog(line);
				records++;
				if (mode.equals("single")) {
					failed += post(http, singleUri, key, log) ? 0 : 1;
				}
				else {
					batch.append(inBatch == 0 ? "{\"logs\":[" : ",").append(log);
					if (++inBatch == 500) {
						failed += post(http, batchUri, key, batch.append("]}").toString()) ? 0 : inBatch;
						batch.setLength(0);
						inBatch = 0;
					}
				}
			}
		}
		if (inBatch > 0) {
			failed += post(http, batchUri, key, batch.append("]}").toString()) ? 0 : inBatch;
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("RESULT mode=%s records=%d seconds=%.3f rate=%.1f failed=%d%n", mode, records, seconds,
				records / seconds, failed);
		System.exit(failed == 0 ? 0 : 1);
	}

	/** One Together Batch output line to one Keywords AI log, as JSON text. */
	static String toLog(String line) {
		String requestId = find(REQUEST_ID, line, "");
		String model = find(MODEL, line, "unknown");
		long created = Long.parseLong(find(CREATED, line, "0"));
		String content = find(CONTENT, line, ""); // still JSON-escaped: copied as is
		return "{\"model\":\"" + model + "\",\"log_type\":\"chat\""
				+ ",\"completion_message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"}"
				+ ",\"prompt_tokens\":" + find(PROMPT_TOKENS, line, "0")
				+ ",\"completion_tokens\":" + find(COMPLETION_TOKENS, line, "0")
				+ ",\"timestamp\":\"" + Instant.ofEpochSecond(created) + "\""
				+ ",\"custom_identifier\":\"together-request:" + requestId + "\"}";
	}

	static String find(Pattern p, String s, String dflt) {
		Matcher m = p.matcher(s);
		return m.find() ? m.group(1) : dflt;
	}

	static boolean post(HttpClient http, URI uri, String key, String json) throws IOException, InterruptedException {
		HttpRequest req = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
		if (res.statusCode() / 100 != 2) {
			System.err.println("HTTP " + res.statusCode() + " from " + uri + ": " + res.body());
			return false;
		}
		return true;
	}
}
