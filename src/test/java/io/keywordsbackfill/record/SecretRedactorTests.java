package io.keywordsbackfill.record;

import org.junit.jupiter.api.Test;

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

}
