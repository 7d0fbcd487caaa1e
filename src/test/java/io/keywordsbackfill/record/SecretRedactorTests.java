package io.keywordsbackfill.record;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SecretRedactorTests {

	@Test
	void redactsSecretKeyValuesButKeepsTokenCounts() {
		String json = "{\"api_key\":\"abc123\",\"Authorization\":\"xyz\",\"password\":42,\"client_secret\":null,"
				+ "\"access_token\":\"t\",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15},"
				+ "\"max_tokens\":256}";

		assertThat(SecretRedactor.redact(json)).isEqualTo("{\"api_key\":\"[REDACTED]\","
				+ "\"Authorization\":\"[REDACTED]\",\"password\":\"[REDACTED]\",\"client_secret\":\"[REDACTED]\","
				+ "\"access_token\":\"[REDACTED]\",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,"
				+ "\"total_tokens\":15},\"max_tokens\":256}");
	}

	@Test
	void redactsWholeCustomerCredentialsObject() {
		String json = "{\"model\":\"m\",\"customer_credentials\": {\"togetherai\": {\"api_key\": \"tg-1\", "
				+ "\"note\": \"a } brace\"}}, \"x\": 1}";

		assertThat(SecretRedactor.redact(json))
			.isEqualTo("{\"model\":\"m\",\"customer_credentials\": \"[REDACTED]\", \"x\": 1}");
	}

	@Test
	void redactsSkKeysAndBearerTokensInsideFreeText() {
		String text = "{\"content\":\"my key is sk-abcdEFGH1234_x and header Bearer eyJhbGciOi.x.y\"}";

		assertThat(SecretRedactor.redact(text))
			.isEqualTo("{\"content\":\"my key is [REDACTED] and header Bearer [REDACTED]\"}");
		assertThat(SecretRedactor.redact("sk-short stays")).isEqualTo("sk-short stays");
	}

	@Test
	void copesWithTruncatedJsonAndNull() {
		assertThat(SecretRedactor.redact("{\"token\":\"abc")).isEqualTo("{\"token\":\"[REDACTED]\"");
		assertThat(SecretRedactor.redact("{\"secret\": {\"a\": [1,")).isEqualTo("{\"secret\": \"[REDACTED]\"");
		assertThat(SecretRedactor.redact(null)).isNull();
		assertThat(SecretRedactor.redact("plain text")).isEqualTo("plain text");
	}

	@Test
	void copesWithLongStringsAndManyEscapes() {
		String longValue = "{\"x\":\"" + "y".repeat(100_000) + "\",\"api_key\":\"k\"}";
		String escapes = "{\"x\":\"" + "\\n".repeat(20_000) + "\",\"api_key\":\"k\"}";
		String unterminated = "{\"x\":\"" + "y".repeat(100_000);

		assertThat(SecretRedactor.redact(longValue)).endsWith("\"api_key\":\"[REDACTED]\"}");
		assertThat(SecretRedactor.redact(escapes)).endsWith("\"api_key\":\"[REDACTED]\"}");
		assertThat(SecretRedactor.redact(unterminated)).isEqualTo(unterminated);
	}

	@ParameterizedTest
	@ValueSource(strings = { "k", "x", "e", "ke", "ey", "kw-test-5ecret-0123456789abcdef" })
	void keepsEveryWordOfAServerMessageWhateverTheConfiguredKey(String key) {
		assertThat(SecretRedactor.redact("{\"detail\":\"Invalid API key\"}", key))
			.isEqualTo("{\"detail\":\"Invalid API key\"}");
		assertThat(SecretRedactor.redact("Invalid API key", key)).isEqualTo("Invalid API key");
		assertThat(SecretRedactor.redact("unexpected end of stream on http://127.0.0.1:9/...", key))
			.isEqualTo("unexpected end of stream on http://127.0.0.1:9/...");
		assertThat(SecretRedactor.redact("Invalid API key")).isEqualTo("Invalid API key");
		assertThat(SecretRedactor.redact("Bearer token required; task-scheduler-queue is full"))
			.isEqualTo("Bearer token required; task-scheduler-queue is full");
	}

	@Test
	void stillMasksRealSecrets() {
		String key = "kw-live-9f8e7d6c5b4a";

		assertThat(SecretRedactor.redact("Invalid API key " + key, key)).isEqualTo("Invalid API key ****");
		assertThat(SecretRedactor.redact("{\"detail\":\"key '" + key + "' is revoked\"}", key))
			.isEqualTo("{\"detail\":\"key '****' is revoked\"}");
		assertThat(SecretRedactor.redact("x", "x")).isEqualTo("****");
		assertThat(SecretRedactor.redact("header was Bearer xyz123abc456def", null))
			.isEqualTo("header was Bearer [REDACTED]");
		assertThat(SecretRedactor.redact("Authorization: bearer eyJhbGciOi.x.y")).isEqualTo("Authorization: bearer [REDACTED]");
		assertThat(SecretRedactor.redact("use sk-proj-AbC123xyz789 instead")).isEqualTo("use [REDACTED] instead");
		assertThat(SecretRedactor.redact("{\"api_key\":\"Invalid API key\",\"detail\":\"Invalid API key\"}"))
			.isEqualTo("{\"api_key\":\"[REDACTED]\",\"detail\":\"Invalid API key\"}");
	}

}
