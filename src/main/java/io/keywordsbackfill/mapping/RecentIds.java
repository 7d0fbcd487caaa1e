package io.keywordsbackfill.mapping;

/**
 * The last {@code capacity} source ids seen, as 64-bit fingerprints in two preallocated arrays: a ring in
 * arrival order (for eviction) and an open-addressing table (for lookup). Unlike a set of strings, it
 * allocates nothing per id, so ids kept for a while are not promoted into the old generation only to die
 * there; with a set of 100,000 strings per partition that churn made full collections a large part of a run.
 * <p>
 * Two different ids with the same fingerprint would make the second look like a repeat: with 64 bits and
 * 100,000 ids remembered, about one chance in 10<sup>14</sup> per id. Such a record would be rejected as a
 * duplicate with its line (and re-imported with {@code --new-run}), never sent twice or dropped silently.
 * Not thread-safe: one per partition.
 */
final class RecentIds {

	private static final long EMPTY = 0;

	private final long[] ring;

	private int ringStart;

	private int ringSize;

	private final long[] table;

	private final int mask;

	RecentIds(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be positive: " + capacity);
		}
		this.ring = new long[capacity];
		// at most half full: short probe sequences
		int tableSize = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
		this.table = new long[tableSize];
		this.mask = tableSize - 1;
	}

	/**
	 * Remembers {@code id}, forgetting the oldest one when full.
	 * @return false if the id is among the ones remembered (a repeat), true if it was new
	 */
	boolean add(String id) {
		long fingerprint = fingerprint(id);
		if (slotOf(fingerprint) >= 0) {
			return false;
		}
		if (this.ringSize == this.ring.length) {
			remove(this.ring[this.ringStart]);
			this.ring[this.ringStart] = fingerprint;
			this.ringStart = (this.ringStart + 1) % this.ring.length;
		}
		else {
			this.ring[(this.ringStart + this.ringSize) % this.ring.length] = fingerprint;
			this.ringSize++;
		}
		int slot = home(fingerprint);
		while (this.table[slot] != EMPTY) {
			slot = (slot + 1) & this.mask;
		}
		this.table[slot] = fingerprint;
		return true;
	}

	int size() {
		return this.ringSize;
	}

	private int slotOf(long fingerprint) {
		int slot = home(fingerprint);
		while (this.table[slot] != EMPTY) {
			if (this.table[slot] == fingerprint) {
				return slot;
			}
			slot = (slot + 1) & this.mask;
		}
		return -1;
	}

	/** Linear-probing deletion without tombstones: later entries of the probe run shift back into the gap. */
	private void remove(long fingerprint) {
		int gap = slotOf(fingerprint);
		int next = gap;
		while (true) {
			next = (next + 1) & this.mask;
			long entry = this.table[next];
			if (entry == EMPTY) {
				break;
			}
			int home = home(entry);
			// the entry may move into the gap unless its home lies cyclically in (gap, next]
			boolean homeBetween = (gap <= next) ? (gap < home && home <= next) : (gap < home || home <= next);
			if (!homeBetween) {
				this.table[gap] = entry;
				gap = next;
			}
		}
		this.table[gap] = EMPTY;
	}

	private int home(long fingerprint) {
		return (int) fingerprint & this.mask;
	}

	/** FNV-1a over the chars, then MurmurHash3's finaliser; never {@link #EMPTY}. */
	static long fingerprint(String id) {
		long hash = 0xcbf29ce484222325L;
		for (int i = 0; i < id.length(); i++) {
			hash = (hash ^ id.charAt(i)) * 0x100000001b3L;
		}
		hash ^= hash >>> 33;
		hash *= 0xff51afd7ed558ccdL;
		hash ^= hash >>> 33;
		hash *= 0xc4ceb9fe1a85ec53L;
		hash ^= hash >>> 33;
		return (hash == EMPTY) ? 1 : hash;
	}

}
