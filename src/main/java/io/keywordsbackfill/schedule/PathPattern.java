package io.keywordsbackfill.schedule;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code paths} entry: a file, a directory, or a glob. A glob is split at the last {@code /} before its
 * first wildcard into a fixed directory, which must exist, and a pattern matched against paths relative to
 * it, with {@code /} as separator; a leading {@code **}{@code /} also matches files directly in the
 * directory, as users expect of {@code exports/**}{@code /*.jsonl}.
 *
 * @param value the entry as written
 * @param path for a plain entry the file or directory; for a glob its fixed directory (absolute, normalised)
 * @param glob the pattern after the fixed directory, or null for a plain entry
 */
record PathPattern(String value, Path path, String glob) {

	private static final Pattern WILDCARD = Pattern.compile("[*?\\[{]");

	static PathPattern of(Path baseDirectory, String value) {
		Matcher wildcard = WILDCARD.matcher(value);
		if (!wildcard.find()) {
			return new PathPattern(value, baseDirectory.resolve(value).toAbsolutePath().normalize(), null);
		}
		String prefix = value.substring(0, wildcard.start());
		int slash = prefix.lastIndexOf('/');
		Path directory = baseDirectory.resolve(slash < 0 ? "" : prefix.substring(0, slash + 1))
			.toAbsolutePath()
			.normalize();
		return new PathPattern(value, directory, value.substring(slash + 1));
	}

	boolean isGlob() {
		return glob != null;
	}

	/** @param relative a path relative to {@link #path()} */
	boolean matches(Path relative) {
		String unix = relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
		Path normalised = Path.of(unix);
		if (matcher(glob).matches(normalised)) {
			return true;
		}
		return glob.startsWith("**/") && matcher(glob.substring(3)).matches(normalised);
	}

	private static PathMatcher matcher(String glob) {
		return FileSystems.getDefault().getPathMatcher("glob:" + glob);
	}

}
