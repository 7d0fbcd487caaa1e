package io.keywordsbackfill.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;

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

	/**
	 * The body as a request body that writes the logs' bytes straight to the connection, each time it is sent
	 * (a retry sends it again): no copy of the whole batch is made or held while the request is in flight.
	 */
	static RequestBody requestBody(List<OutgoingLog> logs, MediaType contentType) {
		long contentLength = size(logs.size(), logBytes(logs));
		return new RequestBody() {

			@Override
			public MediaType contentType() {
				return contentType;
			}

			@Override
			public long contentLength() {
				return contentLength;
			}

			@Override
			public void writeTo(BufferedSink sink) throws IOException {
				write(logs, sink);
			}

		};
	}

	private static void write(List<OutgoingLog> logs, BufferedSink sink) throws IOException {
		sink.write(PREFIX);
		for (int i = 0; i < logs.size(); i++) {
			if (i > 0) {
				sink.writeByte(',');
			}
			sink.write(logs.get(i).json());
		}
		sink.write(SUFFIX);
	}

	private static long logBytes(List<OutgoingLog> logs) {
		long logBytes = 0;
		for (OutgoingLog log : logs) {
			logBytes += log.json().length;
		}
		return logBytes;
	}

	/** The body as one array, laid out as {@link #requestBody} sends it (for the dry-run file). */
	static byte[] of(List<OutgoingLog> logs) {
		long size = size(logs.size(), logBytes(logs));
		if (size > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("A batch body of " + size + " bytes cannot be built in memory");
		}
		Buffer body = new Buffer();
		try {
			write(logs, body);
		}
		catch (IOException ex) {
			throw new IllegalStateException("an in-memory buffer does not fail", ex);
		}
		return body.readByteArray();
	}

}
