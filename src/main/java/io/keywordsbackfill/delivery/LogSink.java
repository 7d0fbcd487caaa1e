package io.keywordsbackfill.delivery;

import java.util.List;

/**
 * Where batches of logs go: Keywords AI over HTTP, or a file for a dry run.
 */
public interface LogSink extends AutoCloseable {

	/**
	 * Sends one batch.
	 * @param batch logs that together respect the batch count and byte limits
	 * @return one result per log, in the order given
	 * @throws FatalDeliveryException when no further request can succeed (bad API key); the job must stop
	 * @throws TransientDeliveryException when retries ran out of their time budget; the step fails and can be
	 * restarted
	 */
	List<LogResult> send(List<OutgoingLog> batch);

	@Override
	default void close() {
	}

}
