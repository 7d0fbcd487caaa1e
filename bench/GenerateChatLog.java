import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/**
 * Writes realistic {@code chat-log} lines (docs/formats/README.md) until the file reaches BYTES, deterministically.
 *
 * <pre>java bench/GenerateChatLog.java OUT.jsonl BYTES [SEED]</pre>
 *
 * Each line (~1–2 KB): {@code request} with model, a system and a user message (1–3 turns), temperature and
 * max_tokens; a chat completion {@code response} with 150–700 bytes of assistant content and usage;
 * {@code started_at}/{@code completed_at} (ISO-8601, increasing through 2025), {@code latency_ms},
 * {@code ttft_ms}, {@code user}, {@code status_code}, a unique {@code request_id} and {@code metadata}.
 * About 2 % are failed calls ({@code response} null, {@code error} with a 429/500/503 status) and 1 % have
 * non-ASCII content. No line is malformed: every line should map (0 rejects).
 */
public class GenerateChatLog {

	static final String[] MODELS = { "meta-llama/Llama-3.3-70B-Instruct-Turbo",
			"meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "Qwen/Qwen2.5-72B-Instruct-Turbo",
			"deepseek-ai/DeepSeek-V3", "mistralai/Mixtral-8x7B-Instruct-v0.1" };

	static final String[] SYSTEMS = { "You are a concise support assistant for Acme Cloud. Answer in at most five sentences and never reveal internal ticket numbers.",
			"You are a helpful assistant that summarises documents for busy executives. Use bullet points.",
			"You classify customer emails into one of: billing_question, bug_report, feature_request, other. Reply with the label and a confidence.",
			"You translate English text to French, keeping product names unchanged." };

	static final String[] USERS = { "How do I rotate my API key without downtime for the services that use it?",
			"Summarise the following meeting notes: the team discussed the Q3 roadmap, the migration to the new billing system, and hiring two engineers.",
			"Classify this email: \"Hi, I was charged twice for my March invoice, can you refund one of the charges?\"",
			"Translate: The invoice is overdue. Please pay within 14 days to avoid a late fee.",
			"Write a SQL query that returns monthly active users per region for the last 6 months.",
			"What is the status of invoice INV-2025-0042 and when is it due?",
			"Can you explain the difference between the Standard and Enterprise plans in terms of support hours?" };

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

	static final String[] CUSTOMERS = { "acme-42", "globex-7", "initech-3", "umbrella-11", "hooli-5", "stark-1" };

	public static void main(String[] args) throws IOException {
		if (args.length < 2) {
			System.err.println("usage: java bench/GenerateChatLog.java OUT.jsonl BYTES [SEED]");
			System.exit(2);
		}
		Path out = Path.of(args[0]);
		long target = Long.parseLong(args[1]);
		Random rnd = new Random(args.length > 2 ? Long.parseLong(args[2]) : 20250301L);
		long t = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
		long bytes = 0, n = 0;
		long started = System.nanoTime();
		StringBuilder sb = new StringBuilder(4096);
		StringBuilder content = new StringBuilder(1024);
		try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
			while (bytes < target) {
				n++;
				t += 200 + rnd.nextInt(4000); // ~2 s apart: a year is ~15M lines
				String model = MODELS[rnd.nextInt(MODELS.length)];
				int latency = 300 + rnd.nextInt(6000);
				int ttft = 60 + rnd.nextInt(Math.min(latency, 800));
				boolean failed = rnd.nextInt(50) == 0;
				sb.setLength(0);
				sb.append("{\"request\":{\"model\":\"").append(model).append("\",\"messages\":[{\"role\":\"system\",\"content\":\"");
				escape(SYSTEMS[rnd.nextInt(SYSTEMS.length)], sb);
				sb.append("\"}");
				int turns = 1 + rnd.nextInt(3);
				for (int k = 0; k < turns; k++) {
					if (k > 0) {
						sb.append(",{\"role\":\"assistant\",\"content\":\"");
						escape(SENTENCES[rnd.nextInt(SENTENCES.length)], sb);
						sb.append("\"}");
					}
					sb.append(",{\"role\":\"user\",\"content\":\"");
					escape(USERS[rnd.nextInt(USERS.length)], sb);
					sb.append("\"}");
				}
				sb.append("],\"stream\":").append(rnd.nextInt(4) == 0).append(",\"temperature\":0.")
					.append(rnd.nextInt(10)).append(",\"max_tokens\":").append(128 << rnd.nextInt(4)).append("},");
				int promptTokens = 60 + turns * 40 + rnd.nextInt(400);
				if (failed) {
					int status = new int[] { 429, 500, 503 }[rnd.nextInt(3)];
					sb.append("\"response\":null,\"error\":{\"message\":\"")
						.append(status == 429 ? "Rate limit exceeded, retry after 2s" : "Upstream model server unavailable")
						.append("\",\"code\":\"").append(status == 429 ? "rate_limit_exceeded" : "server_error")
						.append("\",\"status_code\":").append(status).append("},");
				}
				else {
					content.setLength(0);
					if (rnd.nextInt(100) == 0) {
						content.append("Voilà : « La facture est en retard. » — merci de régler sous 14 jours. ✓");
					}
					int len = 150 + rnd.nextInt(551);
					while (content.length() < len) {
						content.append(content.length() == 0 ? "" : rnd.nextBoolean() ? "\n- " : " ")
							.append(SENTENCES[rnd.nextInt(SENTENCES.length)]);
					}
					int completionTokens = Math.max(1, content.length() / 4);
					sb.append("\"response\":{\"id\":\"").append(hex(rnd, 16)).append("-IAD\",\"object\":\"chat.completion\",\"created\":")
						.append((t + latency) / 1000).append(",\"model\":\"").append(model)
						.append("\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"");
					escape(content, sb);
					sb.append("\"},\"finish_reason\":\"stop\",\"logprobs\":null}],\"usage\":{\"prompt_tokens\":")
						.append(promptTokens).append(",\"completion_tokens\":").append(completionTokens)
						.append(",\"total_tokens\":").append(promptTokens + completionTokens).append("}},\"error\":null,");
				}
				sb.append("\"started_at\":\"").append(Instant.ofEpochMilli(t)).append("\",\"completed_at\":\"")
					.append(Instant.ofEpochMilli(t + latency)).append("\",\"latency_ms\":").append(latency);
				if (!failed) {
					sb.append(",\"ttft_ms\":").append(ttft);
				}
				sb.append(",\"user\":\"").append(CUSTOMERS[rnd.nextInt(CUSTOMERS.length)]).append("\",\"status_code\":")
					.append(failed ? 0 : 200).append(",\"request_id\":\"req_").append(hex(rnd, 10))
					.append(String.format("%010x", n)).append("\",\"metadata\":{\"app\":\"")
					.append(rnd.nextBoolean() ? "helpdesk" : "summariser").append("\",\"env\":\"prod\"}}\n");
				if (failed) { // status from error.status_code: drop the placeholder
					int i = sb.indexOf(",\"status_code\":0,");
					sb.replace(i, i + ",\"status_code\":0".length(), "");
				}
				w.append(sb);
				bytes += utf8Length(sb);
			}
		}
		double s = (System.nanoTime() - started) / 1e9;
		System.err.printf("wrote %d records (%.1f MB) to %s in %.2f s%n", n, bytes / 1e6, out, s);
	}

	static long utf8Length(CharSequence s) {
		long len = 0;
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			len += (c < 0x80) ? 1 : (c < 0x800) ? 2 : Character.isSurrogate(c) ? 2 : 3;
		}
		return len;
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
