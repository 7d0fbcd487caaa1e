package io.keywordsbackfill.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.keywordsbackfill.delivery.StoredLogs.Verdict;

/**
 * The logs that killed executions left in flight, each with what is known of it, shared by the partitions of a
 * run: {@link Verdict#STORED} ones are in the ledger (found in Keywords AI), {@link Verdict#NOT_STORED} ones were
 * looked for and not found, {@link Verdict#UNKNOWN} ones could not be (or were not) looked for and take the
 * configured fallback. Thread-safe; each id is taken once, by the chunk that reads its record again.
 */
public final class InDoubtLogs {

	private final Map<String, Verdict> verdicts;

	public InDoubtLogs(Map<String, Verdict> verdicts) {
		this.verdicts = new ConcurrentHashMap<>(verdicts);
	}

	/** @return the verdict on {@code sourceId}, removed, or null when it is not in doubt */
	Verdict take(String sourceId) {
		return verdicts.remove(sourceId);
	}

	boolean isEmpty() {
		return verdicts.isEmpty();
	}

	public int size() {
		return verdicts.size();
	}

}
