package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;

/**
 * The content fingerprint by which files are identified (never by name): the SHA-256 of the raw bytes as
 * stored, so a gzip file and its decompressed copy are different files.
 */
public final class FileFingerprint {

	private static final int BUFFER_SIZE = 64 * 1024;

	private FileFingerprint() {
	}

	/**
	 * Hashes the file in one streaming pass.
	 * @return the lower-case hex SHA-256 (64 characters)
	 * @throws UncheckedIOException if the file cannot be read
	 */
	public static String sha256(Path file) {
		return sha256(file, () -> false);
	}

	/**
	 * Hashes the file in one streaming pass unless told to give up, which is asked before each buffer read:
	 * for a caller that may learn the answer elsewhere meanwhile (see {@link FingerprintCache}).
	 * @return the lower-case hex SHA-256 (64 characters), or null if it gave up
	 * @throws UncheckedIOException if the file cannot be read
	 */
	public static String sha256(Path file, BooleanSupplier giveUp) {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
		byte[] buffer = new byte[BUFFER_SIZE];
		try (InputStream in = Files.newInputStream(file)) {
			int n;
			while (!giveUp.getAsBoolean()) {
				if ((n = in.read(buffer)) == -1) {
					return HexFormat.of().formatHex(digest.digest());
				}
				digest.update(buffer, 0, n);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file, ex);
		}
		return null;
	}

}
