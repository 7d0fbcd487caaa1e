package io.keywordsbackfill.store;

import javax.sql.DataSource;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Database facts that the rest of the application needs. The DataSource itself is Boot's, from
 * {@code spring.datasource.*}: H2 under ./data by default, PostgreSQL in production.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

	@Bean
	SqlDialect sqlDialect(DataSource dataSource) {
		return SqlDialect.of(dataSource);
	}

	/** Flyway migrates (and validates) only a database that is behind: see {@link SchemaVersion}. */
	@Bean
	FlywayMigrationStrategy migrateWhenBehind(DataSource dataSource) {
		return flyway -> {
			if (!SchemaVersion.isCurrent(dataSource)) {
				flyway.migrate();
			}
		};
	}

}
