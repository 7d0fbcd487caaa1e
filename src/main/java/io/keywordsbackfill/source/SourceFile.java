package io.keywordsbackfill.source;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file to read, with the content fingerprint that identifies it and the name under which records
 * cite it.
 *
 * @param path where it is
 * @param fingerprint its {@link FileFingerprint#sha256(Path) SHA-256}, computed once by the caller
 * @param displayName the path as the user gave it (goes into {@code backfill_file} and reject rows)
 */
public record SourceFile(Path path, String fingerprint, String displayName) {

	public SourceFile {
		Objects.requireNonNull(path, "path");
		Objects.requireNonNull(fingerprint, "fingerprint");
		if (fingerprint.length() < 16) {
			throw new IllegalArgumentException("fingerprint must be a hex SHA-256: " + fingerprint);
		}
		displayName = (displayName != null) ? displayName : path.toString();
	}

	/** Fingerprints the file now and names it by its path string. */
	public static SourceFile of(Path path) {
		return new SourceFile(path, FileFingerprint.sha256(path), path.toString());
	}

	/** The first 16 hex characters of the fingerprint: enough to tell files apart in an identifier. */
	public String shortFingerprint() {
		return this.fingerprint.substring(0, 16);
	}

}
