package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.keywordsbackfill.status.RunQueries;
import io.keywordsbackfill.status.RunSummary;
import io.keywordsbackfill.status.StatusRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code status [ID]}: recent runs, or one run in detail. */
@Command(name = "status", mixinStandardHelpOptions = true,
		description = "Shows recent runs, or one run (ID) with its steps, counts and error.")
class StatusCommand implements Callable<Integer> {

	@ParentCommand
	BackfillCommand parent;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "A run id (job execution id).")
	Long id;

	@Option(names = "--limit", defaultValue = "20", description = "How many recent runs (default: ${DEFAULT-VALUE}).")
	int limit;

	@Option(names = "--json", description = "Print JSON for scripts.")
	boolean json;

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		RunQueries queries = parent.context.bean(RunQueries.class);
		if (id == null) {
			List<RunSummary> runs = queries.recent(limit);
			out.print(json ? StatusRenderer.json(runs) + "\n" : StatusRenderer.table(runs));
			return ExitCodes.COMPLETED;
		}
		Optional<RunSummary> run = queries.find(id);
		if (run.isEmpty()) {
			throw new UsageException("no run with id " + id + " (see 'status' for recent runs)");
		}
		out.print(json ? StatusRenderer.json(run.get()) + "\n" : StatusRenderer.detail(run.get()));
		return ExitCodes.COMPLETED;
	}

}
