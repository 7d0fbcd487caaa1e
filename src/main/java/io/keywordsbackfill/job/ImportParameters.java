package io.keywordsbackfill.job;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

import io.keywordsbackfill.source.SourceFile;

/**
 * The parameters of one import, and their names in {@code BATCH_JOB_EXECUTION_PARAMS}.
 * <p>
 * Identity (what makes "the same import") is the format, the content fingerprints of the files, dry-run
 * and an optional run id: the same content under another name or path is the same import, and a second
 * run of a completed import is refused instead of sending again. Paths and tuning are non-identifying.
 * The API key is never a parameter.
 *
 * @param format input format name
 * @param files the files to read, in order (for together-batch: output files)
 * @param batchInput the Batch input file (together-batch with one output file only), or null
 * @param errors the Batch error file, or null
 * @param batchCompletedAt time for records that carry none (Batch error lines), or null
 * @param dryRun write request bodies to {@code dryRunOut} instead of sending
 * @param dryRunOut the dry-run output file, or null
 * @param resend ignore the ledger
 * @param runId a distinct value to force a new run of the same files, or null
 */
public record ImportParameters(String format, List<SourceFile> files, SourceFile batchInput, SourceFile errors,
		Instant batchCompletedAt, boolean dryRun, Path dryRunOut, boolean resend, String runId) {

	public static final String FORMAT = "format";

	/** {@code file.<n>.path} and {@code file.<n>.sha256}, n from 0. */
	public static final String FILE_PREFIX = "file.";

	public static final String BATCH_INPUT_FILE = "batchInput.file";

	public static final String BATCH_INPUT_SHA256 = "batchInput.sha256";

	public static final String ERRORS_FILE = "errors.file";

	public static final String ERRORS_SHA256 = "errors.sha256";

	public static final String BATCH_COMPLETED_AT = "batchCompletedAt";

	public static final String DRY_RUN = "dryRun";

	public static final String DRY_RUN_OUT = "dryRun.out";

	public static final String RESEND = "resend";

	public static final String RUN_ID = "run.id";

	public ImportParameters {
		Objects.requireNonNull(format, "format");
		if (files == null || files.isEmpty()) {
			throw new IllegalArgumentException("at least one file to import");
		}
		files = List.copyOf(files);
	}

	/** Parameters for one Together Batch output file with its optional input and error files. */
	public static ImportParameters togetherBatch(SourceFile output, SourceFile batchInput, SourceFile errors,
			Instant batchCompletedAt) {
		return new ImportParameters("together-batch", List.of(output), batchInput, errors, batchCompletedAt, false,
				null, false, null);
	}

	public ImportParameters withDryRun(Path out) {
		return new ImportParameters(format, files, batchInput, errors, batchCompletedAt, true, out, resend, runId);
	}

	public ImportParameters withRunId(String id) {
		return new ImportParameters(format, files, batchInput, errors, batchCompletedAt, dryRun, dryRunOut, resend, id);
	}

	public ImportParameters withResend() {
		return new ImportParameters(format, files, batchInput, errors, batchCompletedAt, dryRun, dryRunOut, true,
				runId);
	}

	public JobParameters toJobParameters() {
		JobParametersBuilder builder = new JobParametersBuilder().addString(FORMAT, format)
			.addString(DRY_RUN, Boolean.toString(dryRun))
			.addString(RESEND, Boolean.toString(resend));
		for (int i = 0; i < files.size(); i++) {
			builder.addString(FILE_PREFIX + i + ".path", files.get(i).displayName(), false)
				.addString(FILE_PREFIX + i + ".sha256", files.get(i).fingerprint());
		}
		if (batchInput != null) {
			builder.addString(BATCH_INPUT_FILE, batchInput.displayName(), false)
				.addString(BATCH_INPUT_SHA256, batchInput.fingerprint());
		}
		if (errors != null) {
			builder.addString(ERRORS_FILE, errors.displayName(), false).addString(ERRORS_SHA256, errors.fingerprint());
		}
		if (batchCompletedAt != null) {
			builder.addString(BATCH_COMPLETED_AT, batchCompletedAt.toString(), false);
		}
		if (dryRunOut != null) {
			builder.addString(DRY_RUN_OUT, dryRunOut.toString(), false);
		}
		if (runId != null) {
			builder.addString(RUN_ID, runId);
		}
		return builder.toJobParameters();
	}

	public static ImportParameters from(JobParameters params) {
		List<SourceFile> files = new ArrayList<>();
		for (int i = 0; params.getString(FILE_PREFIX + i + ".sha256") != null; i++) {
			files.add(file(params.getString(FILE_PREFIX + i + ".path"), params.getString(FILE_PREFIX + i + ".sha256")));
		}
		return new ImportParameters(params.getString(FORMAT), files,
				file(params.getString(BATCH_INPUT_FILE), params.getString(BATCH_INPUT_SHA256)),
				file(params.getString(ERRORS_FILE), params.getString(ERRORS_SHA256)),
				instant(params.getString(BATCH_COMPLETED_AT)), Boolean.parseBoolean(params.getString(DRY_RUN)),
				path(params.getString(DRY_RUN_OUT)), Boolean.parseBoolean(params.getString(RESEND)),
				params.getString(RUN_ID));
	}

	private static SourceFile file(String path, String sha256) {
		return path == null ? null : new SourceFile(Path.of(path), sha256, path);
	}

	private static Path path(String value) {
		return value == null ? null : Path.of(value);
	}

	private static Instant instant(String value) {
		return value == null ? null : Instant.parse(value);
	}

}
