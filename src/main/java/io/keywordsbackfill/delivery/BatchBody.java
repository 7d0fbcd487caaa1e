package io.keywordsbackfill.delivery;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The request body of a batch, {@code {"logs":[log,log,...]}}, assembled from the logs' bytes as they are: the
 * logs are not parsed or serialised again, so what is sent is exactly what was mapped.
 */
final class BatchBody {

	private static final byte[] PREFIX = "{\"logs\":[".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] SUFFIX = "]}".getBytes(StandardCharsets.US_ASCII);

	/** Bytes of a body beyond its logs, separators aside. */
	static final int OVERHEAD = PREFIX.length + SUFFIX.length;

	private BatchBody() {
	}

	/** The body's size for logs of the given total size. */
	static long size(int logCount, long logBytes) {
		return OVERHEAD + logBytes + Math.max(0, logCount - 1);
	}

	static byte[] of(List<OutgoingLog> logs) {
		long logBytes = 0;
		for (OutgoingLog log : logs) {
			logBytes += log.json().length;
		}
		long size = size(logs.size(), logBytes);
		if (size > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("A batch body of " + size + " bytes cannot be built in memory");
		}
		byte[] body = new byte[(int) size];
		System.arraycopy(PREFIX, 0, body, 0, PREFIX.length);
		int at = PREFIX.length;
		for (int i = 0; i < logs.size(); i++) {
			if (i > 0) {
				body[at++] = ',';
			}
			byte[] json = logs.get(i).json();
			System.arraycopy(json, 0, body, at, json.length);
			at += json.length;
		}
		System.arraycopy(SUFFIX, 0, body, at, SUFFIX.length);
		return body;
	}

}
