package io.keywordsbackfill.mapping;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A 64-bit hash of bytes (MurmurHash3's mixing, eight bytes a step), to tell whether two logs under one source id
 * have the same content. Not cryptographic: two different contents collide with a chance of about 2<sup>-64</sup>.
 */
final class ContentHash {

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
			ByteOrder.LITTLE_ENDIAN);

	private static final long C1 = 0x87c37b91114253d5L;

	private static final long C2 = 0x4cf5ad432745937fL;

	private ContentHash() {
	}

	/** The hash of {@code bytes[from, to)}, chained from {@code seed}. */
	static long of(byte[] bytes, int from, int to, long seed) {
		long hash = seed ^ ((long) (to - from) * 0x9E3779B97F4A7C15L);
		int i = from;
		for (; i + Long.BYTES <= to; i += Long.BYTES) {
			hash ^= mix((long) LONGS.get(bytes, i));
			hash = Long.rotateLeft(hash, 27) * 5 + 0x52dce729;
		}
		long tail = 0;
		for (int shift = 0; i < to; i++, shift += 8) {
			tail |= (bytes[i] & 0xffL) << shift;
		}
		hash ^= mix(tail);
		return finish(hash);
	}

	private static long mix(long k) {
		k *= C1;
		k = Long.rotateLeft(k, 31);
		return k * C2;
	}

	private static long finish(long hash) {
		hash ^= hash >>> 33;
		hash *= 0xff51afd7ed558ccdL;
		hash ^= hash >>> 33;
		hash *= 0xc4ceb9fe1a85ec53L;
		return hash ^ (hash >>> 33);
	}

}
