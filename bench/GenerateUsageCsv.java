import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/**
 * Writes a realistic {@code usage-csv} file (docs/formats/README.md, default header) until it reaches BYTES,
 * deterministically.
 *
 * <pre>java bench/GenerateUsageCsv.java OUT.csv BYTES [SEED]</pre>
 *
 * Rows of ~150 bytes: timestamps increasing through 2025 in the accepted shapes (ISO with {@code Z}, with
 * millis, with a space instead of {@code T}), a unique request_id, five Together models, tokens with a
 * consistent total, latency and TTFT (TTFT sometimes empty), a customer id (about 1 in 10 quoted because it
 * holds a comma, 1 in 200 with an escaped quote), cost_usd on about a quarter of the rows, and about 1 in 50
 * a failed call (status 429/500 with a quoted error message). No row is malformed: 0 rejects expected.
 */
public class GenerateUsageCsv {

	static final String[] MODELS = { "meta-llama/Llama-3.3-70B-Instruct-Turbo",
			"meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "Qwen/Qwen2.5-72B-Instruct-Turbo",
			"deepseek-ai/DeepSeek-V3", "mistralai/Mixtral-8x7B-Instruct-v0.1" };

	static final String[] CUSTOMERS = { "acme-42", "globex-7", "umbrella-11", "hooli-5", "stark-1", "wayne-9" };

	static final String[] QUOTED = { "\"Initech, Inc.\"", "\"Soylent, Corp.\"", "\"Wonka Industries, Ltd.\"" };

	static final DateTimeFormatter SPACE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	static final DateTimeFormatter SPACE_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

	static final char[] HEX = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	public static void main(String[] args) throws IOException {
		if (args.length < 2) {
			System.err.println("usage: java bench/GenerateUsageCsv.java OUT.csv BYTES [SEED]");
			System.exit(2);
		}
		Path out = Path.of(args[0]);
		long target = Long.parseLong(args[1]);
		Random rnd = new Random(args.length > 2 ? Long.parseLong(args[2]) : 20250302L);
		long t = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
		long bytes = 0, n = 0;
		long started = System.nanoTime();
		StringBuilder sb = new StringBuilder(512);
		try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
			String header = "timestamp,request_id,model,prompt_tokens,completion_tokens,total_tokens,latency_ms,ttft_ms,status_code,customer_id,cost_usd,error_message\n";
			w.write(header);
			bytes += header.length();
			while (bytes < target) {
				n++;
				t += 1 + rnd.nextInt(6000); // ~3 s apart: 1 GiB (~8.3M rows) stays inside 2025
				sb.setLength(0);
				LocalDateTime ts = LocalDateTime.ofEpochSecond(t / 1000, (int) (t % 1000) * 1_000_000, ZoneOffset.UTC);
				switch (rnd.nextInt(4)) {
					case 0 -> sb.append(Instant.ofEpochMilli(t / 1000 * 1000));
					case 1 -> sb.append(SPACE.format(ts));
					case 2 -> sb.append(SPACE_MILLIS.format(ts));
					default -> sb.append(Instant.ofEpochMilli(t)); // …T…:ss.SSSZ (Instant omits .000)
				}
				sb.append(",req_01J");
				for (int i = 0; i < 14; i++) { // ULID-like: 01J + 23 characters
					sb.append(HEX[rnd.nextInt(HEX.length)]);
				}
				sb.append(String.format("%09d", n)); // unique
				String model = MODELS[rnd.nextInt(MODELS.length)];
				int prompt = 20 + rnd.nextInt(4000);
				boolean failed = rnd.nextInt(50) == 0;
				int completion = failed ? 0 : 1 + rnd.nextInt(1200);
				int latency = 150 + rnd.nextInt(9000);
				sb.append(',').append(model).append(',').append(prompt).append(',').append(completion).append(',')
					.append(prompt + completion).append(',').append(latency).append(',');
				if (!failed && rnd.nextInt(5) != 0) {
					sb.append(40 + rnd.nextInt(Math.min(latency, 900)));
				}
				sb.append(',').append(failed ? (rnd.nextBoolean() ? "429" : "500") : "200").append(',');
				int c = rnd.nextInt(200);
				if (c == 0) {
					sb.append("\"Dunder \"\"Paper\"\" Co.\"");
				}
				else if (c < 20) {
					sb.append(QUOTED[c % QUOTED.length]);
				}
				else {
					sb.append(CUSTOMERS[c % CUSTOMERS.length]);
				}
				sb.append(',');
				if (!failed && rnd.nextInt(4) == 0) {
					sb.append(String.format("%.7f", (prompt + completion) * 0.00000088));
				}
				sb.append(',');
				if (failed) {
					sb.append(rnd.nextBoolean() ? "\"Rate limit exceeded, retry after 2s\"" : "\"Internal error: upstream model server unavailable, try again\"");
				}
				sb.append('\n');
				w.append(sb);
				bytes += sb.length();
			}
		}
		double s = (System.nanoTime() - started) / 1e9;
		System.err.printf("wrote %d records (%.1f MB) to %s in %.2f s%n", n, bytes / 1e6, out, s);
	}
}
