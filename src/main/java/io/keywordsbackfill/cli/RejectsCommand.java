package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import io.keywordsbackfill.delivery.RejectStore;
import io.keywordsbackfill.status.StatusRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rejects ID}: the records of a run that were not delivered, with file, line and reason. */
@Command(name = "rejects", mixinStandardHelpOptions = true,
		description = "Lists the records of a run that were skipped or rejected, with file, line, reason and status code.")
class RejectsCommand implements Callable<Integer> {

	@ParentCommand
	BackfillCommand parent;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "ID", description = "A run id (job execution id).")
	long id;

	@Option(names = "--json", description = "Print JSON (with payloads) for scripts.")
	boolean json;

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		List<RejectStore.StoredReject> rejects = parent.context.bean(RejectStore.class).findByRun(id);
		out.print(json ? StatusRenderer.json(rejects) + "\n" : StatusRenderer.rejectsTable(rejects));
		return ExitCodes.COMPLETED;
	}

}
