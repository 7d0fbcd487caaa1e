package io.keywordsbackfill.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;
import org.springframework.stereotype.Component;

/**
 * Creates the Spring Batch metadata tables from the DDL that ships inside spring-batch-core, once, as
 * Flyway migration 1. Boot's own initializer would run the script on every start and, with
 * {@code continue-on-error}, hide real schema errors; a migration runs once and fails loudly.
 */
@Component
public class SpringBatchSchemaMigration implements JavaMigration {

	@Override
	public MigrationVersion getVersion() {
		return MigrationVersion.fromVersion("1");
	}

	@Override
	public String getDescription() {
		return "Spring Batch metadata schema";
	}

	@Override
	public Integer getChecksum() {
		return null;
	}

	@Override
	public boolean canExecuteInTransaction() {
		return true;
	}

	@Override
	public void migrate(Context context) throws SQLException {
		Connection connection = context.getConnection();
		String platform = platformOf(connection.getMetaData().getDatabaseProductName());
		ScriptUtils.executeSqlScript(connection,
				new ClassPathResource("org/springframework/batch/core/schema-" + platform + ".sql"));
	}

	static String platformOf(String productName) {
		String name = productName.toLowerCase(Locale.ROOT);
		if (name.contains("postgres")) {
			return "postgresql";
		}
		if (name.contains("h2")) {
			return "h2";
		}
		throw new IllegalStateException("Unsupported database '" + productName
				+ "': the job repository runs on PostgreSQL or H2 (spring.datasource.url)");
	}

}
