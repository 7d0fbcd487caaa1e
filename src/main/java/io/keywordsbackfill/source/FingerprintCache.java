package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Content fingerprints of files, remembered in the job repository with each file's {@link FileStat}, so that a
 * file seen before and unchanged since is recognised without being read whole. Scheduled runs fingerprint
 * every file of their directories to find the new ones; without this, a year of exports was read in full every
 * night.
 * <p>
 * A remembered fingerprint is used only when everything the file system says of the file is as it was: path,
 * size, modification and change times, device and inode. It is written only for a file untouched for
 * {@link #SETTLED} before its hash began and unchanged while it was read, so that a write within one tick of a
 * coarse file system clock cannot leave a stale entry behind. Where the file system gives no change time or
 * inode, or with {@code backfill.fingerprint-cache=false}, every file is hashed.
 */
public class FingerprintCache {

	/** Longer than the timestamp granularity of any file system in use (FAT's is 2 s, ext3's 1 s). */
	static final Duration SETTLED = Duration.ofSeconds(3);

	/** Longer paths are hashed every time: the column and its index would not hold them. */
	private static final int MAX_PATH_LENGTH = 1024;

	private static final Logger log = LoggerFactory.getLogger(FingerprintCache.class);

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final boolean enabled;

	public FingerprintCache(JdbcTemplate jdbc, Clock clock, boolean enabled) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.enabled = enabled;
	}

	/**
	 * The file's fingerprint: the remembered one if the file is unchanged, else computed (and remembered).
	 * @throws UncheckedIOException if the file cannot be read
	 */
	public String fingerprint(Path file) {
		FileStat stat = stat(file);
		Optional<String> remembered = remembered(file, stat);
		if (remembered.isPresent()) {
			return remembered.get();
		}
		Instant started = this.clock.instant();
		String sha256 = FileFingerprint.sha256(file);
		remember(file, stat, sha256, started);
		return sha256;
	}

	/**
	 * Fingerprints taken while the application, and so the cache, may still be starting.
	 * @param starting completes with the cache when the application has started (or fails if it cannot)
	 * @param clock the application's clock
	 */
	public static WhileStarting whileStarting(CompletableFuture<FingerprintCache> starting, Clock clock) {
		return new WhileStarting(starting, clock);
	}

	/**
	 * Each file's hash begins at once and is given up as soon as the cache, once started, knows the file. So a
	 * file seen before costs no full read, and a new one is hashed while the application starts, as without
	 * the cache. The fingerprints computed are remembered by {@link #rememberComputed()}.
	 */
	public static final class WhileStarting {

		private final CompletableFuture<FingerprintCache> starting;

		private final Clock clock;

		private final List<Runnable> toRemember = new ArrayList<>();

		private WhileStarting(CompletableFuture<FingerprintCache> starting, Clock clock) {
			this.starting = starting;
			this.clock = clock;
		}

		/**
		 * The file's fingerprint: remembered, if the started cache knows the file before its hash ends, else
		 * computed (and remembered by {@link #rememberComputed()}).
		 * @throws UncheckedIOException if the file cannot be read
		 */
		public String fingerprint(Path file) {
			FileStat stat = stat(file);
			Instant started = this.clock.instant();
			CompletableFuture<String> remembered = this.starting
				.thenApply((cache) -> cache.remembered(file, stat).orElse(null))
				.exceptionally((ex) -> null);
			String sha256 = FileFingerprint.sha256(file, () -> remembered.getNow(null) != null);
			if (sha256 == null) {
				return remembered.join();
			}
			this.toRemember.add(() -> this.starting.join().remember(file, stat, sha256, started));
			return sha256;
		}

		/** Waits for the cache and remembers the fingerprints computed; nothing if the application did not start. */
		public void rememberComputed() {
			try {
				this.toRemember.forEach(Runnable::run);
			}
			catch (CompletionException ex) {
				// the start failed: the command reports why when it asks for the application
			}
			this.toRemember.clear();
		}

	}

	Optional<String> remembered(Path file, FileStat stat) {
		String key = key(file);
		if (!this.enabled || stat == null || key == null) {
			return Optional.empty();
		}
		List<String> found = this.jdbc.query("SELECT sha256 FROM backfill_file_fingerprint WHERE path = ? "
				+ "AND file_key = ? AND size_bytes = ? AND modified_ns = ? AND changed_ns = ?",
				(rs, i) -> rs.getString(1), key, stat.fileKey(), stat.size(), stat.modifiedNanos(), stat.changedNanos());
		return found.stream().findFirst();
	}

	/**
	 * Remembers a fingerprint computed from a read that began at {@code hashStarted}, of the file as
	 * {@code before} describes it, if it can be trusted later: see the class comment.
	 */
	void remember(Path file, FileStat before, String sha256, Instant hashStarted) {
		String key = key(file);
		if (!this.enabled || before == null || key == null || !before.untouchedSince(hashStarted.minus(SETTLED))
				|| !before.equals(stat(file))) {
			return;
		}
		Timestamp now = Timestamp.from(this.clock.instant());
		try {
			int updated = this.jdbc.update("UPDATE backfill_file_fingerprint SET file_key = ?, size_bytes = ?, "
					+ "modified_ns = ?, changed_ns = ?, sha256 = ?, hashed_at = ? WHERE path = ?", before.fileKey(),
					before.size(), before.modifiedNanos(), before.changedNanos(), sha256, now, key);
			if (updated == 0) {
				this.jdbc.update("INSERT INTO backfill_file_fingerprint (path, file_key, size_bytes, modified_ns, "
						+ "changed_ns, sha256, hashed_at) VALUES (?, ?, ?, ?, ?, ?, ?)", key, before.fileKey(),
						before.size(), before.modifiedNanos(), before.changedNanos(), sha256, now);
			}
		}
		catch (DataAccessException ex) {
			// Only a saving lost (another process remembered the same path first, or the database refused the
			// path): the file is hashed again next time.
			log.debug("file={} fingerprint not remembered: {}", key, ex.getMessage());
		}
	}

	private static String key(Path file) {
		String key = file.toAbsolutePath().normalize().toString();
		return key.length() <= MAX_PATH_LENGTH ? key : null;
	}

	private static FileStat stat(Path file) {
		try {
			return FileStat.of(file).orElse(null);
		}
		catch (IOException ex) {
			return null; // then hashed, which reports what is wrong with the file
		}
	}

}
