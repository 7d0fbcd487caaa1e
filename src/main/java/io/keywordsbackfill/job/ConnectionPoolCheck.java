package io.keywordsbackfill.job;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Refuses a connection pool too small for the partitions: each partition holds a connection for the whole of
 * its chunk (the chunk's transaction, which lasts until the chunk is delivered), and its deliveries need
 * connections of their own for the in-flight markers and the ledger. With no spare connection the deliveries
 * would wait for one that no partition gives back until they are done: the run would stall until the pool's
 * timeout failed it.
 */
final class ConnectionPoolCheck {

	/** Connections beyond the partitions' own, for deliveries (short transactions, shared by all batches). */
	static final int SPARE_CONNECTIONS = 2;

	private ConnectionPoolCheck() {
	}

	/** @throws InvalidConfigurationException naming both properties if the pool is too small */
	static void check(DataSource dataSource, BackfillProperties properties) {
		if (dataSource instanceof HikariDataSource hikari) {
			int needed = properties.partitions() + SPARE_CONNECTIONS;
			if (hikari.getMaximumPoolSize() < needed) {
				throw new InvalidConfigurationException("spring.datasource.hikari.maximum-pool-size is "
						+ hikari.getMaximumPoolSize() + ", but backfill.partitions = " + properties.partitions()
						+ " needs at least " + needed + " (a connection per partition and " + SPARE_CONNECTIONS
						+ " for deliveries): raise the pool or lower the partitions");
			}
		}
	}

}
