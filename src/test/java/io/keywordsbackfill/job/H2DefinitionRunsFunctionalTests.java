package io.keywordsbackfill.job;

import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Definition runs with the job repository on H2 (the default embedded database). */
class H2DefinitionRunsFunctionalTests extends DefinitionRunsFunctionalTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		keywordsAiProperties(registry);
		registry.add("spring.datasource.url",
				() -> "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
	}

}
