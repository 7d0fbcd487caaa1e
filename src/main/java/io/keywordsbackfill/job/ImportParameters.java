package io.keywordsbackfill.job;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

import io.keywordsbackfill.mapping.ImportWindow;
import io.keywordsbackfill.mapping.MappingOptions.ExportedCostPolicy;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;
import io.keywordsbackfill.source.SourceFile;

/**
 * The parameters of one import, and their names in {@code BATCH_JOB_EXECUTION_PARAMS}.
 * <p>
 * Identity (what makes "the same import"): for an ad hoc import, the inputs' formats, options and the
 * content fingerprints of their files, so the same content under another name is the same import and a
 * completed one is not sent again; for a scheduled run, the job definition's name and the logical date, so
 * a night runs once whatever files it finds. Dry-run, pricing policies, the import window and an optional run
 * id are identifying too; paths and tuning are not. The API key is never a parameter.
 * <p>
 * So the same files with the same window are the same import, and with another window (or none) a new run, whose
 * logs already accepted under the earlier window the ledger drops.
 *
 * @param inputs what to read, in order (each a format, its options and its files); for a scheduled night
 * with no new file, empty
 * @param batchCompletedAt time for records that carry none (Batch error lines), or null
 * @param exportedCost what to do with a cost present in the export
 * @param unpricedModel what to do with a model that has no known price
 * @param definition the job definition's name, or null for an ad hoc import
 * @param logicalDate the night of a scheduled run, or null
 * @param dryRun write request bodies to {@code dryRunOut} instead of sending
 * @param dryRunOut the dry-run output file, or null
 * @param resend ignore the ledger
 * @param runId a distinct value to force a new run of the same files, or null
 * @param window only logs whose timestamp is inside it are sent; {@link ImportWindow#NONE} (or null) for all
 * @param settings a job definition's delivery and pricing settings; {@link RunSettings#NONE} (or null) for the
 * process's configuration
 */
public record ImportParameters(List<Input> inputs, Instant batchCompletedAt, ExportedCostPolicy exportedCost,
		UnpricedModelPolicy unpricedModel, String definition, LocalDate logicalDate, boolean dryRun, Path dryRunOut,
		boolean resend, String runId, ImportWindow window, RunSettings settings) {

	public static final String DEFINITION = "definition";

	public static final String LOGICAL_DATE = "logicalDate";

	public static final String BATCH_COMPLETED_AT = "batchCompletedAt";

	public static final String EXPORTED_COST = "pricing.exportedCost";

	public static final String UNPRICED_MODEL = "pricing.unpricedModel";

	public static final String DRY_RUN = "dryRun";

	public static final String DRY_RUN_OUT = "dryRun.out";

	public static final String RESEND = "resend";

	public static final String RUN_ID = "run.id";

	/** The window's inclusive start, an ISO-8601 instant; absent when it has none. */
	public static final String WINDOW_SINCE = "window.since";

	/** The window's exclusive end, an ISO-8601 instant; absent when it has none. */
	public static final String WINDOW_BEFORE = "window.before";

	public ImportParameters {
		inputs = List.copyOf(inputs);
		exportedCost = exportedCost == null ? ExportedCostPolicy.FILL_MISSING : exportedCost;
		unpricedModel = unpricedModel == null ? UnpricedModelPolicy.SEND_WITHOUT_COST : unpricedModel;
		window = window == null ? ImportWindow.NONE : window;
		settings = settings == null ? RunSettings.NONE : settings;
		if (inputs.isEmpty() && logicalDate == null) {
			throw new IllegalArgumentException("an import needs at least one file");
		}
	}

	/** Parameters with the process's delivery and pricing configuration ({@link RunSettings#NONE}). */
	public ImportParameters(List<Input> inputs, Instant batchCompletedAt, ExportedCostPolicy exportedCost,
			UnpricedModelPolicy unpricedModel, String definition, LocalDate logicalDate, boolean dryRun, Path dryRunOut,
			boolean resend, String runId, ImportWindow window) {
		this(inputs, batchCompletedAt, exportedCost, unpricedModel, definition, logicalDate, dryRun, dryRunOut, resend,
				runId, window, RunSettings.NONE);
	}

	/**
	 * One input: files of one format, read with the same options.
	 * @param format {@code together-batch}, {@code chat-log} or {@code usage-csv}
	 * @param options how to read them
	 * @param files the files, each with its Batch input and error file where it has them
	 */
	public record Input(String format, InputOptions options, List<InputFile> files) {

		public Input {
			Objects.requireNonNull(format, "format");
			options = options == null ? InputOptions.NONE : options;
			files = List.copyOf(files);
		}

	}

	/**
	 * A file to import.
	 * @param file the file (for together-batch, the output file)
	 * @param batchInput the Batch input file joined by custom_id, or null
	 * @param errors the Batch error file, or null
	 */
	public record InputFile(SourceFile file, SourceFile batchInput, SourceFile errors) {

		public static InputFile of(SourceFile file) {
			return new InputFile(file, null, null);
		}

	}

	/** An ad hoc import of one Together Batch output file with its optional input and error files. */
	public static ImportParameters togetherBatch(SourceFile output, SourceFile batchInput, SourceFile errors,
			Instant batchCompletedAt) {
		return adHoc(new Input("together-batch", InputOptions.NONE, List.of(new InputFile(output, batchInput, errors))),
				batchCompletedAt);
	}

	public static ImportParameters adHoc(Input input, Instant batchCompletedAt) {
		return new ImportParameters(List.of(input), batchCompletedAt, null, null, null, null, false, null, false, null,
				null);
	}

	public ImportParameters withDryRun(Path out) {
		return new ImportParameters(inputs, batchCompletedAt, exportedCost, unpricedModel, definition, logicalDate,
				true, out, resend, runId, window, settings);
	}

	public ImportParameters withRunId(String id) {
		return new ImportParameters(inputs, batchCompletedAt, exportedCost, unpricedModel, definition, logicalDate,
				dryRun, dryRunOut, resend, id, window, settings);
	}

	public ImportParameters withResend() {
		return new ImportParameters(inputs, batchCompletedAt, exportedCost, unpricedModel, definition, logicalDate,
				dryRun, dryRunOut, true, runId, window, settings);
	}

	public ImportParameters withPricing(ExportedCostPolicy cost, UnpricedModelPolicy unpriced) {
		return new ImportParameters(inputs, batchCompletedAt, cost, unpriced, definition, logicalDate, dryRun,
				dryRunOut, resend, runId, window, settings);
	}

	public ImportParameters withDefinition(String name, LocalDate date) {
		return new ImportParameters(inputs, batchCompletedAt, exportedCost, unpricedModel, name, date, dryRun,
				dryRunOut, resend, runId, window, settings);
	}

	public ImportParameters withWindow(ImportWindow importWindow) {
		return new ImportParameters(inputs, batchCompletedAt, exportedCost, unpricedModel, definition, logicalDate,
				dryRun, dryRunOut, resend, runId, importWindow, settings);
	}

	public ImportParameters withSettings(RunSettings runSettings) {
		return new ImportParameters(inputs, batchCompletedAt, exportedCost, unpricedModel, definition, logicalDate,
				dryRun, dryRunOut, resend, runId, window, runSettings);
	}

	/** All files of all inputs. */
	public List<SourceFile> allFiles() {
		List<SourceFile> files = new ArrayList<>();
		for (Input input : inputs) {
			for (InputFile file : input.files()) {
				files.add(file.file());
				if (file.batchInput() != null) {
					files.add(file.batchInput());
				}
				if (file.errors() != null) {
					files.add(file.errors());
				}
			}
		}
		return files;
	}

	public JobParameters toJobParameters() {
		// A night is identified by its date; the files it found are a record of what it read.
		boolean filesIdentify = logicalDate == null;
		JobParametersBuilder builder = new JobParametersBuilder().addString(DRY_RUN, Boolean.toString(dryRun))
			.addString(RESEND, Boolean.toString(resend))
			.addString(EXPORTED_COST, exportedCost.name())
			.addString(UNPRICED_MODEL, unpricedModel.name());
		for (int i = 0; i < inputs.size(); i++) {
			Input input = inputs.get(i);
			String prefix = "input." + i + ".";
			builder.addString(prefix + "format", input.format()).addString(prefix + "options", input.options().toJson());
			for (int j = 0; j < input.files().size(); j++) {
				InputFile file = input.files().get(j);
				String filePrefix = prefix + "file." + j + ".";
				add(builder, filePrefix, file.file(), filesIdentify);
				add(builder, filePrefix + "batchInput.", file.batchInput(), filesIdentify);
				add(builder, filePrefix + "errors.", file.errors(), filesIdentify);
			}
		}
		if (definition != null) {
			builder.addString(DEFINITION, definition);
		}
		if (logicalDate != null) {
			builder.addString(LOGICAL_DATE, logicalDate.toString());
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
		if (window.since() != null) {
			builder.addString(WINDOW_SINCE, window.since().toString());
		}
		if (window.before() != null) {
			builder.addString(WINDOW_BEFORE, window.before().toString());
		}
		// how to deliver, not what: the same night under a changed destination is the same night
		addSetting(builder, RunSettings.MAX_BATCH_LOGS, settings.maxBatchLogs());
		addSetting(builder, RunSettings.CONCURRENCY, settings.concurrency());
		addSetting(builder, RunSettings.LOGS_PER_SECOND, settings.logsPerSecond());
		addSetting(builder, RunSettings.REQUESTS_PER_SECOND, settings.requestsPerSecond());
		addSetting(builder, RunSettings.PRICES_FILE, settings.pricesFile());
		return builder.toJobParameters();
	}

	private static void addSetting(JobParametersBuilder builder, String name, Object value) {
		if (value != null) {
			builder.addString(name, value.toString(), false);
		}
	}

	private static void add(JobParametersBuilder builder, String prefix, SourceFile file, boolean identifying) {
		if (file != null) {
			builder.addString(prefix + "path", file.displayName(), false)
				.addString(prefix + "sha256", file.fingerprint(), identifying);
		}
	}

	public static ImportParameters from(JobParameters jobParameters) {
		// JobParameters finds a parameter by going through all of them: one pass into a map instead, as a run of a
		// year of daily files has two parameters per file, and every partition reads them
		Map<String, String> params = new HashMap<>();
		for (JobParameter<?> parameter : jobParameters) {
			if (parameter.value() instanceof String value) {
				params.put(parameter.name(), value);
			}
		}
		List<Input> inputs = new ArrayList<>();
		for (int i = 0; params.get("input." + i + ".format") != null; i++) {
			String prefix = "input." + i + ".";
			List<InputFile> files = new ArrayList<>();
			for (int j = 0; params.get(prefix + "file." + j + ".path") != null; j++) {
				String filePrefix = prefix + "file." + j + ".";
				files.add(new InputFile(file(params, filePrefix), file(params, filePrefix + "batchInput."),
						file(params, filePrefix + "errors.")));
			}
			inputs.add(new Input(params.get(prefix + "format"), InputOptions.fromJson(params.get(prefix + "options")),
					files));
		}
		String date = params.get(LOGICAL_DATE);
		return new ImportParameters(inputs, instant(params.get(BATCH_COMPLETED_AT)),
				ExportedCostPolicy.valueOf(params.getOrDefault(EXPORTED_COST, ExportedCostPolicy.FILL_MISSING.name())),
				UnpricedModelPolicy.valueOf(
						params.getOrDefault(UNPRICED_MODEL, UnpricedModelPolicy.SEND_WITHOUT_COST.name())),
				params.get(DEFINITION), date == null ? null : LocalDate.parse(date),
				Boolean.parseBoolean(params.get(DRY_RUN)), path(params.get(DRY_RUN_OUT)),
				Boolean.parseBoolean(params.get(RESEND)), params.get(RUN_ID),
				new ImportWindow(instant(params.get(WINDOW_SINCE)), instant(params.get(WINDOW_BEFORE))),
				new RunSettings(integer(params.get(RunSettings.MAX_BATCH_LOGS)), integer(params.get(RunSettings.CONCURRENCY)),
						decimal(params.get(RunSettings.LOGS_PER_SECOND)),
						decimal(params.get(RunSettings.REQUESTS_PER_SECOND)), path(params.get(RunSettings.PRICES_FILE))));
	}

	private static Integer integer(String value) {
		return value == null ? null : Integer.valueOf(value);
	}

	private static Double decimal(String value) {
		return value == null ? null : Double.valueOf(value);
	}

	private static SourceFile file(Map<String, String> params, String prefix) {
		String path = params.get(prefix + "path");
		return path == null ? null : new SourceFile(Path.of(path), params.get(prefix + "sha256"), path);
	}

	private static Path path(String value) {
		return value == null ? null : Path.of(value);
	}

	private static Instant instant(String value) {
		return value == null ? null : Instant.parse(value);
	}

}
