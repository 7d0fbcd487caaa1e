import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes N realistic Together AI Batch API output lines, deterministically (seeded).
 *
 * <pre>java bench/GenerateBatch.java OUT.jsonl N [SEED]</pre>
 *
 * Each line: {@code {"id":"batch_req_...","custom_id":"req-<i>","response":{"status_code":200,
 * "request_id":"<uuid-like>","body":{<chat.completion>}},"error":null}} with a unique request_id,
 * {@code created} increasing through 2025, one of three Together models, assistant content of roughly
 * 200–600 bytes, and usage tokens consistent with the content length.
 */
public class GenerateBatch {

	static final String[] MODELS = { "meta-llama/Llama-3.3-70B-Instruct-Turbo",
			"meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "Qwen/Qwen2.5-72B-Instruct-Turbo" };

	static final String[] OPENERS = { "Sure! Here is a concise summary of the document.",
			"Based on the customer's message, the main issue is a delayed shipment.",
			"The sentiment of this review is mostly positive, with one complaint about pricing.",
			"Here are the key action items from the meeting notes:",
			"Translation (French): Merci pour votre message, nous reviendrons vers vous rapidement.",
			"The SQL query below returns the monthly active users per region:",
			"Classification: billing_question (confidence: high).",
			"To reset your password, follow these steps:" };

	static final String[] SENTENCES = { "The invoice was issued on the 3rd and payment is due within 30 days.",
			"Customers in the EU region reported slower response times during peak hours.",
			"We recommend enabling two-factor authentication for all administrator accounts.",
			"The product team agreed to ship the new onboarding flow in the next sprint.",
			"Revenue grew 12% quarter over quarter, driven mainly by enterprise renewals.",
			"Open the Settings page, choose \"Security\", then click \"Reset password\".",
			"SELECT region, date_trunc('month', seen_at) AS m, count(DISTINCT user_id) FROM events GROUP BY 1, 2;",
			"The user mentions the order number #48213 and asks for a refund.",
			"No personally identifiable information was found in the text.",
			"Latency improved after the cache was moved closer to the database.",
			"Action item: Maria will draft the migration plan by Friday.",
			"The contract renews automatically unless cancelled 60 days before the end of the term.",
			"The model should answer in a friendly but professional tone.",
			"Three tickets mention the same error: \"connection reset by peer\".",
			"Overall, the reviewer would recommend the product to a friend." };

	public static void main(String[] args) throws IOException {
		if (args.length < 2) {
			System.err.println("usage: java bench/GenerateBatch.java OUT.jsonl N [SEED]");
			System.exit(2);
		}
		Path out = Path.of(args[0]);
		long n = Long.parseLong(args[1]);
		long seed = args.length > 2 ? Long.parseLong(args[2]) : 20250101L;
		Random rnd = new Random(seed);
		long start = 1735689600L; // 2025-01-01T00:00:00Z
		long created;
		long end = 1767225599L; // 2025-12-31T23:59:59Z
		// spread the records over the year, strictly increasing
		long step = Math.max(1, (end - start) / Math.max(1, n));
		long started = System.nanoTime();
		long bytes = 0;
		try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
			StringBuilder sb = new StringBuilder(1024);
			StringBuilder content = new StringBuilder(700);
			for (long i = 1; i <= n; i++) {
				created = start + (i - 1) * step + rnd.nextInt((int) Math.min(Integer.MAX_VALUE - 1, step)); // increasing, within 2025
				String model = MODELS[rnd.nextInt(MODELS.length)];
				content.setLength(0);
				content.append(OPENERS[rnd.nextInt(OPENERS.length)]);
				int target = 200 + rnd.nextInt(401);
				while (content.length() < target) {
					content.append(rnd.nextBoolean() ? "\n- " : " ").append(SENTENCES[rnd.nextInt(SENTENCES.length)]);
				}
				int completionTokens = Math.max(1, content.length() / 4);
				int promptTokens = 40 + rnd.nextInt(1200);
				String requestId = uuid(rnd, i); // unique: the last group is the line number
				sb.setLength(0);
				sb.append("{\"id\":\"batch_req_").append(hex(rnd, 24)).append("\",\"custom_id\":\"req-").append(i)
					.append("\",\"response\":{\"status_code\":200,\"request_id\":\"").append(requestId)
					.append("\",\"body\":{\"id\":\"").append(hex(rnd, 16)).append("-").append(model.hashCode() & 0xffff)
					.append("\",\"object\":\"chat.completion\",\"created\":").append(created)
					.append(",\"model\":\"").append(model)
					.append("\",\"prompt\":[],\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"");
				escape(content, sb);
				sb.append("\",\"tool_calls\":[]},\"finish_reason\":\"stop\",\"logprobs\":null,\"seed\":")
					.append(rnd.nextLong() & Long.MAX_VALUE)
					.append("}],\"usage\":{\"prompt_tokens\":").append(promptTokens)
					.append(",\"completion_tokens\":").append(completionTokens)
					.append(",\"total_tokens\":").append(promptTokens + completionTokens)
					.append("}}},\"error\":null}\n");
				w.append(sb);
				bytes += sb.length();
			}
		}
		double s = (System.nanoTime() - started) / 1e9;
		System.err.printf("wrote %d records (%.1f MB) to %s in %.2f s%n", n, bytes / 1e6, out, s);
	}

	static String uuid(Random rnd, long i) {
		String h = hex(rnd, 20);
		return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-a" + h.substring(17, 20)
				+ "-" + String.format("%012x", i);
	}

	static final char[] HEX = "0123456789abcdef".toCharArray();

	static String hex(Random rnd, int len) {
		char[] c = new char[len];
		for (int i = 0; i < len; i++) {
			c[i] = HEX[rnd.nextInt(16)];
		}
		return new String(c);
	}

	static void escape(CharSequence s, StringBuilder out) {
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\t' -> out.append("\\t");
				default -> out.append(c);
			}
		}
	}
}
