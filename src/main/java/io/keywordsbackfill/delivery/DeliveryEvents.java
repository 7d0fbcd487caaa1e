package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.Map;

/**
 * Callbacks through which delivery reports what it did, so runs can count requests, retries and waits.
 * Implementations must be thread-safe.
 */
public interface DeliveryEvents {

	DeliveryEvents NONE = new DeliveryEvents() {
	};

	/** A request completed (any status) after {@code latency}. */
	default void requestCompleted(int statusCode, Duration latency) {
	}

	/** A failed attempt will be retried after {@code wait}; {@code reason} is a status code or an error class. */
	default void retryScheduled(String reason, Duration wait) {
	}

	/** A batch answered 400/413 as a whole is being split in two to isolate bad logs. */
	default void batchSplit(int statusCode, int size) {
	}

	/**
	 * After an answer was lost (the connection broke once the request was sent), {@code count} logs of the batch
	 * were found stored in Keywords AI, so they are not sent again.
	 */
	default void foundStored(int count) {
	}

	/**
	 * A chunk was delivered: called once per chunk by the writer, after its counts were added to the step's
	 * statistics. Not called for a chunk whose delivery failed; its records are counted again by the run that
	 * delivers them (as sent or already sent).
	 * @param records the records of the chunk (every record read becomes a log or a reject, or is outside the
	 * import window)
	 * @param stats what the chunk sent, found already sent, rejected, left outside the window, and cost
	 * @param rejectedByReason rejected records by {@link io.keywordsbackfill.record.RejectReason#code() reason code}
	 */
	default void chunkDelivered(int records, ChunkStats stats, Map<String, Long> rejectedByReason) {
	}

}
