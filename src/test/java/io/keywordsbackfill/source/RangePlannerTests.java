package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RangePlannerTests {

	@TempDir
	Path dir;

	@Test
	void rangesStartAtLineStartsAndCoverEveryLineOnce() throws IOException {
		// given: 1,000 lines of different lengths
		StringBuilder text = new StringBuilder();
		for (int i = 1; i <= 1000; i++) {
			text.append("line ").append(i).append(" ").append("x".repeat(i % 37)).append('\n');
		}
		Path file = dir.resolve("lines.jsonl");
		Files.writeString(file, text, StandardCharsets.UTF_8);

		// when
		List<FileRange> ranges = RangePlanner.plan(SourceFile.of(file), 4, 1000);

		// then: reading each range gives lines 1..1000 in order, each once, with the right line numbers
		assertThat(ranges).hasSize(4);
		List<Long> lineNumbers = new ArrayList<>();
		for (FileRange range : ranges) {
			try (LineReader reader = LineReader.open(file, range.startOffset(), range.startLine(),
					LineReader.DEFAULT_MAX_LINE_BYTES)) {
				while (range.contains(reader.nextByteOffset())) {
					SourceLine line = reader.next();
					if (line == null) {
						break;
					}
					assertThat(line.text()).startsWith("line " + line.lineNumber() + " ");
					lineNumbers.add(line.lineNumber());
				}
			}
		}
		assertThat(lineNumbers).hasSize(1000);
		assertThat(lineNumbers).isSorted().doesNotHaveDuplicates();
		assertThat(ranges.get(3).endOffset()).isEqualTo(-1);
	}

	@Test
	void rangesOfAFileLargerThanTheReadBufferKnowTheirLineNumbers() throws IOException {
		// given: ~4 MB, so whole read buffers lie between cuts
		StringBuilder text = new StringBuilder();
		for (int i = 1; i <= 60_000; i++) {
			text.append("line ").append(i).append(' ').append("y".repeat(i % 97)).append('\n');
		}
		Path file = dir.resolve("big.jsonl");
		Files.writeString(file, text, StandardCharsets.UTF_8);

		List<FileRange> ranges = RangePlanner.plan(SourceFile.of(file), 4, 1000);

		assertThat(ranges).hasSize(4);
		for (FileRange range : ranges) {
			try (LineReader reader = LineReader.open(file, range.startOffset(), range.startLine(),
					LineReader.DEFAULT_MAX_LINE_BYTES)) {
				SourceLine first = reader.next();
				assertThat(first.text()).startsWith("line " + range.startLine() + " ");
			}
		}
	}

	@Test
	void aSmallFileOrAGzipFileStaysWhole() throws IOException {
		Path small = dir.resolve("small.jsonl");
		Files.writeString(small, "a\nb\nc\n");
		Path gzip = dir.resolve("big.jsonl.gz");
		try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
			out.write("line\n".repeat(100_000).getBytes(StandardCharsets.UTF_8));
		}

		assertThat(RangePlanner.plan(SourceFile.of(small), 4, 1000)).containsExactly(FileRange.WHOLE);
		assertThat(RangePlanner.plan(SourceFile.of(gzip), 4, 1)).containsExactly(FileRange.WHOLE);
	}

	@Test
	void noRangeIsSmallerThanTheMinimum() throws IOException {
		Path file = dir.resolve("mid.jsonl");
		Files.writeString(file, "0123456789\n".repeat(100)); // 1,100 bytes

		assertThat(RangePlanner.plan(SourceFile.of(file), 8, 500)).hasSize(2);
	}

}
