package io.keywordsbackfill.support;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.keywordsbackfill.store.SpringBatchSchemaMigration;

/** A database brought to this version's schema by the application's own migrations, for tests without Spring. */
public final class MigratedDatabase {

	private MigratedDatabase() {
	}

	/** Migrates the database at {@code url} (empty password) and returns a DataSource for it. */
	public static DataSource migrate(String url, String user) {
		flyway(url, user, null).migrate();
		return new DriverManagerDataSource(url, user, "");
	}

	/** The application's migrations for {@code url}, up to {@code target} (null: all of them). */
	public static Flyway flyway(String url, String user, String target) {
		var configuration = Flyway.configure()
			.dataSource(url, user, "")
			.locations("classpath:db/migration")
			.javaMigrations(new SpringBatchSchemaMigration());
		if (target != null) {
			// the views of the repeatable migration read the newest tables: leave them out of an older schema
			configuration.target(target).repeatableSqlMigrationPrefix("not-repeatable-");
		}
		return configuration.load();
	}

}
