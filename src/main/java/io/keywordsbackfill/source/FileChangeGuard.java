package io.keywordsbackfill.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.keywordsbackfill.record.SourceItem;

/**
 * Stops a reader whose files are written while it reads them. A run identifies, resumes and completes files
 * by the fingerprint taken before it read them; a file written in place meanwhile (an export still being
 * downloaded, a log still being appended to, a rewrite) would give records of two versions under one
 * fingerprint, and its split lines would become rejects.
 * <p>
 * So this reader notes each file's size, modification time and file key (device and inode) before the
 * delegate opens them, and looks again before the first read of every chunk (after each {@link #update}) and
 * at the end of the input. A difference fails the step with {@link FileChangedException} before anything
 * more is read: the chunk under way is not sent, the chunks committed before stay sent (and in the ledger).
 * The change time is not compared: a change of owner or mode alone does not touch the content.
 */
public final class FileChangeGuard implements ItemStreamReader<SourceItem>, ProgressAware {

	/** What the failure says after the file's name; {@code status} recognises it to say what to do next. */
	public static final String CHANGED_WHILE_READ = " changed while it was read (";

	private final ItemStreamReader<SourceItem> delegate;

	private final List<SourceFile> files;

	/** What each of {@link #files} looked like at open; null before. */
	private List<Look> opened;

	private boolean checkDue;

	private FileChangeGuard(ItemStreamReader<SourceItem> delegate, List<SourceFile> files) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.files = files;
	}

	/**
	 * @param delegate the reader of {@code files}
	 * @param files the files it reads (null entries, for absent companions, are ignored)
	 */
	public static FileChangeGuard around(ItemStreamReader<SourceItem> delegate, SourceFile... files) {
		List<SourceFile> watched = new ArrayList<>();
		for (SourceFile file : files) {
			if (file != null) {
				watched.add(file);
			}
		}
		return new FileChangeGuard(delegate, List.copyOf(watched));
	}

	@Override
	public void open(ExecutionContext context) throws ItemStreamException {
		List<Look> looks = new ArrayList<>(this.files.size());
		for (SourceFile file : this.files) {
			looks.add(look(file.path()));
		}
		this.opened = looks;
		this.checkDue = false;
		this.delegate.open(context);
	}

	@Override
	public SourceItem read() throws Exception {
		if (this.checkDue) {
			check();
			this.checkDue = false;
		}
		SourceItem item = this.delegate.read();
		if (item == null) {
			check();
		}
		return item;
	}

	@Override
	public void update(ExecutionContext context) throws ItemStreamException {
		this.delegate.update(context);
		this.checkDue = true;
	}

	@Override
	public void close() throws ItemStreamException {
		this.delegate.close();
	}

	/** The delegate's, or -1 (as for bytes unknown) when it does not tell. */
	@Override
	public long bytesRead() {
		return (this.delegate instanceof ProgressAware progress) ? progress.bytesRead() : -1;
	}

	@Override
	public long bytesTotal() {
		return (this.delegate instanceof ProgressAware progress) ? progress.bytesTotal() : -1;
	}

	/** @throws FileChangedException naming the first file that is not as it was at open */
	void check() {
		if (this.opened == null) {
			return;
		}
		for (int i = 0; i < this.files.size(); i++) {
			SourceFile file = this.files.get(i);
			Look before = this.opened.get(i);
			Look now = look(file.path());
			if (!before.equals(now)) {
				throw new FileChangedException(file.displayName() + CHANGED_WHILE_READ + before.difference(now)
						+ "): the rest of the run could mix records of two versions of it, so it stops here. What was "
						+ "sent before stays sent; once the file is complete, import it again: that is a new run, whose "
						+ "logs already sent the ledger drops");
			}
		}
	}

	private static Look look(Path file) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
			return new Look(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
		}
		catch (NoSuchFileException ex) {
			return Look.GONE;
		}
		catch (IOException ex) {
			throw new ItemStreamException("Cannot examine " + file, ex);
		}
	}

	/** What the file system says of a file; {@link #GONE} for a file that is not there. */
	private record Look(long size, FileTime modified, Object fileKey) {

		static final Look GONE = new Look(-1, null, null);

		String difference(Look now) {
			if (now == GONE) {
				return "it is gone";
			}
			if (this == GONE) {
				return "it appeared";
			}
			if (!Objects.equals(this.fileKey, now.fileKey)) {
				return "replaced by another file";
			}
			if (this.size != now.size) {
				return "size " + this.size + " -> " + now.size + " bytes";
			}
			return "modified " + this.modified + " -> " + now.modified;
		}

	}

	/** A file read by a step changed while the step read it. */
	public static final class FileChangedException extends ItemStreamException {

		private static final long serialVersionUID = 1L;

		FileChangedException(String message) {
			super(message);
		}

	}

}
