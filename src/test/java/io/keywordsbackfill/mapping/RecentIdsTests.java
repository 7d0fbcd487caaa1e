package io.keywordsbackfill.mapping;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentIdsTests {

	@Test
	void aRepeatIsSeenUntilCapacityNewerIdsHavePushedItOut() {
		RecentIds ids = new RecentIds(3);

		assertThat(ids.add("a")).isTrue();
		assertThat(ids.add("a")).isFalse();
		assertThat(ids.add("b")).isTrue();
		assertThat(ids.add("c")).isTrue();
		assertThat(ids.add("a")).as("still among the last 3").isFalse();
		assertThat(ids.add("d")).as("pushes out a, the oldest").isTrue();
		assertThat(ids.add("a")).isTrue();
		assertThat(ids.add("c")).isFalse();
		assertThat(ids.size()).isEqualTo(3);
	}

	/**
	 * Against a plain model (a queue of the last N distinct ids and a set), through many evictions: this is
	 * what exercises the table's deletion, which must keep every remaining id findable.
	 */
	@Test
	void agreesWithASimpleModelThroughHundredsOfThousandsOfAddsAndEvictions() {
		int capacity = 1000;
		RecentIds ids = new RecentIds(capacity);
		ArrayDeque<String> order = new ArrayDeque<>();
		Set<String> remembered = new HashSet<>();
		Random random = new Random(42);
		for (int i = 0; i < 300_000; i++) {
			// a small id space so that repeats, both recent and long gone, are frequent
			String id = "together-request:" + random.nextInt(3000);
			boolean isNew = !remembered.contains(id);
			assertThat(ids.add(id)).as("add #%d of %s", i, id).isEqualTo(isNew);
			if (isNew) {
				order.addLast(id);
				remembered.add(id);
				if (order.size() > capacity) {
					remembered.remove(order.removeFirst());
				}
			}
		}
		assertThat(ids.size()).isEqualTo(capacity);
	}

	@Test
	void fingerprintsDifferForIdsThatDifferInOneCharacterAndAreNeverTheEmptyMarker() {
		assertThat(RecentIds.fingerprint("req-1")).isNotEqualTo(RecentIds.fingerprint("req-2"));
		assertThat(RecentIds.fingerprint("")).isNotZero();
	}

}
