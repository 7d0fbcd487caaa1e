package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Expands what a user names as input (files, directories, globs) into the list of files to read, in a
 * stable order.
 * <ul>
 * <li>A regular file is taken as it is (hidden or not: it was named).</li>
 * <li>A directory stands for every regular file below it, recursively, except hidden ones (a name starting
 * with {@code .}, or anything inside a hidden directory).</li>
 * <li>A pattern with {@code * ? [ {} is a glob in {@link java.nio.file.FileSystem#getPathMatcher(String)}
 * syntax, relative to the current directory unless absolute: the tree is walked from the pattern's fixed
 * prefix (the directories before the first segment with a wildcard) and hidden files are skipped. As in
 * shells with globstar, {@code **}{@code /} also matches no directory at all, so
 * {@code exports/**}{@code /*.jsonl.gz} finds {@code exports/a.jsonl.gz} too.</li>
 * </ul>
 * The result holds each file once (paths compared after normalisation) and is sorted by path string.
 */
public final class InputFiles {

	private InputFiles() {
	}

	/**
	 * @param pathsOrGlobs what the user named, in any order
	 * @return the files, de-duplicated and sorted
	 * @throws IllegalArgumentException naming the entry, for a path that does not exist or a glob or
	 * directory that matches no file
	 * @throws UncheckedIOException if a directory cannot be walked
	 */
	public static List<Path> expand(List<String> pathsOrGlobs) {
		return expand(pathsOrGlobs, Path.of(""));
	}

	/** As {@link #expand(List)}, with relative paths and globs taken from {@code baseDir}. */
	static List<Path> expand(List<String> pathsOrGlobs, Path baseDir) {
		Set<Path> found = new LinkedHashSet<>();
		for (String entry : pathsOrGlobs) {
			List<Path> matches = isGlob(entry) ? glob(entry, baseDir) : path(entry, baseDir);
			if (matches.isEmpty()) {
				throw new IllegalArgumentException("No input file matches " + entry);
			}
			matches.forEach((match) -> found.add(match.normalize()));
		}
		List<Path> sorted = new ArrayList<>(found);
		sorted.sort(Comparator.comparing(Path::toString));
		return sorted;
	}

	private static List<Path> path(String entry, Path baseDir) {
		Path path = baseDir.resolve(entry);
		if (Files.isRegularFile(path)) {
			return List.of(path);
		}
		if (Files.isDirectory(path)) {
			return walk(path, path, (file) -> true);
		}
		throw new IllegalArgumentException("No such file or directory: " + entry);
	}

	private static List<Path> glob(String pattern, Path baseDir) {
		String normalised = pattern.replace('\\', '/');
		String[] segments = normalised.split("/", -1);
		StringBuilder prefix = new StringBuilder();
		int firstWild = 0;
		while (firstWild < segments.length - 1 && !isGlob(segments[firstWild])) {
			prefix.append(segments[firstWild]).append('/');
			firstWild++;
		}
		Path root = baseDir.resolve(prefix.isEmpty() ? "." : prefix.toString());
		if (!Files.isDirectory(root)) {
			return List.of();
		}
		Path fixed = Path.of(prefix.toString());
		List<PathMatcher> matchers = new ArrayList<>();
		matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + normalised));
		if (normalised.contains("**/")) {
			matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + normalised.replace("**/", "")));
		}
		// Matched as the pattern is spelled: the fixed prefix, then the path below it.
		return walk(root, root, (file) -> {
			Path candidate = fixed.resolve(root.relativize(file));
			return matchers.stream().anyMatch((matcher) -> matcher.matches(candidate));
		});
	}

	private static List<Path> walk(Path root, Path start, Predicate<Path> accept) {
		try (Stream<Path> files = Files.walk(start)) {
			return files.filter(Files::isRegularFile)
				.filter((file) -> !hidden(root.relativize(file)))
				.filter(accept)
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list " + start, ex);
		}
	}

	private static boolean hidden(Path relative) {
		for (Path part : relative) {
			if (part.toString().startsWith(".") && !part.toString().equals(".") && !part.toString().equals("..")) {
				return true;
			}
		}
		return false;
	}

	private static boolean isGlob(String text) {
		return text.chars().anyMatch((c) -> c == '*' || c == '?' || c == '[' || c == '{');
	}

}
