package io.keywordsbackfill.delivery;

import java.util.concurrent.TimeUnit;

import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * The HTTP client that the {@link KeywordsAiClient}s of the process share: one connection pool, so that the
 * partitions of a run reuse connections (and TLS sessions) instead of each opening its own. A run of a year of
 * daily files has a partition per file, hundreds of them; with a client each, every one paid for new
 * connections, and building the clients cost more CPU than reading some of the files.
 */
public final class KeywordsAiHttp implements AutoCloseable {

	private final OkHttpClient client;

	/**
	 * @param properties the timeouts
	 * @param maxIdleConnections connections kept open between requests: as many as may be in flight at once
	 */
	public KeywordsAiHttp(KeywordsAiProperties properties, int maxIdleConnections) {
		this.client = KeywordsAiClient.newHttpClient(properties)
			.connectionPool(new ConnectionPool(maxIdleConnections, 5, TimeUnit.MINUTES))
			.build();
	}

	/** The client to pass to {@link KeywordsAiClient}, which does not close it. */
	public OkHttpClient client() {
		return this.client;
	}

	@Override
	public void close() {
		this.client.dispatcher().executorService().shutdown();
		this.client.connectionPool().evictAll();
	}

}
