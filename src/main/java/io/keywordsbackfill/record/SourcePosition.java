package io.keywordsbackfill.record;

/**
 * Where a record came from: the file as the user named it, its 1-based line number and the byte
 * offset at which the line starts (in the decompressed stream for gzip files).
 */
public record SourcePosition(String file, long line, long byteOffset) {

	@Override
	public String toString() {
		return file + ":" + line;
	}

}
