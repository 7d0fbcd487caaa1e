package io.keywordsbackfill.delivery;

import java.time.Duration;

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

}
