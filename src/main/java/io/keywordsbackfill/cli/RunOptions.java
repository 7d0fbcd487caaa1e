package io.keywordsbackfill.cli;

import java.nio.file.Path;

import io.keywordsbackfill.cli.CommandLineEntryPoint.ApplicationContextHolder;
import io.keywordsbackfill.delivery.KeywordsAiProperties;
import io.keywordsbackfill.store.SqlDialect;
import picocli.CommandLine.Option;

/** The options of the commands that run an import ({@code import}, {@code run}): a picocli mixin. */
class RunOptions {

	@Option(names = "--dry-run", description = "Run everything but write the request bodies to --out instead of sending.")
	boolean dryRun;

	@Option(names = "--out", paramLabel = "FILE", defaultValue = "data/dry-run.jsonl",
			description = "Where --dry-run writes request bodies (default: ${DEFAULT-VALUE}).")
	Path out;

	@Option(names = "--remote",
			description = "Run the partitions on 'worker' processes over RabbitMQ (backfill.remote.*) instead of in this one; "
					+ "needs the shared PostgreSQL database. A restart of the run keeps it.")
	boolean remote;

	@Option(names = "--no-progress",
			description = "No live progress line on the terminal; log a progress line every backfill.progress-interval instead.")
	boolean noProgress;

	/** The dry-run output file, or null for a real run. */
	Path dryRunOut() {
		return dryRun ? out : null;
	}

	/**
	 * Applies {@code --no-progress} (before the context starts) and checks the API key, which a dry run does
	 * not need.
	 */
	void prepare(ApplicationContextHolder context) {
		configure(context);
		requireApiKey(context, dryRun);
	}

	/** Applies {@code --no-progress}: before the context starts. */
	void configure(ApplicationContextHolder context) {
		if (noProgress) {
			context.property("backfill.progress", "log");
		}
	}

	/**
	 * Checks what a run on workers needs: a database the workers share, and sending for real (the workers would
	 * write a dry run's output on their own machines).
	 * @throws UsageException otherwise
	 */
	static void requireRemoteRun(ApplicationContextHolder context, boolean dryRun) {
		if (dryRun) {
			throw new UsageException("--dry-run runs in one process: drop --remote (or partitioning: remote)");
		}
		requireSharedDatabase(context, "--remote");
	}

	/** @throws UsageException on the embedded H2 database, which only this machine can open */
	static void requireSharedDatabase(ApplicationContextHolder context, String what) {
		if (context.bean(SqlDialect.class) == SqlDialect.H2) {
			throw new UsageException(what + " needs the shared PostgreSQL job repository, not the embedded H2 database "
					+ "(which only this machine can open): set SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME and "
					+ "SPRING_DATASOURCE_PASSWORD to the PostgreSQL database of the manager and every worker");
		}
	}

	/** @throws UsageException when a real run has no API key */
	static void requireApiKey(ApplicationContextHolder context, boolean dryRun) {
		if (!dryRun && !context.bean(KeywordsAiProperties.class).hasApiKey()) {
			throw new UsageException("KEYWORDSAI_API_KEY is not set (it is required unless --dry-run)");
		}
	}

}
