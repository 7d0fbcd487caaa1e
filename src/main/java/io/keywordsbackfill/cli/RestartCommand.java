package io.keywordsbackfill.cli;

import java.util.concurrent.Callable;

import io.keywordsbackfill.job.ImportLauncher;
import io.keywordsbackfill.job.LaunchOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code restart ID}: continues a failed, stopped or killed run from its last committed chunk. */
@Command(name = "restart", mixinStandardHelpOptions = true,
		description = { "Continues a failed or stopped run from its last committed chunk.",
				"A run left STARTED by a killed process on this host is recovered first." })
class RestartCommand implements Callable<Integer> {

	@ParentCommand
	BackfillCommand parent;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "ID", description = "The run id (job execution id).")
	long id;

	@Option(names = "--force", description = "Recover a run shown as STARTED even if its process cannot be checked (it ran on another host).")
	boolean force;

	@Override
	public Integer call() throws Exception {
		ImportLauncher launcher = parent.context.bean(ImportLauncher.class);
		ImportCommand.GracefulStop stop = ImportCommand.GracefulStop.install(launcher, parent.context);
		int exitCode = ExitCodes.FAILED;
		try {
			LaunchOutcome outcome = launcher.restart(id, force);
			exitCode = RunReport.print(outcome, parent.context, spec.commandLine().getOut(),
					spec.commandLine().getErr());
			return exitCode;
		}
		finally {
			stop.finished(exitCode);
		}
	}

}
