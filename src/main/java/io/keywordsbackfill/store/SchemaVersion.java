package io.keywordsbackfill.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * Whether a database already has this version's schema, read from Flyway's history table with one query.
 * Every command starts the application, and Flyway's own check (find the migrations in the jar, parse them,
 * compare checksums) took about half a second of each start; so Flyway runs only when this says no.
 */
final class SchemaVersion {

	/** The newest migration in {@code db/migration}; a test fails when a new one is added without it. */
	static final int LATEST = 12;

	private SchemaVersion() {
	}

	/**
	 * @return true when every recorded migration succeeded and the newest is {@link #LATEST}; false when the
	 * history table is missing, a migration failed, or the versions are not what this version knows (Flyway
	 * then migrates, reports or rejects as usual)
	 */
	static boolean isCurrent(DataSource dataSource) {
		// Flyway creates the table and its columns with quoted lower-case names, on H2 as on PostgreSQL.
		String sql = "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL";
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			int newest = 0;
			while (rows.next()) {
				if (!rows.getBoolean(2)) {
					return false;
				}
				newest = Math.max(newest, Integer.parseInt(rows.getString(1)));
			}
			return newest == LATEST;
		}
		catch (SQLException | NumberFormatException ex) {
			return false;
		}
	}

}
