package io.keywordsbackfill.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the file system says of a file: enough to know that its content cannot have changed since an earlier
 * look, as git's index knows it. The change time (ctime) is set by the kernel on every write, truncation,
 * rename or attribute change and, unlike the modification time, cannot be set back by a user; the device
 * and inode tell a file replaced by another (an editor's save, a new download moved into place).
 *
 * @param size in bytes
 * @param modifiedNanos modification time, nanoseconds since the epoch
 * @param changedNanos change time (ctime), nanoseconds since the epoch
 * @param fileKey device and inode, {@code dev:ino}
 */
public record FileStat(long size, long modifiedNanos, long changedNanos, String fileKey) {

	/**
	 * @return the file's stat, or empty where the file system does not give a change time and inode (not a
	 * POSIX system) or the file is gone
	 * @throws IOException if the file exists but cannot be examined
	 */
	public static Optional<FileStat> of(Path file) throws IOException {
		Map<String, Object> attributes;
		try {
			attributes = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,dev,ino");
		}
		catch (UnsupportedOperationException | IllegalArgumentException | NoSuchFileException ex) {
			return Optional.empty();
		}
		return Optional.of(new FileStat((Long) attributes.get("size"), nanos(attributes.get("lastModifiedTime")),
				nanos(attributes.get("ctime")), attributes.get("dev") + ":" + attributes.get("ino")));
	}

	/**
	 * Whether neither time is later than {@code instant}: a file last touched before then, by more than any file
	 * system's timestamp granularity, cannot be written again without its times changing.
	 */
	public boolean untouchedSince(Instant instant) {
		long limit = TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
		return modifiedNanos < limit && changedNanos < limit;
	}

	private static long nanos(Object time) {
		return ((FileTime) time).to(TimeUnit.NANOSECONDS);
	}

}
