package io.keywordsbackfill.delivery;

import java.util.ArrayList;
import java.util.List;

/** Cuts logs into request-sized batches. */
public final class BatchCutter {

	private BatchCutter() {
	}

	/**
	 * Cuts {@code logs}, in order, into batches of at most {@code maxLogs} logs whose request body
	 * ({@code {"logs":[...]}}, separators included) is at most {@code maxBytes}. A log too big for any batch goes
	 * alone in its own: the server is the judge of it, and its rejection is then about that log only.
	 * @return the batches, none empty; an empty list for no logs
	 */
	public static List<List<OutgoingLog>> cut(List<OutgoingLog> logs, int maxLogs, long maxBytes) {
		if (maxLogs < 1) {
			throw new IllegalArgumentException("maxLogs must be at least 1, was " + maxLogs);
		}
		List<List<OutgoingLog>> batches = new ArrayList<>();
		List<OutgoingLog> current = new ArrayList<>();
		long currentLogBytes = 0;
		for (OutgoingLog log : logs) {
			long length = log.json().length;
			boolean fits = current.size() < maxLogs
					&& BatchBody.size(current.size() + 1, currentLogBytes + length) <= maxBytes;
			if (!fits && !current.isEmpty()) {
				batches.add(List.copyOf(current));
				current.clear();
				currentLogBytes = 0;
			}
			current.add(log);
			currentLogBytes += length;
		}
		if (!current.isEmpty()) {
			batches.add(List.copyOf(current));
		}
		return batches;
	}

}
