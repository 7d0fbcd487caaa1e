package io.keywordsbackfill.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.keywordsbackfill.status.RunSummary.StepSummary;

/** How a run of a year of daily files reads: its files and partitions summed up, not hundreds of lines. */
class StatusRendererTests {

	@Test
	void aFewFilesAreListedAndManyAreSummedUp() {
		List<String> few = List.of("a.jsonl", "b.jsonl");
		List<String> many = IntStream.range(0, 364).mapToObj((day) -> "day-" + day + ".jsonl").toList();

		assertThat(StatusRenderer.files(few)).isEqualTo("a.jsonl, b.jsonl");
		assertThat(StatusRenderer.files(many)).isEqualTo(
				"364 files: day-0.jsonl, day-1.jsonl, day-2.jsonl, ... day-363.jsonl ('status ID --json' lists them all)");
		assertThat(StatusRenderer.files(List.of())).isEqualTo("-");
	}

	@Test
	void manyPartitionsMakeOneLineAndThoseNotCompletedKeepTheirOwn() {
		List<StepSummary> steps = new ArrayList<>();
		steps.add(new StepSummary(1, "deliver", "FAILED", 2000, 20, 1, null));
		for (int i = 0; i < 20; i++) {
			steps.add(new StepSummary(i + 2, "deliver-partition:p" + i, i == 7 ? "FAILED" : "COMPLETED", 100, 1,
					i == 7 ? 1 : 0, null));
		}
		StringBuilder text = new StringBuilder();

		StatusRenderer.steps(text, steps);

		assertThat(text.toString().lines()).containsExactly(
				"  step deliver    FAILED, read 2000, 20 commits, 1 rollbacks",
				"  step deliver-partition:p7 FAILED, read 100, 1 commits, 1 rollbacks",
				"  partitions      20 (19 COMPLETED, 1 FAILED), read 2000, 20 commits, 1 rollbacks; those not completed "
						+ "are listed above");
	}

	@Test
	void thePartitionsOfARemoteRunNameTheirWorker() {
		List<StepSummary> few = List.of(new StepSummary(1, "deliver", "FAILED", 30, 3, 0, null),
				new StepSummary(2, "deliver-partition:p000", "FAILED", 30, 3, 0, null, "host-a:41"));
		List<StepSummary> many = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			many.add(new StepSummary(i + 2, "deliver-partition:p" + i, "COMPLETED", 100, 1, 0, null,
					i % 4 == 0 ? "host-b:7" : "host-a:41"));
		}
		StringBuilder text = new StringBuilder();

		StatusRenderer.steps(text, few);
		StatusRenderer.steps(text, many);

		assertThat(text.toString().lines()).containsExactly(
				"  step deliver    FAILED, read 30, 3 commits, 0 rollbacks",
				"  step deliver-partition:p000 FAILED, read 30, 3 commits, 0 rollbacks, worker host-a:41",
				"  partitions      20 (20 COMPLETED), read 2000, 20 commits, 0 rollbacks; workers host-a:41 15, host-b:7 5");
		assertThat(StatusRenderer.json(few.get(1))).contains("\"worker\" : \"host-a:41\"");
	}

	@Test
	void aFewPartitionsKeepALineEach() {
		List<StepSummary> steps = List.of(new StepSummary(1, "deliver", "COMPLETED", 30, 3, 0, null),
				new StepSummary(2, "deliver-partition:p000", "COMPLETED", 30, 3, 0, null));
		StringBuilder text = new StringBuilder();

		StatusRenderer.steps(text, steps);

		assertThat(text.toString().lines()).hasSize(2);
	}

	@Test
	void filesComeInTheOrderTheyWereGivenWhateverTheirNumberOfDigits() {
		List<String> roles = new ArrayList<>(List.of("input.0.file.10", "input.0.file.2.batchInput", "input.1.file.0",
				"input.0.file.2", "input.0.file.2.errors", "input.0.file.9"));

		roles.sort(Comparator.comparing((String role) -> role, RunQueries::compareRoles));

		assertThat(roles).containsExactly("input.0.file.2", "input.0.file.2.batchInput", "input.0.file.2.errors",
				"input.0.file.9", "input.0.file.10", "input.1.file.0");
	}

}
