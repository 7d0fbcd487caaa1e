package io.keywordsbackfill.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class LineReaderTests {

	@TempDir
	Path dir;

	@Test
	void tracksOffsetsAndLineNumbersWithCrlfAndNoFinalNewline() throws IOException {
		// "é" is two bytes, so offsets are bytes, not chars
		Path file = write("plain.jsonl", "ab\r\néé\n\nlast".getBytes(StandardCharsets.UTF_8));

		List<SourceLine> lines = readAll(file);

		assertThat(lines).containsExactly(new SourceLine(1, 0, "ab", LineProblem.NONE),
				new SourceLine(2, 4, "éé", LineProblem.NONE), new SourceLine(3, 9, "", LineProblem.NONE),
				new SourceLine(4, 10, "last", LineProblem.NONE));
	}

	@Test
	void reportsNextPositionAfterEachLine() throws IOException {
		Path file = write("plain.jsonl", "one\ntwo\n".getBytes(StandardCharsets.UTF_8));
		try (LineReader reader = LineReader.open(file)) {
			reader.next();
			assertThat(reader.nextByteOffset()).isEqualTo(4);
			assertThat(reader.nextLineNumber()).isEqualTo(2);
			reader.next();
			assertThat(reader.nextByteOffset()).isEqualTo(8);
			assertThat(reader.nextLineNumber()).isEqualTo(3);
			assertThat(reader.next()).isNull();
			assertThat(reader.next()).isNull();
		}
	}

	@Test
	void flagsInvalidUtf8AndNulWithoutStopping() throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		bytes.writeBytes("ok\n".getBytes(StandardCharsets.UTF_8));
		bytes.writeBytes(new byte[] { 'a', (byte) 0xc3, (byte) 0x28, '\n' });
		bytes.writeBytes(new byte[] { 'b', 0, 'c', '\n' });
		bytes.writeBytes("after\n".getBytes(StandardCharsets.UTF_8));
		Path file = write("bad.jsonl", bytes.toByteArray());

		List<SourceLine> lines = readAll(file);

		assertThat(lines).extracting(SourceLine::problem)
			.containsExactly(LineProblem.NONE, LineProblem.INVALID_UTF8, LineProblem.NUL_BYTE, LineProblem.NONE);
		assertThat(lines.get(3)).isEqualTo(new SourceLine(4, 11, "after", LineProblem.NONE));
	}

	@Test
	void flagsOverlongLineAndReadsTheNextOne() throws IOException {
		String longLine = "x".repeat(200_000);
		Path file = write("long.jsonl", ("short\n" + longLine + "\nnext\n").getBytes(StandardCharsets.UTF_8));

		List<SourceLine> lines = new ArrayList<>();
		try (LineReader reader = LineReader.open(file, 0, 1, 1000)) {
			SourceLine line;
			while ((line = reader.next()) != null) {
				lines.add(line);
			}
		}

		assertThat(lines).hasSize(3);
		assertThat(lines.get(1).problem()).isEqualTo(LineProblem.TOO_LARGE);
		assertThat(lines.get(1).text()).hasSize(1000);
		assertThat(lines.get(2)).isEqualTo(new SourceLine(3, 6 + 200_001, "next", LineProblem.NONE));
	}

	@Test
	void lineOfExactlyTheMaximumIsFine() throws IOException {
		Path file = write("edge.jsonl", ("y".repeat(1000) + "\r\n").getBytes(StandardCharsets.UTF_8));
		try (LineReader reader = LineReader.open(file, 0, 1, 1001)) {
			assertThat(reader.next().problem()).isEqualTo(LineProblem.NONE);
		}
	}

	@Test
	void resumeOnPlainFileDoesNotReadEarlierBytes() throws IOException {
		byte[] content = lines(2000);
		Path file = write("plain.jsonl", content);
		long offset;
		long lineNumber;
		List<SourceLine> expected = new ArrayList<>();
		try (LineReader reader = LineReader.open(file)) {
			for (int i = 0; i < 1500; i++) {
				reader.next();
			}
			offset = reader.nextByteOffset();
			lineNumber = reader.nextLineNumber();
			SourceLine line;
			while ((line = reader.next()) != null) {
				expected.add(line);
			}
		}
		// Overwrite everything before the offset with bytes that would be flagged (and have no newline,
		// so line numbers would shift) if the reader read them.
		byte[] corrupted = content.clone();
		Arrays.fill(corrupted, 0, (int) offset, (byte) 0xff);
		Files.write(file, corrupted);

		List<SourceLine> resumed = new ArrayList<>();
		try (LineReader reader = LineReader.open(file, offset, lineNumber, LineReader.DEFAULT_MAX_LINE_BYTES)) {
			assertThat(reader.gzip()).isFalse();
			SourceLine line;
			while ((line = reader.next()) != null) {
				resumed.add(line);
			}
		}

		assertThat(resumed).isEqualTo(expected).hasSize(500);
		assertThat(resumed.get(0).lineNumber()).isEqualTo(1501);
	}

	@Test
	void gzipIsDetectedByContentAndResumesAtTheSameLines() throws IOException {
		byte[] content = lines(5000);
		Path plain = write("plain.jsonl", content);
		// No .gz suffix on purpose: detection is by magic bytes.
		Path gzip = this.dir.resolve("compressed.data");
		try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
			out.write(content);
		}
		assertThat(readAll(gzip)).isEqualTo(readAll(plain));

		List<SourceLine> all = readAll(plain);
		SourceLine at = all.get(3210);
		List<SourceLine> resumed = new ArrayList<>();
		try (LineReader reader = LineReader.open(gzip, at.byteOffset(), at.lineNumber(), 1 << 20)) {
			assertThat(reader.gzip()).isTrue();
			SourceLine line;
			while ((line = reader.next()) != null) {
				resumed.add(line);
			}
		}
		assertThat(resumed).isEqualTo(all.subList(3210, all.size()));
	}

	@Test
	void resumingBeyondTheEndFails() throws IOException {
		Path file = write("short.jsonl", "a\n".getBytes(StandardCharsets.UTF_8));
		assertThatIOException().isThrownBy(() -> LineReader.open(file, 99, 5, 100)).withMessageContaining("99");
	}

	private byte[] lines(int count) {
		StringBuilder text = new StringBuilder();
		for (int i = 1; i <= count; i++) {
			text.append("{\"custom_id\":\"req-").append(i).append("\",\"text\":\"ü").append("z".repeat(i % 97))
				.append("\"}\n");
		}
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	private Path write(String name, byte[] bytes) throws IOException {
		Path file = this.dir.resolve(name);
		Files.write(file, bytes);
		return file;
	}

	private static List<SourceLine> readAll(Path file) throws IOException {
		List<SourceLine> lines = new ArrayList<>();
		try (LineReader reader = LineReader.open(file)) {
			SourceLine line;
			while ((line = reader.next()) != null) {
				lines.add(line);
			}
		}
		return lines;
	}

}
