package io.keywordsbackfill.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.keywordsbackfill.mapping.ImportWindow;
import io.keywordsbackfill.schedule.InputFiles.InputFile;
import io.keywordsbackfill.source.FileFingerprint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;

class InputFilesTests {

	@TempDir
	Path root;

	private Path exports;

	@BeforeEach
	void layout() throws IOException {
		exports = Files.createDirectories(root.resolve("exports"));
		Files.createDirectories(root.resolve("jobs"));
	}

	@Test
	void globFindsOutputsAtEveryDepthWithTheirInputAndErrorFiles() throws IOException {
		Path top = write("exports/a-output.jsonl", "a");
		write("exports/a-input.jsonl", "a in");
		write("exports/a-errors.jsonl", "a err");
		Path nested = write("exports/2025-03/b-output.jsonl.gz", "b");
		Path nestedInput = write("exports/2025-03/b-input.jsonl.gz", "b in");
		write("exports/notes.txt", "not an export");

		List<InputFile> files = InputFiles.resolve(batch("../exports/**/*-output.jsonl*"), FileFingerprint::sha256);

		assertThat(files).extracting(InputFile::file).containsExactly(nested, top);
		assertThat(files.get(0).batchInput()).isEqualTo(nestedInput);
		assertThat(files.get(0).errors()).isNull();
		assertThat(files.get(1).batchInput()).isEqualTo(exports.resolve("a-input.jsonl"));
		assertThat(files.get(1).errors()).isEqualTo(exports.resolve("a-errors.jsonl"));
		assertThat(files.get(1).sha256()).isEqualTo(FileFingerprint.sha256(top));
	}

	@Test
	void directoryMeansEveryFileBeneathItButTheCompanionsAndHiddenOnes() throws IOException {
		write("exports/a-output.jsonl", "a");
		write("exports/a-input.jsonl", "a in");
		write("exports/.partial", "downloading");
		write("exports/old/c-output.jsonl", "c");

		assertThat(InputFiles.resolve(batch("../exports"), FileFingerprint::sha256)).extracting(InputFile::file)
			.containsExactly(exports.resolve("a-output.jsonl"), exports.resolve("old/c-output.jsonl"));
	}

	@Test
	void aCopyOfAFileIsListedOnce() throws IOException {
		write("exports/a-output.jsonl", "same");
		write("exports/copy-of-a-output.jsonl", "same");

		assertThat(InputFiles.resolve(batch("../exports/*.jsonl"), FileFingerprint::sha256)).extracting(InputFile::file)
			.containsExactly(exports.resolve("a-output.jsonl"));
	}

	@Test
	void scheduledNightsReadOnlyFilesThatNoCompletedRunRead() throws IOException {
		// given: a job whose launcher imports the pending files and, on completion, records their fingerprints
		MutableClock clock = new MutableClock(Instant.parse("2025-03-01T03:00:00Z"));
		JobDefinition definition = batch("../exports/*-output.jsonl");
		Set<String> completedFiles = new HashSet<>();
		Set<LocalDate> completedNights = new HashSet<>();
		List<List<String>> read = new ArrayList<>();
		ScheduledRunLauncher launcher = (job, night) -> {
			List<InputFile> pending = InputFiles.pending(job, (name) -> Set.copyOf(completedFiles), FileFingerprint::sha256,
					clock.instant());
			read.add(pending.stream().map((file) -> file.file().getFileName().toString()).toList());
			pending.forEach((file) -> completedFiles.add(file.sha256()));
			completedNights.add(night);
			return ScheduledRunResult.completed(read.size());
		};
		RunHistory history = new RunHistory() {

			@Override
			public Optional<LocalDate> lastCompleted(String jobName) {
				return completedNights.stream().max(LocalDate::compareTo);
			}

			@Override
			public boolean completed(String jobName, LocalDate logicalDate) {
				return completedNights.contains(logicalDate);
			}

		};
		Scheduler scheduler = new Scheduler(List.of(definition), history, launcher, new NoLock(), Duration.ofMinutes(5),
				clock, Runnable::run);
		write("exports/a-output.jsonl", "a");
		write("exports/b-output.jsonl", "b");

		// when: night 1, then night 2 after a new file arrived and an old one was renamed
		scheduler.tick();
		write("exports/c-output.jsonl", "c");
		Files.move(exports.resolve("a-output.jsonl"), exports.resolve("a-renamed-output.jsonl"));
		clock.set(Instant.parse("2025-03-02T03:00:00Z"));
		scheduler.tick();

		// then
		assertThat(read).containsExactly(List.of("a-output.jsonl", "b-output.jsonl"), List.of("c-output.jsonl"));
	}

	@Test
	void companionIsFoundByReplacingTheOutputSuffix() throws IOException {
		Path output = write("exports/x-output.jsonl", "x");
		Path input = write("exports/x-input.jsonl", "x in");

		assertThat(InputFiles.companion(output, "-input.jsonl")).hasValue(input);
		assertThat(InputFiles.companion(output, "-errors.jsonl")).isEmpty();
		assertThat(InputFiles.companion(write("exports/results.jsonl", "r"), "-input.jsonl")).isEmpty();
	}

	@Test
	void aFileModifiedWithinMinFileAgeIsLeftForALaterRunWithoutBeingRead() throws IOException {
		Instant modified = Instant.parse("2025-03-01T02:29:00Z");
		Path settled = write("exports/a-output.jsonl", "a");
		Path recent = write("exports/b-output.jsonl", "b");
		Files.setLastModifiedTime(settled, FileTime.from(modified.minus(Duration.ofHours(1))));
		Files.setLastModifiedTime(recent, FileTime.from(modified));
		JobDefinition definition = batch("../exports/*-output.jsonl", Duration.ofMinutes(5));
		List<Path> fingerprinted = new ArrayList<>();
		Function<Path, String> fingerprints = (file) -> {
			fingerprinted.add(file);
			return FileFingerprint.sha256(file);
		};

		assertThat(InputFiles.resolve(definition, fingerprints, modified.plus(Duration.ofMinutes(4))))
			.extracting(InputFile::file).containsExactly(settled);
		assertThat(fingerprinted).containsExactly(settled);
		assertThat(InputFiles.resolve(definition, fingerprints, modified.plus(Duration.ofMinutes(6))))
			.extracting(InputFile::file).containsExactly(settled, recent);
		assertThat(InputFiles.resolve(batch("../exports/*-output.jsonl"), fingerprints, modified))
			.extracting(InputFile::file).containsExactly(settled, recent);
	}

	@Test
	void aBatchFileWhoseCompanionIsRecentWaitsForIt() throws IOException {
		Instant modified = Instant.parse("2025-03-01T02:29:00Z");
		Path output = write("exports/a-output.jsonl", "a");
		Path errors = write("exports/a-errors.jsonl", "e");
		Files.setLastModifiedTime(output, FileTime.from(modified.minus(Duration.ofHours(1))));
		Files.setLastModifiedTime(errors, FileTime.from(modified));
		JobDefinition definition = batch("../exports/*-output.jsonl", Duration.ofMinutes(5));

		assertThat(InputFiles.resolve(definition, FileFingerprint::sha256, modified.plus(Duration.ofMinutes(1))))
			.isEmpty();
		assertThat(InputFiles.resolve(definition, FileFingerprint::sha256, modified.plus(Duration.ofMinutes(5))))
			.singleElement().satisfies((file) -> assertThat(file.errors()).isEqualTo(errors));
	}

	private JobDefinition batch(String path) {
		return batch(path, null);
	}

	private JobDefinition batch(String path, Duration minFileAge) {
		return new JobDefinition("batch", root.resolve("jobs/batch.yml"), CronExpression.parse("0 30 2 * * *"),
				ZoneId.of("UTC"), true, 7,
				List.of(new InputDefinition.TogetherBatch(List.of(path), "-input.jsonl", "-errors.jsonl",
						ZoneId.of("UTC"))),
				JobDefinition.Pricing.DEFAULTS, JobDefinition.Destination.DEFAULTS, JobDefinition.Limits.NONE,
				ImportWindow.NONE, minFileAge);
	}

	private Path write(String relative, String content) throws IOException {
		Path file = root.resolve(relative);
		Files.createDirectories(file.getParent());
		return Files.writeString(file, content);
	}

	private static final class NoLock implements JobLock {

		@Override
		public boolean tryLock(String jobName, Duration lease) {
			return true;
		}

		@Override
		public void unlock(String jobName) {
		}

		@Override
		public Optional<String> holder(String jobName) {
			return Optional.empty();
		}

	}

}
