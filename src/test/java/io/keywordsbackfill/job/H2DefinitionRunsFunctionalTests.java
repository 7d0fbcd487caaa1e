package io.keywordsbackfill.job;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keywordsbackfill.support.EmbeddedH2;

/** Definition runs with the job repository on H2 (the default embedded database). */
class H2DefinitionRunsFunctionalTests extends DefinitionRunsFunctionalTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		keywordsAiProperties(registry);
		registry.add("spring.datasource.url", EmbeddedH2::newDatabaseUrl);
	}

}
