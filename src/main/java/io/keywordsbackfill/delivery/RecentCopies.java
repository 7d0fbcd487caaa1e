package io.keywordsbackfill.delivery;

import io.keywordsbackfill.record.SourcePosition;

/**
 * The last {@code capacity} source ids a partition delivered, each with its copy's content hash and place, in
 * preallocated arrays: a ring in arrival order (for eviction) and an open-addressing table of ring slots (for
 * lookup). Unlike a map of strings, it allocates nothing per id, so ids kept for a while are not promoted into
 * the old generation only to die there; with 100,000 strings per partition that churn made full collections a
 * large part of a run.
 * <p>
 * Ids are kept as 64-bit fingerprints: two different ids with one fingerprint would make the second look like a
 * copy of the first, about one chance in 10<sup>14</sup> per id with 100,000 remembered; it would then be counted
 * as a duplicate or rejected with both places named, never sent twice. Not thread-safe: one per partition.
 */
final class RecentCopies {

	private static final int EMPTY = 0;

	private final long[] ids;

	private final long[] contentHashes;

	private final String[] files;

	private final long[] lines;

	private int ringStart;

	private int ringSize;

	/** Ring slot + 1 of each remembered id, {@link #EMPTY} where free. */
	private final int[] table;

	private final int mask;

	RecentCopies(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be positive: " + capacity);
		}
		this.ids = new long[capacity];
		this.contentHashes = new long[capacity];
		this.files = new String[capacity];
		this.lines = new long[capacity];
		// at most half full: short probe sequences
		int tableSize = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
		this.table = new int[tableSize];
		this.mask = tableSize - 1;
	}

	/** The copy remembered under {@code id}, or null. */
	SourceCopy find(String id) {
		int slot = tableSlotOf(fingerprint(id));
		if (slot < 0) {
			return null;
		}
		int ring = this.table[slot] - 1;
		return new SourceCopy(this.contentHashes[ring], new SourcePosition(this.files[ring], this.lines[ring], -1));
	}

	/**
	 * Remembers a copy of {@code id}, forgetting the oldest one when full.
	 * @return false if the id was remembered already (it is left as it was), true if it was new
	 */
	boolean add(String id, long contentHash, SourcePosition position) {
		long fingerprint = fingerprint(id);
		if (tableSlotOf(fingerprint) >= 0) {
			return false;
		}
		int ring;
		if (this.ringSize == this.ids.length) {
			ring = this.ringStart;
			removeFromTable(this.ids[ring]);
			this.ringStart = (this.ringStart + 1) % this.ids.length;
		}
		else {
			ring = (this.ringStart + this.ringSize) % this.ids.length;
			this.ringSize++;
		}
		this.ids[ring] = fingerprint;
		this.contentHashes[ring] = contentHash;
		this.files[ring] = position.file();
		this.lines[ring] = position.line();
		int slot = home(fingerprint);
		while (this.table[slot] != EMPTY) {
			slot = (slot + 1) & this.mask;
		}
		this.table[slot] = ring + 1;
		return true;
	}

	int size() {
		return this.ringSize;
	}

	private int tableSlotOf(long fingerprint) {
		int slot = home(fingerprint);
		while (this.table[slot] != EMPTY) {
			if (this.ids[this.table[slot] - 1] == fingerprint) {
				return slot;
			}
			slot = (slot + 1) & this.mask;
		}
		return -1;
	}

	/** Linear-probing deletion without tombstones: later entries of the probe run shift back into the gap. */
	private void removeFromTable(long fingerprint) {
		int gap = tableSlotOf(fingerprint);
		int next = gap;
		while (true) {
			next = (next + 1) & this.mask;
			int entry = this.table[next];
			if (entry == EMPTY) {
				break;
			}
			int home = home(this.ids[entry - 1]);
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

	/** FNV-1a over the chars, then MurmurHash3's finaliser. */
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
		return hash;
	}

}
