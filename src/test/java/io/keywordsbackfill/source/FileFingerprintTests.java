package io.keywordsbackfill.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class FileFingerprintTests {

	@Test
	void hashesRawBytes(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("abc.txt");
		Files.write(file, "abc".getBytes(StandardCharsets.US_ASCII));

		assertThat(FileFingerprint.sha256(file))
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

}
