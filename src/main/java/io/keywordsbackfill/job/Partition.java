package io.keywordsbackfill.job;

import java.nio.file.Path;

import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.source.FileRange;
import io.keywordsbackfill.source.SourceFile;

/**
 * What one worker step reads: a file, or a line-aligned byte range of it. Stored in the worker's step
 * execution context (keys {@code partition.*}), so a restart reads the same partition again.
 *
 * @param file the file
 * @param range the part of it
 */
record Partition(SourceFile file, FileRange range) {

	static final String FILE = "partition.file";

	static final String SHA256 = "partition.sha256";

	static final String START = "partition.start";

	static final String START_LINE = "partition.startLine";

	static final String END = "partition.end";

	ExecutionContext toContext() {
		ExecutionContext context = new ExecutionContext();
		context.putString(FILE, file.displayName());
		context.putString(SHA256, file.fingerprint());
		context.putLong(START, range.startOffset());
		context.putLong(START_LINE, range.startLine());
		context.putLong(END, range.endOffset());
		return context;
	}

	static Partition from(ExecutionContext context) {
		String file = context.getString(FILE);
		return new Partition(new SourceFile(Path.of(file), context.getString(SHA256), file),
				new FileRange(context.getLong(START), context.getLong(START_LINE), context.getLong(END)));
	}

}
