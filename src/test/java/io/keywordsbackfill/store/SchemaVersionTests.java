package io.keywordsbackfill.store;

import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.keywordsbackfill.support.EmbeddedH2;
import io.keywordsbackfill.support.EmbeddedPostgres;
import io.keywordsbackfill.support.MigratedDatabase;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaVersionTests {

	private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.sql");

	@Test
	void latestIsTheNewestMigrationInTheJar() throws IOException {
		Resource[] scripts = new PathMatchingResourcePatternResolver().getResources("classpath:db/migration/V*__*.sql");

		int newest = Arrays.stream(scripts).map(Resource::getFilename).map(MIGRATION::matcher).filter(Matcher::matches)
			.mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();

		assertThat(SchemaVersion.LATEST).isEqualTo(newest);
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void onlyAFullyMigratedDatabaseIsCurrent(String database) {
		String url = database.equals("h2") ? EmbeddedH2.newDatabaseUrl()
				: EmbeddedPostgres.newDatabaseUrl();
		String user = database.equals("h2") ? "sa" : "postgres";
		DataSource dataSource = new DriverManagerDataSource(url, user, "");
		assertThat(SchemaVersion.isCurrent(dataSource)).as("no history table").isFalse();

		MigratedDatabase.flyway(url, user, "8").migrate();
		assertThat(SchemaVersion.isCurrent(dataSource)).as("one migration behind").isFalse();

		MigratedDatabase.flyway(url, user, null).migrate();
		assertThat(SchemaVersion.isCurrent(dataSource)).as("migrated").isTrue();

		new JdbcTemplate(dataSource).update("UPDATE \"flyway_schema_history\" SET \"success\" = false WHERE \"version\" = '9'");
		assertThat(SchemaVersion.isCurrent(dataSource)).as("a failed migration").isFalse();
	}

}
