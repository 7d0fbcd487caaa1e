package io.keywordsbackfill.job;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keywordsbackfill.support.EmbeddedH2;

/** The import job with the job repository on H2 (the default embedded database). */
class H2ImportJobFunctionalTests extends ImportJobFunctionalTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		keywordsAiProperties(registry);
		registry.add("spring.datasource.url", EmbeddedH2::newDatabaseUrl);
	}

}
