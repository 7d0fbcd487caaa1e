package io.keywordsbackfill.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

class KeywordsAiPropertiesTests {

	private static final String API_KEY = "kw-test-5ecret-0123456789abcdef";

	private static final ValidatorFactory validation = Validation.buildDefaultValidatorFactory();

	private final Validator validator = validation.getValidator();

	@AfterAll
	static void closeValidation() {
		validation.close();
	}

	private static KeywordsAiProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("keywordsai",
				KeywordsAiProperties.class);
	}

	@Test
	void defaults() {
		KeywordsAiProperties properties = bind(Map.of());

		assertThat(properties.baseUrl()).isEqualTo(URI.create("https://api.keywordsai.co/api"));
		assertThat(properties.apiKey()).isNull();
		assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.readTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(properties.maxBatchLogs()).isEqualTo(500);
		assertThat(properties.maxBatchBytes()).isEqualTo(DataSize.ofMegabytes(10));
		assertThat(properties.retry()).isEqualTo(new KeywordsAiProperties.Retry(Duration.ofMillis(500), 2,
				Duration.ofSeconds(30), Duration.ofMinutes(5), 0));
		assertThat(validator.validate(properties)).isEmpty();
	}

	@Test
	void bindsTheEnvironmentVariables() {
		SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
				Map.of("KEYWORDSAI_API_KEY", API_KEY, "KEYWORDSAI_BASE_URL", "http://localhost:9000/api",
						"KEYWORDSAI_RETRY_BUDGET", "2m"));

		KeywordsAiProperties properties = new Binder(ConfigurationPropertySources.from(environment))
			.bindOrCreate("keywordsai", KeywordsAiProperties.class);

		assertThat(properties.apiKey()).isEqualTo(API_KEY);
		assertThat(properties.baseUrl()).isEqualTo(URI.create("http://localhost:9000/api"));
		assertThat(properties.retry().budget()).isEqualTo(Duration.ofMinutes(2));
	}

	@Test
	void rejectsLimitsBeyondTheApis() {
		KeywordsAiProperties properties = bind(Map.of("keywordsai.max-batch-logs", "5001",
				"keywordsai.max-batch-bytes", "101MB", "keywordsai.retry.multiplier", "0.5"));

		Set<ConstraintViolation<KeywordsAiProperties>> violations = validator.validate(properties);

		assertThat(violations).extracting((violation) -> violation.getPropertyPath().toString())
			.containsExactlyInAnyOrder("maxBatchLogs", "maxBatchBytesWithinApiLimit", "retry.multiplier");
	}

	@Test
	void neverPrintsTheKey() {
		KeywordsAiProperties withKey = bind(Map.of("keywordsai.api-key", API_KEY));

		assertThat(withKey.toString()).doesNotContain(API_KEY).contains("apiKey=****");
		assertThat(bind(Map.of()).toString()).contains("apiKey=<unset>");
	}

}
