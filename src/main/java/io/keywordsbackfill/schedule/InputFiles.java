package io.keywordsbackfill.schedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import io.keywordsbackfill.source.FileFingerprint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a job definition names, now: its paths resolved against the definition's directory, each file
 * fingerprinted, in a stable order (input by input, then by path).
 * <p>
 * A directory means every regular file beneath it, hidden ones excepted. For {@code together-batch}, the
 * input and error files found next to an output file by the configured suffixes are attached to it rather
 * than listed as outputs of their own. A file with the same content as one listed before (a copy) is listed
 * once, since files are identified by content.
 */
public final class InputFiles {

	private static final Logger log = LoggerFactory.getLogger(InputFiles.class);

	private InputFiles() {
	}

	/**
	 * One file to import.
	 *
	 * @param input the definition entry it came from
	 * @param file the file (absolute)
	 * @param sha256 its content fingerprint
	 * @param batchInput the Batch input file next to it, or null (together-batch only)
	 * @param errors the Batch error file next to it, or null (together-batch only)
	 */
	public record InputFile(InputDefinition input, Path file, String sha256, Path batchInput, Path errors) {
	}

	/**
	 * Every file the definition names now.
	 * @param fingerprints a file's content fingerprint ({@link FileFingerprint#sha256(Path)}, or one remembered
	 * for an unchanged file)
	 * @throws UncheckedIOException if a directory cannot be listed or a file read
	 */
	public static List<InputFile> resolve(JobDefinition definition, Function<Path, String> fingerprints) {
		return resolve(definition, fingerprints, null);
	}

	/**
	 * Every file the definition names now, except those modified less than its {@code min-file-age} before
	 * {@code now} (with either companion of a Batch file): they may still be being written, and are logged and
	 * left for a later run rather than fingerprinted.
	 * @param now when the run looks for files; null to take every file whatever its age
	 */
	static List<InputFile> resolve(JobDefinition definition, Function<Path, String> fingerprints, Instant now) {
		List<InputFile> files = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (InputDefinition input : definition.inputs()) {
			for (Path file : files(definition.baseDirectory(), input)) {
				Path batchInput = companion(input, file, true);
				Path errors = companion(input, file, false);
				if (now != null && !settled(definition, now, file, batchInput, errors)) {
					continue;
				}
				String sha256 = fingerprints.apply(file);
				if (!seen.add(sha256)) {
					log.info("job={} file={} has the content of a file listed before; reading it once",
							definition.name(), file);
					continue;
				}
				files.add(new InputFile(input, file, sha256, batchInput, errors));
			}
		}
		return List.copyOf(files);
	}

	/** Whether none of {@code group} (null entries ignored) was modified within the definition's min-file-age. */
	private static boolean settled(JobDefinition definition, Instant now, Path... group) {
		if (definition.minFileAge().isZero()) {
			return true;
		}
		Instant settledBefore = now.minus(definition.minFileAge());
		for (Path file : group) {
			if (file == null) {
				continue;
			}
			Instant modified;
			try {
				modified = Files.getLastModifiedTime(file).toInstant();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot examine " + file, ex);
			}
			if (modified.isAfter(settledBefore)) {
				log.info("job={} file={} was modified at {}, less than min-file-age ({}) before {}: left for a later "
						+ "run, as it may still be being written", definition.name(), file, modified,
						definition.minFileAge(), now);
				return false;
			}
		}
		return true;
	}

	/**
	 * The files of the definition that no completed run of the job read and that were left alone for its
	 * {@code min-file-age} before {@code now}: what a scheduled run imports.
	 * @param ledger the files the job completed
	 * @param fingerprints as for {@link #resolve(JobDefinition, Function)}
	 * @param now when the run looks for files
	 */
	public static List<InputFile> pending(JobDefinition definition, FileLedger ledger,
			Function<Path, String> fingerprints, Instant now) {
		Set<String> completed = ledger.completedFingerprints(definition.name());
		return resolve(definition, fingerprints, now).stream().filter((file) -> !completed.contains(file.sha256()))
			.toList();
	}

	/**
	 * The file named like {@code output} with the part from its last {@code -output} replaced by
	 * {@code suffix}; when the output is gzipped, a gzipped companion is also looked for.
	 * @return the companion if it exists as a regular file
	 */
	static Optional<Path> companion(Path output, String suffix) {
		String name = output.getFileName().toString();
		int at = name.lastIndexOf("-output");
		if (at < 0) {
			return Optional.empty();
		}
		String stem = name.substring(0, at);
		List<String> candidates = name.endsWith(".gz") ? List.of(stem + suffix, stem + suffix + ".gz")
				: List.of(stem + suffix);
		return candidates.stream().map(output::resolveSibling).filter(Files::isRegularFile).findFirst();
	}

	private static Path companion(InputDefinition input, Path file, boolean batchInput) {
		if (input instanceof InputDefinition.TogetherBatch batch) {
			String suffix = batchInput ? batch.batchInputSuffix() : batch.errorsSuffix();
			return suffix == null ? null : companion(file, suffix).orElse(null);
		}
		return null;
	}

	private static List<Path> files(Path baseDirectory, InputDefinition input) {
		List<Path> files = new ArrayList<>();
		for (String value : input.paths()) {
			PathPattern pattern = PathPattern.of(baseDirectory, value);
			if (!pattern.isGlob() && Files.isRegularFile(pattern.path())) {
				files.add(pattern.path());
			}
			else if (Files.isDirectory(pattern.path())) {
				for (Path file : walk(pattern.path())) {
					if (!pattern.isGlob() || pattern.matches(pattern.path().relativize(file))) {
						files.add(file);
					}
				}
			}
			else {
				log.warn("input={} does not exist (any more); nothing read from it", pattern.path());
			}
		}
		return files.stream().distinct().filter((file) -> !isCompanion(input, file)).sorted().toList();
	}

	private static boolean isCompanion(InputDefinition input, Path file) {
		if (input instanceof InputDefinition.TogetherBatch batch) {
			String name = file.getFileName().toString();
			String plain = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
			return (batch.batchInputSuffix() != null && plain.endsWith(batch.batchInputSuffix()))
					|| (batch.errorsSuffix() != null && plain.endsWith(batch.errorsSuffix()));
		}
		return false;
	}

	private static List<Path> walk(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			return paths.filter(Files::isRegularFile)
				.filter((path) -> !directory.relativize(path).toString().startsWith(".")
						&& !path.getFileName().toString().startsWith("."))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot list " + directory, ex);
		}
	}

}
