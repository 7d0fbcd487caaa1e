package io.keywordsbackfill.delivery;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.keywordsbackfill.record.SourcePosition;

import static org.assertj.core.api.Assertions.assertThat;

class RecentCopiesTests {

	private static final SourcePosition AT = new SourcePosition("a.jsonl", 7, 0);

	@Test
	void aRepeatIsSeenUntilCapacityNewerIdsHavePushedItOut() {
		RecentCopies ids = new RecentCopies(3);

		assertThat(ids.add("a", 1, AT)).isTrue();
		assertThat(ids.add("a", 1, AT)).isFalse();
		assertThat(ids.add("b", 1, AT)).isTrue();
		assertThat(ids.add("c", 1, AT)).isTrue();
		assertThat(ids.add("a", 1, AT)).as("still among the last 3").isFalse();
		assertThat(ids.add("d", 1, AT)).as("pushes out a, the oldest").isTrue();
		assertThat(ids.add("a", 1, AT)).isTrue();
		assertThat(ids.add("c", 1, AT)).isFalse();
		assertThat(ids.size()).isEqualTo(3);
	}

	/**
	 * Against a plain model (a queue of the last N distinct ids and a set), through many evictions: this is
	 * what exercises the table's deletion, which must keep every remaining id findable.
	 */
	@Test
	void agreesWithASimpleModelThroughHundredsOfThousandsOfAddsAndEvictions() {
		int capacity = 1000;
		RecentCopies ids = new RecentCopies(capacity);
		ArrayDeque<String> order = new ArrayDeque<>();
		Set<String> remembered = new HashSet<>();
		Random random = new Random(42);
		for (int i = 0; i < 300_000; i++) {
			// a small id space so that repeats, both recent and long gone, are frequent
			String id = "together-request:" + random.nextInt(3000);
			boolean isNew = !remembered.contains(id);
			assertThat(ids.add(id, i, AT)).as("add #%d of %s", i, id).isEqualTo(isNew);
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
	void fingerprintsDifferForIdsThatDifferInOneCharacter() {
		assertThat(RecentCopies.fingerprint("req-1")).isNotEqualTo(RecentCopies.fingerprint("req-2"));
	}

	@Test
	void findsTheFirstCopyWithItsContentHashAndPlaceUntilItIsPushedOut() {
		RecentCopies copies = new RecentCopies(2);
		copies.add("req-1", 11, new SourcePosition("day-1.jsonl", 3, 120));
		copies.add("req-1", 12, new SourcePosition("day-2.jsonl", 9, 400));
		copies.add("req-2", 21, new SourcePosition("day-2.jsonl", 10, 500));

		SourceCopy first = copies.find("req-1");
		assertThat(first.contentHash()).isEqualTo(11);
		assertThat(first.isAt(new SourcePosition("day-1.jsonl", 3, 0))).isTrue();
		assertThat(copies.find("req-3")).isNull();

		copies.add("req-3", 31, AT);
		assertThat(copies.find("req-1")).as("the oldest is forgotten").isNull();
		assertThat(copies.find("req-2").contentHash()).isEqualTo(21);
		assertThat(copies.find("req-3").contentHash()).isEqualTo(31);
	}

}
