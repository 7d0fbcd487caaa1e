package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what delivery reported. */
final class RecordingEvents implements DeliveryEvents {

	final List<Integer> completedStatuses = new CopyOnWriteArrayList<>();

	final List<String> retryReasons = new CopyOnWriteArrayList<>();

	final List<Duration> retryWaits = new CopyOnWriteArrayList<>();

	final List<String> splits = new CopyOnWriteArrayList<>();

	final List<Integer> foundStored = new CopyOnWriteArrayList<>();

	@Override
	public void foundStored(int count) {
		foundStored.add(count);
	}

	@Override
	public void requestCompleted(int statusCode, Duration latency) {
		completedStatuses.add(statusCode);
	}

	@Override
	public void retryScheduled(String reason, Duration wait) {
		retryReasons.add(reason);
		retryWaits.add(wait);
	}

	@Override
	public void batchSplit(int statusCode, int size) {
		splits.add(statusCode + ":" + size);
	}

}
