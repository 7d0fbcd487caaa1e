package io.keywordsbackfill.job;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keywordsbackfill.support.EmbeddedPostgres;

/** Definition runs with the job repository on a real PostgreSQL server. */
class PostgresDefinitionRunsFunctionalTests extends DefinitionRunsFunctionalTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		keywordsAiProperties(registry);
		String url = EmbeddedPostgres.newDatabaseUrl();
		registry.add("spring.datasource.url", () -> url);
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "");
	}

}
