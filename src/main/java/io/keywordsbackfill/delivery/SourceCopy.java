package io.keywordsbackfill.delivery;

import io.keywordsbackfill.record.SourcePosition;

/**
 * One copy of a call that a run has already taken: its content hash and where it was read, to tell a repeat of
 * the same content (counted once) from a different record under the same id (rejected, naming both places).
 */
public record SourceCopy(long contentHash, SourcePosition position) {

	/** Whether this copy is the record at {@code other} (the same file and line; the byte offset is not kept). */
	boolean isAt(SourcePosition other) {
		return this.position.line() == other.line() && this.position.file().equals(other.file());
	}

}
