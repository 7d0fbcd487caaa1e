package io.keywordsbackfill.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.keywordsbackfill.job.ImportParameters.Input;
import io.keywordsbackfill.job.ImportParameters.InputFile;
import io.keywordsbackfill.mapping.ImportWindow;
import io.keywordsbackfill.mapping.MappingOptions.ExportedCostPolicy;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;
import io.keywordsbackfill.source.SourceFile;

/** The parameters of a run survive the job repository: what a partition and a restart read back. */
class ImportParametersTests {

	@Test
	void everyParameterComesBackAsItWasGiven() {
		Input batch = new Input("together-batch", InputOptions.NONE,
				List.of(new InputFile(file("out.jsonl"), file("in.jsonl"), file("errors.jsonl"))));
		Input chat = new Input("chat-log", new InputOptions(Map.of("user", "customer"), Map.of(), null, "Europe/Paris"),
				List.of(InputFile.of(file("a.jsonl.gz")), InputFile.of(file("b.jsonl"))));
		ImportParameters params = new ImportParameters(List.of(batch, chat), Instant.parse("2025-03-13T11:00:00Z"),
				ExportedCostPolicy.RECOMPUTE, UnpricedModelPolicy.REJECT, "nightly", LocalDate.parse("2025-03-01"), true,
				Path.of("data/out.jsonl"), true, "run-7",
				new ImportWindow(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-06-01T00:00:00Z")));

		assertThat(ImportParameters.from(params.toJobParameters())).isEqualTo(params);
	}

	@Test
	void lineBasedIdsAndDeclaredAbsentColumnsComeBackAndOnlyThemChangeTheOptionsJson() {
		InputOptions lineIds = new InputOptions(null, Map.of("prompt_tokens", "", "request_id", "Call"), null, null, true);
		ImportParameters params = ImportParameters.adHoc(new Input("usage-csv", lineIds,
				List.of(InputFile.of(file("calls.csv")))), null);

		ImportParameters back = ImportParameters.from(params.toJobParameters());

		assertThat(back).isEqualTo(params);
		assertThat(back.inputs().get(0).options().usageCsv().lineIds()).isTrue();
		assertThat(back.inputs().get(0).options().usageCsv().columns()).containsEntry("prompt_tokens", "");
		assertThat(lineIds.toJson()).isEqualTo(
				"{\"columns\":{\"prompt_tokens\":\"\",\"request_id\":\"Call\"},\"line_ids\":true}");
		// runs from before the option keep their identity
		assertThat(new InputOptions(null, Map.of("model", "m"), "s", null, false).toJson())
			.isEqualTo("{\"columns\":{\"model\":\"m\"},\"latency_unit\":\"s\"}");
	}

	/** A year of daily files: two parameters each, all of them read back by every partition. */
	@Test
	void aRunOfHundredsOfFilesComesBackWhole() {
		List<InputFile> files = IntStream.range(0, 366).mapToObj((day) -> InputFile.of(file("day-" + day + ".jsonl")))
			.toList();
		ImportParameters params = ImportParameters.adHoc(new Input("together-batch", InputOptions.NONE, files), null);

		ImportParameters back = ImportParameters.from(params.toJobParameters());

		assertThat(back).isEqualTo(params);
		assertThat(back.allFiles()).hasSize(366).last().extracting(SourceFile::path)
			.isEqualTo(Path.of("exports/day-365.jsonl"));
	}

	private static SourceFile file(String name) {
		Path path = Path.of("exports", name);
		return new SourceFile(path, String.format("%064x", name.hashCode() & 0xffffffffL), path.toString());
	}

}
