package io.keywordsbackfill.job;

import java.nio.file.Path;

import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.source.FileRange;
import io.keywordsbackfill.source.SourceFile;

/**
 * What one worker step reads: a file, or a line-aligned byte range of it, in a given format. Stored in
 * the worker's step execution context (keys {@code partition.*}), so a restart reads the same partition.
 *
 * @param format the input format
 * @param options how to read it (JSON of {@link InputOptions})
 * @param file the file
 * @param batchInput the Batch input file to join with, or null
 * @param range the part of the file
 * @param errorsOf for a Batch error file, the output file of the same batch (its completions give the error
 * lines a time); else null
 */
record Partition(String format, String options, SourceFile file, SourceFile batchInput, FileRange range,
		SourceFile errorsOf) {

	Partition(String format, String options, SourceFile file, SourceFile batchInput, FileRange range) {
		this(format, options, file, batchInput, range, null);
	}

	ExecutionContext toContext() {
		ExecutionContext context = new ExecutionContext();
		context.putString("partition.format", format);
		context.putString("partition.options", options);
		context.putString("partition.file", file.displayName());
		context.putString("partition.sha256", file.fingerprint());
		if (batchInput != null) {
			context.putString("partition.batchInput", batchInput.displayName());
			context.putString("partition.batchInputSha256", batchInput.fingerprint());
		}
		context.putLong("partition.start", range.startOffset());
		context.putLong("partition.startLine", range.startLine());
		context.putLong("partition.end", range.endOffset());
		if (errorsOf != null) {
			context.putString("partition.errorsOf", errorsOf.displayName());
			context.putString("partition.errorsOfSha256", errorsOf.fingerprint());
		}
		return context;
	}

	static Partition from(ExecutionContext context) {
		return new Partition(context.getString("partition.format"), context.getString("partition.options"),
				file(context.getString("partition.file"), context.getString("partition.sha256")),
				file(context.getString("partition.batchInput", null), context.getString("partition.batchInputSha256", null)),
				new FileRange(context.getLong("partition.start"), context.getLong("partition.startLine"),
						context.getLong("partition.end")),
				file(context.getString("partition.errorsOf", null), context.getString("partition.errorsOfSha256", null)));
	}

	private static SourceFile file(String path, String sha256) {
		return path == null ? null : new SourceFile(Path.of(path), sha256, path);
	}

}
