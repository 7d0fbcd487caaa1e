package io.keywordsbackfill.store;

import java.sql.Connection;
import java.sql.SQLException;

import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import javax.sql.DataSource;

/**
 * The few statements that differ between the two databases the job repository runs on.
 */
public enum SqlDialect {

	POSTGRESQL, H2;

	public static SqlDialect of(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return SpringBatchSchemaMigration.platformOf(connection.getMetaData().getDatabaseProductName())
				.equals("postgresql") ? POSTGRESQL : H2;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot reach the job repository database: " + ex.getMessage(), ex);
		}
	}

	/**
	 * An INSERT that does nothing when a row with the same key exists (for idempotent ledger writes).
	 * @param table the table
	 * @param key the primary key column
	 * @param columns all columns, in the order of the parameters, the key among them
	 */
	public String insertIgnoringDuplicates(String table, String key, List<String> columns) {
		String cols = String.join(", ", columns);
		String params = String.join(", ", Collections.nCopies(columns.size(), "?"));
		return switch (this) {
			case POSTGRESQL -> "INSERT INTO " + table + " (" + cols + ") VALUES (" + params + ") ON CONFLICT (" + key
					+ ") DO NOTHING";
			case H2 -> "MERGE INTO " + table + " t USING (VALUES (" + params + ")) s (" + cols + ") ON t." + key
					+ " = s." + key + " WHEN NOT MATCHED THEN INSERT (" + cols + ") VALUES ("
					+ columns.stream().map(c -> "s." + c).collect(Collectors.joining(", ")) + ")";
		};
	}

}
