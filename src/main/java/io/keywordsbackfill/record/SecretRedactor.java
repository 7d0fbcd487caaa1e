package io.keywordsbackfill.record;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that is about to be stored or shown: raw source lines in the rejects table,
 * payloads, messages. It works on text, not on parsed JSON, because what it cleans is often a truncated
 * excerpt or not JSON at all.
 * <ul>
 * <li>The value of any JSON key whose name contains {@code api_key}, {@code apikey}, {@code api-key},
 * {@code authorization}, {@code password}, {@code secret} or {@code token} (but not {@code tokens}, so
 * {@code prompt_tokens} and {@code max_tokens} survive) becomes {@code "[REDACTED]"}, whatever its type.</li>
 * <li>The whole value of {@code customer_credentials} (the gateway's BYOK provider keys) becomes
 * {@code "[REDACTED]"}.</li>
 * <li>Anywhere in the text, {@code sk-...} keys and {@code Bearer <token>} credentials become
 * {@code [REDACTED]} (without quotes, so a JSON string that holds one stays valid JSON). The bearer token
 * stops at whitespace, a quote or a backslash for the same reason.</li>
 * </ul>
 * Only secrets are masked, never the words of a message around them: an {@code sk-} key starts a word, a
 * bearer token looks like a credential (8 or more characters, not a plain lower-case word, so
 * {@code Bearer token required} stays), and a known secret ({@link #redact(String, String)}) is masked where
 * it stands as a whole token, not inside a longer word ({@code Invalid API key} stays whole even for a key
 * {@code k}).
 */
public final class SecretRedactor {

	/** What replaces a secret. */
	public static final String REDACTED = "[REDACTED]";

	// Unrolled ("normal* (special normal*)*") so that a long string costs no regex recursion: the
	// alternation form overflowed the stack on a few thousand characters, e.g. a too-large line's excerpt.
	private static final Pattern JSON_KEY = Pattern.compile("\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"\\s*:\\s*");

	private static final Pattern SECRET_KEY = Pattern
		.compile("(api[_-]?key|authorization|password|secret|token|customer_credentials)(?![a-z])");

	private static final Pattern SK_KEY = Pattern.compile("(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{8,}");

	private static final Pattern BEARER = Pattern.compile("(?i)(bearer)\\s+([^\\s\"\\\\]+)");

	/** A plain lower-case word: what follows "Bearer" in a message, as opposed to a credential. */
	private static final Pattern PLAIN_WORD = Pattern.compile("[a-z]+[.,;:!?)]*");

	/** What masks a known secret ({@link #redact(String, String)}). */
	public static final String MASK = "****";

	private SecretRedactor() {
	}

	/**
	 * @param text any text, possibly truncated JSON
	 * @return the text with secrets replaced; null for null
	 */
	public static String redact(String text) {
		if (text == null || text.isEmpty()) {
			return text;
		}
		String result = redactSecretKeys(text);
		result = SK_KEY.matcher(result).replaceAll(REDACTED);
		return redactBearerTokens(result);
	}

	/**
	 * Masks a known secret, such as the configured API key that a server may echo, then redacts as
	 * {@link #redact(String)} does.
	 * @param secret the secret; null or blank masks nothing more
	 * @return the text with the secret as {@value #MASK} wherever it stands as a whole token; null for null
	 */
	public static String redact(String text, String secret) {
		if (text == null || secret == null || secret.isBlank()) {
			return redact(text);
		}
		Pattern whole = Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(secret) + "(?![A-Za-z0-9])");
		return redact(whole.matcher(text).replaceAll(Matcher.quoteReplacement(MASK)));
	}

	private static String redactBearerTokens(String text) {
		Matcher bearer = BEARER.matcher(text);
		StringBuilder out = new StringBuilder(text.length());
		while (bearer.find()) {
			String token = bearer.group(2);
			boolean credential = token.length() >= 8 && !PLAIN_WORD.matcher(token).matches();
			bearer.appendReplacement(out, Matcher.quoteReplacement(
					credential ? bearer.group(1) + " " + REDACTED : bearer.group()));
		}
		return bearer.appendTail(out).toString();
	}

	private static String redactSecretKeys(String text) {
		Matcher key = JSON_KEY.matcher(text);
		StringBuilder out = null;
		int copied = 0;
		int from = 0;
		while (from < text.length() && key.find(from)) {
			String name = key.group(1).toLowerCase(Locale.ROOT);
			if (!SECRET_KEY.matcher(name).find() || key.end() >= text.length()) {
				from = key.end();
				continue;
			}
			int valueEnd = endOfValue(text, key.end());
			if (out == null) {
				out = new StringBuilder(text.length());
			}
			out.append(text, copied, key.end()).append('"').append(REDACTED).append('"');
			copied = valueEnd;
			from = valueEnd;
		}
		if (out == null) {
			return text;
		}
		return out.append(text, copied, text.length()).toString();
	}

	/** The index just after the JSON value starting at {@code start}, or the text's end if it is cut off. */
	private static int endOfValue(String text, int start) {
		char first = text.charAt(start);
		if (first == '"') {
			return endOfString(text, start);
		}
		if (first == '{' || first == '[') {
			int depth = 0;
			int i = start;
			while (i < text.length()) {
				char c = text.charAt(i);
				if (c == '"') {
					i = endOfString(text, i);
					continue;
				}
				if (c == '{' || c == '[') {
					depth++;
				}
				else if (c == '}' || c == ']') {
					depth--;
					if (depth == 0) {
						return i + 1;
					}
				}
				i++;
			}
			return text.length();
		}
		int i = start;
		while (i < text.length() && ",}] \t\r\n".indexOf(text.charAt(i)) < 0) {
			i++;
		}
		return i;
	}

	private static int endOfString(String text, int openingQuote) {
		int i = openingQuote + 1;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (c == '\\') {
				i += 2;
				continue;
			}
			if (c == '"') {
				return i + 1;
			}
			i++;
		}
		return text.length();
	}

}
