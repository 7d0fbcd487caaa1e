package io.keywordsbackfill.cli;

/** The process exit codes, as documented in the README. */
final class ExitCodes {

	static final int COMPLETED = 0;

	static final int FAILED = 1;

	static final int USAGE = 2;

	static final int COMPLETED_WITH_REJECTS = 3;

	static final int STOPPED = 4;

	private ExitCodes() {
	}

}
