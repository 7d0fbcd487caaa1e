package io.keywordsbackfill.source;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.keywordsbackfill.record.SourceItem;

/**
 * Reads several files one after another, each through its own per-file reader made by a factory, as one
 * stream of items. A file whose fingerprint equals an earlier one's (the same content under another name)
 * is read once, under its first name; {@link #skippedDuplicates()} lists the others.
 * <p>
 * Restartable: {@link #update(ExecutionContext)} saves the index of the current file (in the de-duplicated
 * list) and its fingerprint under {@code <name>.fileIndex} and {@code <name>.fingerprint}, and the current
 * reader's own state with its keys prefixed by {@code <name>.file.}; those keys are removed when the
 * reader moves on to the next file, so a finished file's position can never be applied to another one.
 * {@link #open(ExecutionContext)} re-opens the saved file with its saved state (a restart in file 3 of 5
 * resumes file 3 at its offset) and refuses to resume when the file at that index is not the one saved.
 */
public class MultiFileItemReader implements ItemStreamReader<SourceItem> {

	public static final String DEFAULT_NAME = "multiFileReader";

	private final String name;

	private final List<SourceFile> files;

	private final List<SourceFile> skippedDuplicates;

	private final Function<SourceFile, ItemStreamReader<SourceItem>> factory;

	private int index;

	private ItemStreamReader<SourceItem> current;

	/** The current reader's state, kept apart so that its keys can be prefixed and removed. */
	private ExecutionContext currentContext;

	private boolean opened;

	/**
	 * @param name prefix of the execution context keys; unique among the step's streams
	 * @param files the files in reading order (see {@link InputFiles#expand(List)})
	 * @param factory makes the (not yet opened) reader of one file; each reader may use fixed context keys,
	 * as it sees a context of its own
	 */
	public MultiFileItemReader(String name, List<SourceFile> files,
			Function<SourceFile, ItemStreamReader<SourceItem>> factory) {
		this.name = Objects.requireNonNull(name, "name");
		this.factory = Objects.requireNonNull(factory, "factory");
		List<SourceFile> unique = new ArrayList<>();
		List<SourceFile> duplicates = new ArrayList<>();
		Set<String> fingerprints = new HashSet<>();
		for (SourceFile file : files) {
			(fingerprints.add(file.fingerprint()) ? unique : duplicates).add(file);
		}
		this.files = List.copyOf(unique);
		this.skippedDuplicates = List.copyOf(duplicates);
	}

	public MultiFileItemReader(List<SourceFile> files, Function<SourceFile, ItemStreamReader<SourceItem>> factory) {
		this(DEFAULT_NAME, files, factory);
	}

	String key(String suffix) {
		return this.name + "." + suffix;
	}

	private String fileKeyPrefix() {
		return key("file.");
	}

	/** The files that will be read, without the duplicates. */
	public List<SourceFile> files() {
		return this.files;
	}

	/** Files left out because an earlier file has the same content. */
	public List<SourceFile> skippedDuplicates() {
		return this.skippedDuplicates;
	}

	/**
	 * @throws ItemStreamException if the saved index is out of range or names another file than this list
	 * has there, or the file's reader cannot be opened
	 */
	@Override
	public void open(ExecutionContext context) throws ItemStreamException {
		this.index = context.getInt(key("fileIndex"), 0);
		if (this.index < 0 || this.index > this.files.size()) {
			throw new ItemStreamException("Saved position of " + this.name + " is file " + (this.index + 1)
					+ " but there are " + this.files.size() + " files (were the inputs changed?)");
		}
		String savedFingerprint = context.getString(key("fingerprint"), null);
		if (savedFingerprint != null && this.index < this.files.size()
				&& !savedFingerprint.equals(this.files.get(this.index).fingerprint())) {
			throw new ItemStreamException("Cannot resume " + this.name + " at file " + (this.index + 1) + " ("
					+ this.files.get(this.index).displayName() + "): it is not the file the saved position belongs to");
		}
		ExecutionContext saved = new ExecutionContext();
		for (Map.Entry<String, Object> entry : context.entrySet()) {
			if (entry.getKey().startsWith(fileKeyPrefix())) {
				saved.put(entry.getKey().substring(fileKeyPrefix().length()), entry.getValue());
			}
		}
		this.opened = true;
		openCurrent(saved);
	}

	private void openCurrent(ExecutionContext state) {
		if (this.index >= this.files.size()) {
			this.current = null;
			return;
		}
		this.currentContext = state;
		this.current = this.factory.apply(this.files.get(this.index));
		this.current.open(this.currentContext);
	}

	@Override
	public SourceItem read() throws Exception {
		if (!this.opened) {
			throw new IllegalStateException(this.name + " is not open");
		}
		while (this.current != null) {
			SourceItem item = this.current.read();
			if (item != null) {
				return item;
			}
			this.current.close();
			this.current = null;
			this.index++;
			openCurrent(new ExecutionContext());
		}
		return null;
	}

	@Override
	public void update(ExecutionContext context) throws ItemStreamException {
		if (!this.opened) {
			return;
		}
		for (String key : List.copyOf(context.toMap().keySet())) {
			if (key.startsWith(fileKeyPrefix())) {
				context.remove(key);
			}
		}
		context.putInt(key("fileIndex"), this.index);
		if (this.current == null) {
			context.remove(key("fingerprint"));
			return;
		}
		context.putString(key("fingerprint"), this.files.get(this.index).fingerprint());
		this.current.update(this.currentContext);
		for (Map.Entry<String, Object> entry : this.currentContext.entrySet()) {
			context.put(fileKeyPrefix() + entry.getKey(), entry.getValue());
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
			this.opened = false;
		}
	}

}
