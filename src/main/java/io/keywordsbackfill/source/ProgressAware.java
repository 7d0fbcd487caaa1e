package io.keywordsbackfill.source;

/**
 * A reader that can tell how far through its files it is, in bytes of the files as they are stored on disk
 * (compressed bytes for gzip), so that progress can be shown against the files' sizes.
 */
public interface ProgressAware {

	/**
	 * Bytes of the files read so far, counting the files already finished in full, including any part
	 * skipped when resuming. Safe to call from any thread; 0 before the reader is opened.
	 */
	long bytesRead();

	/** The total size of the files the reader goes through, or -1 when it is unknown (not yet opened). */
	long bytesTotal();

}
