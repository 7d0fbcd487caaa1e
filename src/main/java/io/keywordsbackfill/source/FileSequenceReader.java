package io.keywordsbackfill.source;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.keywordsbackfill.record.SourceItem;

/**
 * Reads files one after the other, each through a reader of its own, so that a partition of many small
 * files reads them as one input and its chunks span file boundaries.
 * <p>
 * The reader of file {@code i} is built only when the sequence gets there, named {@link #delegateName} so
 * that its execution context keys differ from the other files' (file 0's name is the base name itself: a
 * context saved by a single-file reader resumes as a sequence of one). When it returns null it is closed
 * and the next file's reader is opened with a fresh context; an empty file is passed over that way. The last
 * file's reader stays open until {@link #close()}.
 * <p>
 * Restartable: {@link #update(ExecutionContext)} saves the index of the file being read under
 * {@code <name>.index}, together with that file's reader's own position; {@link #open(ExecutionContext)}
 * resumes at that file, whose reader finds its position in the same context. A context without an index
 * starts at the first file (a context saved by a single-file reader of the same name resumes as a sequence
 * of one).
 */
public class FileSequenceReader implements ItemStreamReader<SourceItem>, ProgressAware {

	public static final String DEFAULT_NAME = "fileSequence";

	/** Builds the reader of one file of the sequence. */
	@FunctionalInterface
	public interface Readers {

		/**
		 * @param index the file's position in the sequence
		 * @param name the prefix of the reader's execution context keys
		 * @return a reader, not yet opened
		 */
		ItemStreamReader<SourceItem> reader(int index, String name);

	}

	private final String name;

	private final String delegateBaseName;

	private final List<SourceFile> files;

	private final Readers readers;

	private int index;

	private ItemStreamReader<SourceItem> current;

	private long[] sizes;

	/** Bytes of the finished files, the current reader and the files after it; read by the progress thread. */
	private volatile Stage stage;

	/**
	 * @param name prefix of the sequence's own execution context key; unique among the step's streams
	 * @param delegateBaseName the name of the first file's reader, from which the others' are made
	 * @param files the files, in the order they are read; at least one
	 * @param readers builds the reader of each file
	 */
	public FileSequenceReader(String name, String delegateBaseName, List<SourceFile> files, Readers readers) {
		this.name = Objects.requireNonNull(name, "name");
		this.delegateBaseName = Objects.requireNonNull(delegateBaseName, "delegateBaseName");
		this.files = List.copyOf(files);
		this.readers = Objects.requireNonNull(readers, "readers");
		if (this.files.isEmpty()) {
			throw new IllegalArgumentException("a file sequence needs at least one file");
		}
	}

	/** The name of the reader of file {@code index}: the base name for the first, then {@code <base>.<index>}. */
	public static String delegateName(String baseName, int index) {
		return (index == 0) ? baseName : baseName + "." + index;
	}

	String key(String suffix) {
		return this.name + "." + suffix;
	}

	@Override
	public void open(ExecutionContext context) throws ItemStreamException {
		int saved = context.containsKey(key("index")) ? context.getInt(key("index")) : 0;
		if (saved < 0 || saved > this.files.size()) {
			throw new ItemStreamException("Saved position of " + this.name + " refers to file " + saved + " of "
					+ this.files.size());
		}
		this.sizes = new long[this.files.size()];
		for (int i = 0; i < this.sizes.length; i++) {
			SourceFile file = this.files.get(i);
			try {
				this.sizes[i] = Files.size(file.path());
			}
			catch (IOException ex) {
				throw new ItemStreamException("Cannot open " + file.displayName(), ex);
			}
		}
		this.index = saved;
		this.stage = new Stage(sum(0, saved), null, sum(saved, this.sizes.length));
		if (saved < this.files.size()) {
			openCurrent(context);
		}
	}

	@Override
	public SourceItem read() throws Exception {
		if (this.sizes == null) {
			throw new IllegalStateException(this.name + " is not open");
		}
		while (this.current != null) {
			SourceItem item = this.current.read();
			if (item != null || this.index == this.files.size() - 1) {
				// the last reader stays open until close: its file stays in the log context of the last chunk
				return item;
			}
			closeCurrent();
			this.index++;
			openCurrent(new ExecutionContext());
		}
		return null;
	}

	@Override
	public void update(ExecutionContext context) throws ItemStreamException {
		if (this.sizes == null) {
			return;
		}
		context.putInt(key("index"), this.index);
		if (this.current != null) {
			this.current.update(context);
		}
	}

	@Override
	public void close() throws ItemStreamException {
		try {
			if (this.current != null) {
				this.current.close();
			}
		}
		finally {
			this.current = null;
			this.sizes = null;
		}
	}

	@Override
	public long bytesRead() {
		Stage now = this.stage;
		if (now == null) {
			return 0;
		}
		if (now.reader() == null) {
			return now.doneBytes();
		}
		long current = now.reader().bytesRead();
		return (current < 0) ? -1 : now.doneBytes() + current;
	}

	@Override
	public long bytesTotal() {
		Stage now = this.stage;
		if (now == null) {
			return -1;
		}
		if (now.reader() == null) {
			return now.doneBytes() + now.laterBytes();
		}
		long current = now.reader().bytesTotal();
		return (current < 0) ? -1 : now.doneBytes() + current + now.laterBytes();
	}

	private void openCurrent(ExecutionContext context) {
		ItemStreamReader<SourceItem> reader = this.readers.reader(this.index,
				delegateName(this.delegateBaseName, this.index));
		reader.open(context);
		this.current = reader;
		Stage before = this.stage;
		ProgressAware progress = (reader instanceof ProgressAware aware) ? aware : Unknown.INSTANCE;
		this.stage = new Stage(before.doneBytes(), progress, before.laterBytes() - this.sizes[this.index]);
	}

	private void closeCurrent() {
		Stage before = this.stage;
		// a reader of a byte range counts the range, not the file: what it counted is what was read
		long total = (before.reader() != null) ? before.reader().bytesTotal() : -1;
		long done = before.doneBytes() + ((total >= 0) ? total : this.sizes[this.index]);
		try {
			this.current.close();
		}
		finally {
			this.current = null;
			this.stage = new Stage(done, null, before.laterBytes());
		}
	}

	private long sum(int from, int to) {
		long bytes = 0;
		for (int i = from; i < to; i++) {
			bytes += this.sizes[i];
		}
		return bytes;
	}

	/**
	 * @param doneBytes bytes of the files finished (in this run or before a restart)
	 * @param reader the reader of the file being read, or null between files and at the end
	 * @param laterBytes sizes of the files not yet opened
	 */
	private record Stage(long doneBytes, ProgressAware reader, long laterBytes) {
	}

	/** A reader that does not tell its progress. */
	private enum Unknown implements ProgressAware {

		INSTANCE;

		@Override
		public long bytesRead() {
			return -1;
		}

		@Override
		public long bytesTotal() {
			return -1;
		}

	}

}
