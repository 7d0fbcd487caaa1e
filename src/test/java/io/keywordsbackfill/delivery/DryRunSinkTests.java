package io.keywordsbackfill.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DryRunSinkTests {

	@TempDir
	Path dir;

	private static OutgoingLog log(String json) {
		return new OutgoingLog(json, json.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void writesEachBatchBodyAsOneLineAndAcceptsEveryLog() throws Exception {
		Path file = dir.resolve("out/nested/dry-run.jsonl");
		List<LogResult> results;
		try (DryRunSink sink = new DryRunSink(file)) {
			results = sink.send(List.of(log("{\"a\":1}"), log("{\"b\":\"\\n\u00e9\"}")));
			sink.send(List.of(log("{\"c\":3}")));
		}

		assertThat(results).containsExactly(LogResult.accepted(null, 200), LogResult.accepted(null, 200));
		assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).containsExactly(
				"{\"logs\":[{\"a\":1},{\"b\":\"\\n\u00e9\"}]}", "{\"logs\":[{\"c\":3}]}");
	}

	@Test
	void appendsToAnExistingFile() throws Exception {
		Path file = dir.resolve("dry-run.jsonl");
		Files.writeString(file, "{\"logs\":[]}\n");
		try (DryRunSink sink = new DryRunSink(file)) {
			sink.send(List.of(log("{}")));
		}

		assertThat(Files.readAllLines(file)).containsExactly("{\"logs\":[]}", "{\"logs\":[{}]}");
	}

	@Test
	void keepsBatchesWholeUnderConcurrency() throws Exception {
		Path file = dir.resolve("dry-run.jsonl");
		String big = "{\"v\":\"" + "x".repeat(20_000) + "\"}";
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try (DryRunSink sink = new DryRunSink(file)) {
			List<Future<List<LogResult>>> sends = IntStream.range(0, 40)
				.mapToObj((i) -> pool.submit(() -> sink.send(List.of(log(big), log(big)))))
				.toList();
			for (Future<List<LogResult>> send : sends) {
				send.get();
			}
		}
		finally {
			pool.shutdown();
		}

		assertThat(Files.readAllLines(file)).hasSize(40).containsOnly("{\"logs\":[" + big + "," + big + "]}");
	}

}
