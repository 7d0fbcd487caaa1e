package io.keywordsbackfill.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InputFilesTests {

	@TempDir
	Path base;

	@BeforeEach
	void files() throws IOException {
		for (String name : List.of("exports/a.jsonl.gz", "exports/2025/03/b.jsonl.gz", "exports/2025/c.jsonl",
				"exports/.hidden.jsonl.gz", "exports/.cache/d.jsonl.gz", "other/z.csv")) {
			Path file = this.base.resolve(name);
			Files.createDirectories(file.getParent());
			Files.writeString(file, name);
		}
	}

	@Test
	void globStarMatchesAnyDepthIncludingNoneAndSkipsHiddenFiles() {
		assertThat(expand("exports/**/*.jsonl.gz")).containsExactly("exports/2025/03/b.jsonl.gz", "exports/a.jsonl.gz");
		assertThat(expand("exports/*.jsonl*")).containsExactly("exports/a.jsonl.gz");
	}

	@Test
	void directoryMeansEveryVisibleFileBelowIt() {
		assertThat(expand("exports")).containsExactly("exports/2025/03/b.jsonl.gz", "exports/2025/c.jsonl",
				"exports/a.jsonl.gz");
	}

	@Test
	void resultIsDeduplicatedAndSortedWhateverTheOrderGiven() {
		assertThat(expand("other/z.csv", "exports/**/*.gz", "./other/z.csv", "exports/a.jsonl.gz"))
			.containsExactly("exports/2025/03/b.jsonl.gz", "exports/a.jsonl.gz", "other/z.csv");
	}

	@Test
	void namedHiddenFileIsTaken() {
		assertThat(expand("exports/.hidden.jsonl.gz")).containsExactly("exports/.hidden.jsonl.gz");
	}

	@Test
	void absoluteGlobWorks() {
		List<Path> found = InputFiles.expand(List.of(this.base.resolve("other").toString() + "/*.csv"));
		assertThat(found).containsExactly(this.base.resolve("other/z.csv"));
	}

	@Test
	void patternOrPathMatchingNothingIsNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> expand("exports/**/*.parquet"))
			.withMessage("No input file matches exports/**/*.parquet");
		assertThatIllegalArgumentException().isThrownBy(() -> expand("missing.jsonl"))
			.withMessageContaining("missing.jsonl");
		assertThatIllegalArgumentException().isThrownBy(() -> expand("nowhere/*.csv"))
			.withMessageContaining("nowhere/*.csv");
	}

	private List<String> expand(String... entries) {
		return InputFiles.expand(List.of(entries), this.base)
			.stream()
			.map((path) -> this.base.relativize(path).toString())
			.toList();
	}

}
