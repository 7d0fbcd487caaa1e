package io.keywordsbackfill.job;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.test.MetaDataInstanceFactory;

import io.keywordsbackfill.delivery.ChunkStats;
import io.keywordsbackfill.delivery.StepStatsStore;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.source.ProgressAware;
import io.keywordsbackfill.source.SourceFile;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress line and log line, driven by hand with a clock that only moves when told. */
class ProgressReporterTests {

	final MutableClock clock = new MutableClock();

	final ByteArrayOutputStream terminalBytes = new ByteArrayOutputStream();

	final PrintStream terminal = new PrintStream(terminalBytes, true, StandardCharsets.UTF_8);

	final FakeReader reader = new FakeReader();

	final ChunkStats delivered = new ChunkStats(90, 5, 3, 2, 2, 0, 0, 0, 0, BigDecimal.ZERO, 0, 0, 0, 0, 0, 0, 0);

	final StepStatsStore stats = new StepStatsStore(null) {
		@Override
		public Optional<ChunkStats> find(long stepExecutionId) {
			return Optional.of(delivered);
		}
	};

	final StepExecution step = MetaDataInstanceFactory.createStepExecution();

	@AfterEach
	void leaveStepScope() {
		StepSynchronizationManager.close();
	}

	@Test
	void onATerminalRedrawsOneLineWithRecordsBytesRateEtaAndDeliveryCounts() {
		ProgressReporter reporter = new ProgressReporter(reader, stats, clock, BackfillProperties.Progress.AUTO,
				Duration.ofSeconds(10), terminal, false);
		reporter.beforeStep(step);
		StepSynchronizationManager.register(step);
		reader.total = 4 * 1024 * 1024;
		reporter.beforeChunk(new Chunk<>());

		// when: 2 seconds later 100 records and 1 MiB have been read, and one chunk was delivered
		clock.advance(Duration.ofSeconds(2));
		step.setReadCount(100);
		reader.read = 1024 * 1024;
		reporter.afterChunk(new Chunk<>());
		reporter.tick(step.getId());

		// then: a whole line, starting with \r and clearing the rest of the old one
		assertThat(terminal()).isEqualTo(
				"\rread 100 | 1.0 MiB of 4.0 MiB (25%) | 50 rec/s | ETA 6s | sent 90 already 5 rejected 3\033[K");

		// a tick 100 ms later draws nothing: at most about four lines a second
		clock.advance(Duration.ofMillis(100));
		reporter.tick(step.getId());
		assertThat(terminal().split("\r", -1)).hasSize(2);

		clock.advance(Duration.ofMillis(150));
		reporter.tick(step.getId());
		assertThat(terminal().split("\r", -1)).hasSize(3);

		// the partition's end draws nothing yet; the run's end draws the line a last time and ends it
		reporter.afterStep(step);
		assertThat(terminal().split("\r", -1)).hasSize(3);
		reporter.runEnded(step.getJobExecutionId());
		String ended = terminal();
		assertThat(ended).endsWith("\033[K\n");
		reporter.tick(step.getId());
		assertThat(terminal()).isEqualTo(ended);
	}

	@Test
	void withoutByteCountsTheLineLeavesBytesAndEtaOut() {
		ItemStreamReader<SourceItem> plainReader = new ItemStreamReader<>() {
			@Override
			public SourceItem read() {
				return null;
			}
		};
		ProgressReporter reporter = new ProgressReporter(plainReader, stats, clock, BackfillProperties.Progress.AUTO,
				Duration.ofSeconds(10), terminal, false);
		reporter.beforeStep(step);
		StepSynchronizationManager.register(step);
		reporter.beforeChunk(new Chunk<>());
		clock.advance(Duration.ofSeconds(5));
		step.setReadCount(10);

		reporter.tick(step.getId());

		assertThat(terminal()).isEqualTo("\rread 10 | 2 rec/s | sent 0 already 0 rejected 0\033[K");
	}

	/**
	 * A run with a partition per file: one partition can end before the next starts. The line adds them up over
	 * the whole run and ends once, when the run's step does.
	 */
	@Test
	void partitionsOneAfterTheOtherMakeOneLineThatEndsWithTheRun() {
		ProgressReporter reporter = new ProgressReporter(reader, stats, clock, BackfillProperties.Progress.AUTO,
				Duration.ofSeconds(10), terminal, false);
		StepExecution second = new StepExecution(step.getId() + 1, "deliver-partition:p001", step.getJobExecution());
		for (StepExecution partition : List.of(step, second)) {
			reporter.beforeStep(partition);
			StepSynchronizationManager.register(partition);
			clock.advance(Duration.ofSeconds(2));
			partition.setReadCount(100);
			reporter.afterChunk(new Chunk<>());
			reporter.afterStep(partition);
			StepSynchronizationManager.close();
		}

		assertThat(terminal()).doesNotContain("\n");

		reporter.runEnded(step.getJobExecutionId());

		assertThat(terminal()).isEqualTo("\rread 200 | 50 rec/s | sent 180 already 10 rejected 6\033[K\n");
	}

	/**
	 * More partitions than run at once (24 files, 6 at a time): the percentage is of the whole run's bytes, the
	 * partitions not started yet included, and the ETA is the rest at the run's byte rate, not the time the
	 * partitions running now need to end.
	 */
	@Test
	void percentAndEtaAreOfTheWholeRunWithManyMorePartitionsThanRunAtOnce(@TempDir Path dir) throws Exception {
		// given: 24 partitions of one 1,000-byte file each
		JobExecution run = step.getJobExecution();
		List<StepExecution> partitions = new ArrayList<>();
		Map<Long, FakeReader> readers = new HashMap<>();
		for (int i = 0; i < 24; i++) {
			Path file = Files.write(dir.resolve("calls-" + i + ".jsonl"), new byte[1000]);
			StepExecution partition = new StepExecution(1000 + i, String.format("deliver-partition:p%03d", i), run);
			partition.setExecutionContext(Partition.sequence("chat-log", "{}",
					List.of(new Partition.Member(new SourceFile(file, "0".repeat(64), file.toString()), null)))
				.toContext());
			run.addStepExecution(partition);
			partitions.add(partition);
			readers.put(partition.getId(), new FakeReader());
			readers.get(partition.getId()).total = 1000;
		}
		ProgressReporter reporter = new ProgressReporter(null, stats, clock, BackfillProperties.Progress.AUTO,
				Duration.ofSeconds(10), terminal, false);

		// when: the first 6 have read half their file in 3 s
		start(reporter, partitions.subList(0, 6), readers);
		clock.advance(Duration.ofSeconds(3));
		partitions.subList(0, 6).forEach(p -> readers.get(p.getId()).read = 500);
		reporter.tick(partitions.get(0).getId());

		// then: 3,000 of 24,000 bytes, 21,000 left at 1,000 bytes/s
		assertThat(lastLine()).contains("(12%)").contains("ETA 21s");

		// when: they end, the next 6 start and have read half their file 3 s later
		partitions.subList(0, 6).forEach(p -> {
			readers.get(p.getId()).read = 1000;
			reporter.afterStep(p);
		});
		start(reporter, partitions.subList(6, 12), readers);
		clock.advance(Duration.ofSeconds(3));
		partitions.subList(6, 12).forEach(p -> readers.get(p.getId()).read = 500);
		reporter.tick(partitions.get(6).getId());

		// then: 9,000 of 24,000 bytes, 15,000 left at 1,500 bytes/s
		assertThat(lastLine()).contains("(37%)").contains("ETA 10s");
	}

	private static void start(ProgressReporter reporter, List<StepExecution> partitions, Map<Long, FakeReader> readers) {
		for (StepExecution partition : partitions) {
			reporter.reading(partition.getId(), readers.get(partition.getId()));
			reporter.beforeStep(partition);
			StepSynchronizationManager.register(partition);
			reporter.beforeChunk(new Chunk<>());
			StepSynchronizationManager.close();
		}
	}

	private String lastLine() {
		String text = terminal();
		return text.substring(text.lastIndexOf('\r') + 1);
	}

	@Test
	void logLinesAreKeyValuePairs() {
		ProgressReporter.Snapshot snapshot = new ProgressReporter.Snapshot(1234, 3_000_000, 12_000_000,
				Duration.ofSeconds(61), Duration.ofMinutes(3), 1200, 30, 4, 0);

		assertThat(ProgressReporter.keyValues(snapshot)).isEqualTo("read=1234 bytes=3000000/12000000 percent=25 "
				+ "rate=20.2/s eta=3m00s elapsed=1m01s sent=1200 already_sent=30 rejected=4");
		assertThat(ProgressReporter.line(snapshot))
			.isEqualTo("read 1,234 | 2.9 MiB of 11.4 MiB (25%) | 20 rec/s | ETA 3m00s | sent 1,200 already 30 rejected 4");
	}

	@Test
	void recordsOutsideTheImportWindowAreShownOnceThereAreSome() {
		ProgressReporter.Snapshot snapshot = new ProgressReporter.Snapshot(3000, -1, -1, Duration.ofSeconds(10), null,
				1200, 30, 4, 1766);

		assertThat(ProgressReporter.keyValues(snapshot)).isEqualTo(
				"read=3000 rate=300.0/s elapsed=10s sent=1200 already_sent=30 rejected=4 outside_window=1766");
		assertThat(ProgressReporter.line(snapshot))
			.isEqualTo("read 3,000 | 300 rec/s | sent 1,200 already 30 rejected 4 outside window 1,766");
	}

	@Test
	void offShowsNothing() {
		ProgressReporter reporter = new ProgressReporter(reader, stats, clock, BackfillProperties.Progress.OFF,
				Duration.ofSeconds(10), terminal, false);
		reporter.beforeStep(step);
		reporter.tick(step.getId());
		reporter.afterStep(step);
		reporter.runEnded(step.getJobExecutionId());

		assertThat(terminal()).isEmpty();
	}

	String terminal() {
		return terminalBytes.toString(StandardCharsets.UTF_8);
	}

	static final class FakeReader implements ItemStreamReader<SourceItem>, ProgressAware {

		volatile long read;

		volatile long total = -1;

		@Override
		public SourceItem read() {
			return null;
		}

		@Override
		public void open(ExecutionContext executionContext) {
		}

		@Override
		public long bytesRead() {
			return read;
		}

		@Override
		public long bytesTotal() {
			return total;
		}

	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			now = now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return now;
		}

	}

}
