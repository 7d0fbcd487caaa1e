package io.keywordsbackfill.delivery;

import java.time.Duration;
import java.util.List;

/** Hands each delivery event to several listeners. */
public class CompositeDeliveryEvents implements DeliveryEvents {

	private final List<DeliveryEvents> listeners;

	public CompositeDeliveryEvents(List<DeliveryEvents> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void requestCompleted(int statusCode, Duration latency) {
		this.listeners.forEach(l -> l.requestCompleted(statusCode, latency));
	}

	@Override
	public void retryScheduled(String reason, Duration wait) {
		this.listeners.forEach(l -> l.retryScheduled(reason, wait));
	}

	@Override
	public void foundStored(int count) {
		this.listeners.forEach(l -> l.foundStored(count));
	}

	@Override
	public void batchSplit(int statusCode, int size) {
		this.listeners.forEach(l -> l.batchSplit(statusCode, size));
	}

}
