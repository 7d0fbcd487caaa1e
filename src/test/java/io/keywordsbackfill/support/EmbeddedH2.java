package io.keywordsbackfill.support;

import java.util.UUID;

/** In-memory H2 databases, a fresh one per caller, kept until the test JVM ends. */
public final class EmbeddedH2 {

	private EmbeddedH2() {
	}

	/** A JDBC URL of a new, empty database (user {@code sa}, empty password). */
	public static String newDatabaseUrl() {
		return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

}
