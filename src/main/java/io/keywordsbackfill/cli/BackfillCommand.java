package io.keywordsbackfill.cli;

import io.keywordsbackfill.cli.CommandLineEntryPoint.ApplicationContextHolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level command: {@code keywords-backfill <command>}. */
@Command(name = "keywords-backfill", mixinStandardHelpOptions = true, version = "keywords-backfill 0.1.0",
		description = "Loads historical Together AI usage into Keywords AI as request logs.",
		subcommands = { ImportCommand.class, RunCommand.class, ScheduleCommand.class, StatusCommand.class,
				RestartCommand.class, RejectsCommand.class, ReplayCommand.class, PricingCommand.class,
				WorkerCommand.class },
		footer = { "", "Exit codes: 0 completed; 1 failed; 2 bad usage or configuration; "
				+ "3 completed with rejected records; 4 stopped." })
class BackfillCommand implements Runnable {

	final ApplicationContextHolder context;

	@Spec
	CommandSpec spec;

	BackfillCommand(ApplicationContextHolder context) {
		this.context = context;
	}

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}

}
