package io.keywordsbackfill.cli;

/** Placeholder replaced by the picocli entry point. */
public final class CommandLineEntryPoint {

	private CommandLineEntryPoint() {
	}

	public static int run(String[] args) {
		return 0;
	}

}
