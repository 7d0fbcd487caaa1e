package io.keywordsbackfill.cli;

import java.io.PrintWriter;

import org.springframework.batch.core.BatchStatus;

import io.keywordsbackfill.cli.CommandLineEntryPoint.ApplicationContextHolder;
import io.keywordsbackfill.job.ImportParameters;
import io.keywordsbackfill.job.LaunchOutcome;
import io.keywordsbackfill.mapping.ImportWindow;
import io.keywordsbackfill.status.RunSummary;
import io.keywordsbackfill.status.RunQueries;
import io.keywordsbackfill.status.StatusRenderer;

/** Prints what a launch did and turns it into the process exit code. */
final class RunReport {

	private RunReport() {
	}

	static int print(LaunchOutcome outcome, ApplicationContextHolder context, PrintWriter out, PrintWriter err) {
		switch (outcome.kind()) {
			case REFUSED -> {
				err.println("error: " + outcome.message());
				return ExitCodes.FAILED;
			}
			case ALREADY_DONE -> {
				ImportWindow window = ImportParameters.from(outcome.execution().getJobParameters()).window();
				out.println("Already imported: run " + outcome.execution().getId() + " completed these files"
						+ (window.bounded() ? " with this window (" + window + ")" : "") + " on "
						+ outcome.execution().getEndTime() + ". Nothing was sent. (Use --new-run to run them again;"
						+ " the ledger still skips what was accepted.)");
				return ExitCodes.COMPLETED;
			}
			default -> {
				long id = outcome.execution().getId();
				RunSummary summary = context.bean(RunQueries.class).find(id).orElseThrow();
				out.print(StatusRenderer.detail(summary));
				out.flush();
				if (outcome.execution().getStatus() == BatchStatus.FAILED && summary.exitMessage() != null) {
					err.println("error: " + firstLine(summary.exitMessage()));
				}
				return exitCode(outcome.execution().getStatus(), summary);
			}
		}
	}

	/** The first line of a run's error: its cause (what follows is Spring Batch's detail, traces included). */
	static String firstLine(String message) {
		int end = message.indexOf('\n');
		return (end < 0 ? message : message.substring(0, end)).strip();
	}

	static int exitCode(BatchStatus status, RunSummary summary) {
		return switch (status) {
			case COMPLETED -> summary.counts().rejected() > 0 ? ExitCodes.COMPLETED_WITH_REJECTS : ExitCodes.COMPLETED;
			case STOPPED, STOPPING -> ExitCodes.STOPPED;
			default -> ExitCodes.FAILED;
		};
	}

}
