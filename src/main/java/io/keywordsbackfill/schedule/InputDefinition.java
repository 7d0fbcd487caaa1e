package io.keywordsbackfill.schedule;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keywordsbackfill.source.ChatLogOptions;
import io.keywordsbackfill.source.UsageCsvOptions;

/**
 * One {@code inputs[]} entry of a job definition: where the files are and how to read them. Paths are kept
 * as written (files, directories or globs, relative to the definition's directory or absolute);
 * {@link InputFiles} resolves them.
 */
public sealed interface InputDefinition
		permits InputDefinition.TogetherBatch, InputDefinition.ChatLog, InputDefinition.UsageCsv {

	/** The canonical chat-log field names that {@code fields} may rename: those the chat-log reader knows. */
	Set<String> CHAT_LOG_FIELDS = Set.copyOf(ChatLogOptions.FIELDS);

	/** The canonical usage-CSV column names that {@code columns} may map: those the usage-CSV reader knows. */
	Set<String> USAGE_CSV_COLUMNS = Set.copyOf(UsageCsvOptions.DEFAULT_HEADER);

	InputFormat format();

	/** The paths as written, never empty. */
	List<String> paths();

	/** The zone of timestamps written without an offset; UTC unless the definition says otherwise. */
	ZoneId defaultZone();

	/**
	 * Together AI Batch output files, each joined with its input and error file when they can be found.
	 *
	 * @param batchInputSuffix how the input file is named next to an output file: the part of the output's
	 * name from its last {@code -output} on is replaced by it ({@code x-output.jsonl} → {@code x-input.jsonl}
	 * for {@code -input.jsonl}); null not to look for input files
	 * @param errorsSuffix likewise for the error file; null not to look for error files
	 */
	record TogetherBatch(List<String> paths, String batchInputSuffix, String errorsSuffix, ZoneId defaultZone)
			implements InputDefinition {

		public TogetherBatch {
			paths = List.copyOf(paths);
		}

		@Override
		public InputFormat format() {
			return InputFormat.TOGETHER_BATCH;
		}

	}

	/**
	 * Application request/response logs, one JSON object per line.
	 *
	 * @param fields renames, canonical name (one of {@link #CHAT_LOG_FIELDS}) → name in the file; empty
	 * when the files use the canonical names
	 * @param lineIds lines without an id get one made of the file and line ({@code line-ids: true})
	 */
	record ChatLog(List<String> paths, Map<String, String> fields, ZoneId defaultZone, boolean lineIds)
			implements InputDefinition {

		public ChatLog {
			paths = List.copyOf(paths);
			fields = Map.copyOf(fields);
		}

		@Override
		public InputFormat format() {
			return InputFormat.CHAT_LOG;
		}

	}

	/**
	 * Usage CSV exports with a header row.
	 *
	 * @param columns mapping, canonical column (one of {@link #USAGE_CSV_COLUMNS}) → header in the file;
	 * columns not mentioned are found by name or synonym; an empty header says the files have no such column
	 * @param latencyUnit unit of the latency and TTFT columns
	 * @param lineIds rows without an id get one made of the file and line ({@code line-ids: true})
	 */
	record UsageCsv(List<String> paths, Map<String, String> columns, LatencyUnit latencyUnit, ZoneId defaultZone,
			boolean lineIds) implements InputDefinition {

		public UsageCsv {
			paths = List.copyOf(paths);
			columns = Map.copyOf(columns);
		}

		@Override
		public InputFormat format() {
			return InputFormat.USAGE_CSV;
		}

	}

	/** Unit of latency columns ({@code latency-unit: ms | s}). */
	enum LatencyUnit {

		MILLISECONDS, SECONDS

	}

}
