package io.keywordsbackfill.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class BatchCutterTests {

	private static OutgoingLog log(int size) {
		return new OutgoingLog("id-" + size, "x".repeat(size).getBytes(StandardCharsets.UTF_8));
	}

	private static List<Integer> sizes(List<List<OutgoingLog>> batches) {
		return batches.stream().map(List::size).toList();
	}

	@Test
	void cutsByCount() {
		List<OutgoingLog> logs = IntStream.range(0, 7).mapToObj((i) -> log(10)).toList();

		List<List<OutgoingLog>> batches = BatchCutter.cut(logs, 3, Long.MAX_VALUE);

		assertThat(sizes(batches)).containsExactly(3, 3, 1);
		assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(logs);
	}

	@Test
	void cutsByBytesCountingTheEnvelopeAndCommas() {
		// {"logs":[ + 10 + , + 10 + ]} = 32 bytes for two logs of 10
		List<OutgoingLog> logs = IntStream.range(0, 5).mapToObj((i) -> log(10)).toList();
		assertThat(BatchBody.of(logs.subList(0, 2))).hasSize(32);

		assertThat(sizes(BatchCutter.cut(logs, 500, 32))).containsExactly(2, 2, 1);
		assertThat(sizes(BatchCutter.cut(logs, 500, 31))).containsExactly(1, 1, 1, 1, 1);
		assertThat(sizes(BatchCutter.cut(logs, 500, 43))).containsExactly(3, 2);
	}

	@Test
	void everyBatchBodyFitsTheLimit() {
		List<OutgoingLog> logs = IntStream.range(0, 200).mapToObj((i) -> log(1 + (i * 37) % 90)).toList();

		List<List<OutgoingLog>> batches = BatchCutter.cut(logs, 50, 1_000);

		assertThat(batches).allSatisfy((batch) -> {
			assertThat(batch).hasSizeLessThanOrEqualTo(50);
			assertThat(BatchBody.of(batch).length).isLessThanOrEqualTo(1_000);
		});
		assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(logs);
	}

	@Test
	void putsALogTooBigForAnyBatchAlone() {
		List<OutgoingLog> logs = List.of(log(10), log(100), log(10));

		assertThat(sizes(BatchCutter.cut(logs, 500, 50))).containsExactly(1, 1, 1);
	}

	@Test
	void theStreamedRequestBodyIsTheSameBytesEachTimeItIsWritten() throws Exception {
		List<OutgoingLog> logs = List.of(new OutgoingLog("a", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
				new OutgoingLog("b", "{\"b\":\"é\"}".getBytes(StandardCharsets.UTF_8)), log(3));
		RequestBody body = BatchBody.requestBody(logs, MediaType.get("application/json"));

		for (int attempt = 0; attempt < 2; attempt++) { // a retry writes it again
			Buffer sent = new Buffer();
			body.writeTo(sent);
			assertThat(sent.readByteArray()).isEqualTo(BatchBody.of(logs))
				.asString(StandardCharsets.UTF_8)
				.isEqualTo("{\"logs\":[{\"a\":1},{\"b\":\"é\"},xxx]}");
		}
		assertThat(body.contentLength()).isEqualTo(BatchBody.of(logs).length);
		assertThat(body.isOneShot()).isFalse();
	}

	@Test
	void cutsNothingIntoNothing() {
		assertThat(BatchCutter.cut(List.of(), 10, 100)).isEmpty();
	}

}
