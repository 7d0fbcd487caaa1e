package io.keywordsbackfill.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.keywordsbackfill.source.FileRange;
import io.keywordsbackfill.source.SourceFile;

/**
 * What one worker step reads, in a given format: consecutive whole files of one input, read one after the
 * other, or a line-aligned byte range of one file. Stored in the worker's step execution context (keys
 * {@code partition.*}), so a restart reads the same partition.
 * <p>
 * The first file is stored under the keys a partition of one file always had ({@code partition.file},
 * {@code partition.sha256}, {@code partition.batchInput}, {@code partition.batchInputSha256}), the others
 * under the same keys suffixed with {@code .<index>}, and their number under {@code partition.files}: a
 * context saved before partitions held several files reads back as a partition of one.
 *
 * @param format the input format
 * @param options how to read it (JSON of {@link InputOptions})
 * @param files the files, in the order they are read; at least one, exactly one for a byte range
 * @param range the part of the file (a partition of several files reads them whole)
 * @param errorsOf for a Batch error file, the output file of the same batch (its completions give the error
 * lines a time); else null
 */
record Partition(String format, String options, List<Member> files, FileRange range, SourceFile errorsOf) {

	/**
	 * One file of a partition.
	 * @param file the file
	 * @param batchInput the Batch input file to join it with, or null
	 */
	record Member(SourceFile file, SourceFile batchInput) {
	}

	Partition {
		files = List.copyOf(files);
		if (files.isEmpty()) {
			throw new IllegalArgumentException("a partition needs a file");
		}
		if (files.size() > 1 && (!FileRange.WHOLE.equals(range) || errorsOf != null)) {
			throw new IllegalArgumentException("only whole files of one input are read in sequence");
		}
	}

	Partition(String format, String options, SourceFile file, SourceFile batchInput, FileRange range,
			SourceFile errorsOf) {
		this(format, options, List.of(new Member(file, batchInput)), range, errorsOf);
	}

	Partition(String format, String options, SourceFile file, SourceFile batchInput, FileRange range) {
		this(format, options, file, batchInput, range, null);
	}

	/** A partition that reads {@code files} whole, one after the other. */
	static Partition sequence(String format, String options, List<Member> files) {
		return new Partition(format, options, files, FileRange.WHOLE, null);
	}

	ExecutionContext toContext() {
		ExecutionContext context = new ExecutionContext();
		context.putString("partition.format", format);
		context.putString("partition.options", options);
		context.putInt("partition.files", files.size());
		for (int i = 0; i < files.size(); i++) {
			Member member = files.get(i);
			context.putString(key("partition.file", i), member.file().displayName());
			context.putString(key("partition.sha256", i), member.file().fingerprint());
			if (member.batchInput() != null) {
				context.putString(key("partition.batchInput", i), member.batchInput().displayName());
				context.putString(key("partition.batchInputSha256", i), member.batchInput().fingerprint());
			}
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

	/**
	 * The bytes this partition reads: its range, or its files' sizes now (what a reader's
	 * {@link io.keywordsbackfill.source.ProgressAware#bytesTotal} counts).
	 * @throws UncheckedIOException when a file cannot be read
	 */
	long plannedBytes() {
		if (range.endOffset() >= 0) {
			return range.endOffset() - range.startOffset();
		}
		long bytes = 0;
		for (Member member : files) {
			try {
				bytes += Files.size(member.file().path());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return bytes - range.startOffset();
	}

	/** Every file the partition reads: its files, their Batch input files, and the output file of an error file. */
	List<SourceFile> allFiles() {
		List<SourceFile> all = new ArrayList<>();
		for (Member member : files) {
			all.add(member.file());
			if (member.batchInput() != null) {
				all.add(member.batchInput());
			}
		}
		if (errorsOf != null) {
			all.add(errorsOf);
		}
		return all;
	}

	static Partition from(ExecutionContext context) {
		int count = context.containsKey("partition.files") ? context.getInt("partition.files") : 1;
		List<Member> files = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			files.add(new Member(
					file(context.getString(key("partition.file", i)), context.getString(key("partition.sha256", i))),
					file(context.getString(key("partition.batchInput", i), null),
							context.getString(key("partition.batchInputSha256", i), null))));
		}
		return new Partition(context.getString("partition.format"), context.getString("partition.options"), files,
				new FileRange(context.getLong("partition.start"), context.getLong("partition.startLine"),
						context.getLong("partition.end")),
				file(context.getString("partition.errorsOf", null), context.getString("partition.errorsOfSha256", null)));
	}

	private static String key(String key, int index) {
		return (index == 0) ? key : key + "." + index;
	}

	private static SourceFile file(String path, String sha256) {
		return path == null ? null : new SourceFile(Path.of(path), sha256, path);
	}

}
