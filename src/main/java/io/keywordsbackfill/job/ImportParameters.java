package io.keywordsbackfill.job;

import java.nio.file.Path;
import java.time.Instant;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * The parameters of one import, and their names in {@code BATCH_JOB_EXECUTION_PARAMS}.
 * <p>
 * Identity (what makes "the same import") is the format, the content fingerprints of the files, dry-run
 * and an optional run id: the same content under another name or path is the same import, and a second
 * run of a completed import is refused instead of sending again. Paths and tuning are non-identifying.
 * The API key is never a parameter.
 *
 * @param format input format name
 * @param output the main file (the Batch output file)
 * @param outputSha256 its content fingerprint
 * @param batchInput the Batch input file, or null
 * @param batchInputSha256 its fingerprint, or null
 * @param errors the Batch error file, or null
 * @param errorsSha256 its fingerprint, or null
 * @param batchCompletedAt time for records that carry none (Batch error lines), or null
 * @param dryRun write request bodies to {@code dryRunOut} instead of sending
 * @param dryRunOut the dry-run output file, or null
 * @param resend ignore the ledger
 * @param runId a distinct value to force a new run of the same files, or null
 */
public record ImportParameters(String format, Path output, String outputSha256, Path batchInput,
		String batchInputSha256, Path errors, String errorsSha256, Instant batchCompletedAt, boolean dryRun,
		Path dryRunOut, boolean resend, String runId) {

	public static final String FORMAT = "format";

	public static final String OUTPUT_FILE = "output.file";

	public static final String OUTPUT_SHA256 = "output.sha256";

	public static final String BATCH_INPUT_FILE = "batchInput.file";

	public static final String BATCH_INPUT_SHA256 = "batchInput.sha256";

	public static final String ERRORS_FILE = "errors.file";

	public static final String ERRORS_SHA256 = "errors.sha256";

	public static final String BATCH_COMPLETED_AT = "batchCompletedAt";

	public static final String DRY_RUN = "dryRun";

	public static final String DRY_RUN_OUT = "dryRun.out";

	public static final String RESEND = "resend";

	public static final String RUN_ID = "run.id";

	public JobParameters toJobParameters() {
		JobParametersBuilder builder = new JobParametersBuilder().addString(FORMAT, format)
			.addString(OUTPUT_FILE, output.toString(), false)
			.addString(OUTPUT_SHA256, outputSha256)
			.addString(DRY_RUN, Boolean.toString(dryRun))
			.addString(RESEND, Boolean.toString(resend));
		if (batchInput != null) {
			builder.addString(BATCH_INPUT_FILE, batchInput.toString(), false).addString(BATCH_INPUT_SHA256,
					batchInputSha256);
		}
		if (errors != null) {
			builder.addString(ERRORS_FILE, errors.toString(), false).addString(ERRORS_SHA256, errorsSha256);
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
		return new ImportParameters(params.getString(FORMAT), Path.of(params.getString(OUTPUT_FILE)),
				params.getString(OUTPUT_SHA256), path(params.getString(BATCH_INPUT_FILE)),
				params.getString(BATCH_INPUT_SHA256), path(params.getString(ERRORS_FILE)),
				params.getString(ERRORS_SHA256), instant(params.getString(BATCH_COMPLETED_AT)),
				Boolean.parseBoolean(params.getString(DRY_RUN)), path(params.getString(DRY_RUN_OUT)),
				Boolean.parseBoolean(params.getString(RESEND)), params.getString(RUN_ID));
	}

	private static Path path(String value) {
		return value == null ? null : Path.of(value);
	}

	private static Instant instant(String value) {
		return value == null ? null : Instant.parse(value);
	}

}
