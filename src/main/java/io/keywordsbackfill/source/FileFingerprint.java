package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
			while ((n = in.read(buffer)) != -1) {
				digest.update(buffer, 0, n);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file, ex);
		}
		return HexFormat.of().formatHex(digest.digest());
	}

}
