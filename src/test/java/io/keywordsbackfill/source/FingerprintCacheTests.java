package io.keywordsbackfill.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keywordsbackfill.support.EmbeddedH2;
import io.keywordsbackfill.support.EmbeddedPostgres;
import io.keywordsbackfill.support.MigratedDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fingerprint cache on both databases. A file written by a test is as new as it can be, so "later" is a
 * clock a minute ahead, by which the file has settled. That a remembered fingerprint is used without reading
 * the file shows as a planted value coming back instead of the file's real hash.
 */
class FingerprintCacheTests {

	static final String PLANTED = "f".repeat(64);

	static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1));

	@TempDir
	Path dir;

	JdbcTemplate jdbc;

	FingerprintCache cache(String database, Clock clock, boolean enabled) {
		String url = database.equals("h2") ? EmbeddedH2.newDatabaseUrl() : EmbeddedPostgres.newDatabaseUrl();
		DataSource dataSource = MigratedDatabase.migrate(url, database.equals("h2") ? "sa" : "postgres");
		jdbc = new JdbcTemplate(dataSource);
		return new FingerprintCache(jdbc, clock, enabled);
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void aSettledFileIsRememberedAndNotReadAgainWhileUnchanged(String database) throws IOException {
		FingerprintCache cache = cache(database, LATER, true);
		Path file = write("a.jsonl", "{\"a\":1}\n");

		assertThat(cache.fingerprint(file)).isEqualTo(FileFingerprint.sha256(file));
		plant(file);

		assertThat(cache.fingerprint(file)).isEqualTo(PLANTED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void aFileRewrittenWithItsSizeAndModificationTimeKeptIsReadAgain(String database) throws IOException {
		FingerprintCache cache = cache(database, LATER, true);
		Path file = write("a.jsonl", "{\"a\":1}\n");
		FileTime modified = Files.getLastModifiedTime(file);
		cache.fingerprint(file);
		plant(file);
		afterTheFileSystemClockMoves(file);

		Files.writeString(file, "{\"a\":2}\n");
		Files.setLastModifiedTime(file, modified); // as `touch -d` would; the change time still moves

		assertThat(cache.fingerprint(file)).isEqualTo(FileFingerprint.sha256(file)).isNotEqualTo(PLANTED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void aFileReplacedByAnotherWithTheSameSizeAndTimesIsReadAgain(String database) throws IOException {
		FingerprintCache cache = cache(database, LATER, true);
		Path file = write("a.jsonl", "{\"a\":1}\n");
		cache.fingerprint(file);
		plant(file);
		Path replacement = write("a.jsonl.part", "{\"a\":2}\n");
		Files.setLastModifiedTime(replacement, Files.getLastModifiedTime(file));

		Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING);

		assertThat(cache.fingerprint(file)).isEqualTo(FileFingerprint.sha256(file)).isNotEqualTo(PLANTED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void aFileWrittenJustBeforeItsHashIsNotRemembered(String database) throws IOException {
		FingerprintCache cache = cache(database, Clock.systemUTC(), true);
		Path file = write("a.jsonl", "{\"a\":1}\n");

		assertThat(cache.fingerprint(file)).isEqualTo(FileFingerprint.sha256(file));

		assertThat(rows()).as("a write within the same tick of a coarse clock would go unseen").isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void turnedOffEveryFileIsHashedAndNothingRemembered(String database) throws IOException {
		FingerprintCache cache = cache(database, LATER, false);
		Path file = write("a.jsonl", "{\"a\":1}\n");

		assertThat(cache.fingerprint(file)).isEqualTo(FileFingerprint.sha256(file));

		assertThat(rows()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void aPathTooLongToRememberIsHashedEveryTime(String database) throws IOException {
		FingerprintCache cache = cache(database, LATER, true);
		Path deep = dir;
		while (deep.toString().length() < 1100) {
			deep = deep.resolve("d".repeat(100));
		}
		Files.createDirectories(deep);
		Path file = Files.writeString(deep.resolve("a.jsonl"), "{\"a\":1}\n");

		assertThat(cache.fingerprint(file)).isEqualTo(FileFingerprint.sha256(file));

		assertThat(rows()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void whileStartingAFileIsHashedAndRememberedOnceTheCacheIsUp(String database) throws IOException {
		FingerprintCache cache = cache(database, LATER, true);
		Path file = write("a.jsonl", "{\"a\":1}\n");
		CompletableFuture<FingerprintCache> starting = new CompletableFuture<>();
		FingerprintCache.WhileStarting fingerprints = FingerprintCache.whileStarting(starting, LATER);

		assertThat(fingerprints.fingerprint(file)).isEqualTo(FileFingerprint.sha256(file));
		starting.complete(cache);
		assertThat(rows()).isZero();
		fingerprints.rememberComputed();
		assertThat(rows()).isOne();

		plant(file);
		assertThat(fingerprints.fingerprint(file)).as("once started, the remembered one").isEqualTo(PLANTED);
	}

	@Test
	void aStartThatFailsLeavesTheHash() throws IOException {
		Path file = write("a.jsonl", "{\"a\":1}\n");
		FingerprintCache.WhileStarting fingerprints = FingerprintCache
			.whileStarting(CompletableFuture.failedFuture(new IllegalStateException("bad")), LATER);

		assertThat(fingerprints.fingerprint(file)).isEqualTo(FileFingerprint.sha256(file));
		fingerprints.rememberComputed();
	}

	/**
	 * Returns once a write gets a later change time than the file's. File systems take times from a clock that
	 * moves in ticks of milliseconds; a rewrite within the tick of the first write would not show (which is why
	 * only files settled for seconds are remembered, and why this test, whose clock is a minute ahead, waits).
	 */
	void afterTheFileSystemClockMoves(Path file) throws IOException {
		long changed = FileStat.of(file).orElseThrow().changedNanos();
		Path probe = dir.resolve("clock-probe");
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		do {
			Files.writeString(probe, "x");
			assertThat(System.nanoTime()).as("file system clock stuck").isLessThan(deadline);
		}
		while (FileStat.of(probe).orElseThrow().changedNanos() <= changed);
	}

	Path write(String name, String content) throws IOException {
		return Files.writeString(dir.resolve(name), content);
	}

	/** Replaces the remembered fingerprint of the file with one no hash would give. */
	void plant(Path file) {
		assertThat(jdbc.update("UPDATE backfill_file_fingerprint SET sha256 = ? WHERE path = ?", PLANTED,
				file.toAbsolutePath().normalize().toString())).as("a remembered row").isOne();
	}

	int rows() {
		return jdbc.queryForObject("SELECT COUNT(*) FROM backfill_file_fingerprint", Integer.class);
	}

}
