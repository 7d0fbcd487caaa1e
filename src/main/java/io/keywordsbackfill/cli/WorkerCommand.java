package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.keywordsbackfill.remote.RemoteWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code worker}: stays up and runs the partitions of remote runs ({@code import/run --remote}) that it takes
 * from RabbitMQ, until SIGTERM or Ctrl-C.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
		description = { "Runs partitions of remote runs (import/run --remote) taken from RabbitMQ, until stopped.",
				"Needs the shared PostgreSQL job repository, the input files at the paths the manager was given, "
						+ "and KEYWORDSAI_API_KEY. SIGTERM: takes no new partition, lets running ones finish for "
						+ "backfill.remote.shutdown-grace, then stops them after their current chunk." })
class WorkerCommand implements Callable<Integer> {

	@ParentCommand
	BackfillCommand parent;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() throws Exception {
		// no terminal to draw on: progress goes to the log
		parent.context.property("backfill.progress", "log");
		RunOptions.requireSharedDatabase(parent.context, "worker");
		RunOptions.requireApiKey(parent.context, false);
		RemoteWorker worker = parent.context.bean(RemoteWorker.class);
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try {
				worker.stop();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				parent.context.close();
				stopped.countDown();
				// a stop asked for is a normal end, not the 143 of a process killed by a signal
				Runtime.getRuntime().halt(ExitCodes.COMPLETED);
			}
		}, "worker-shutdown"));
		worker.start();
		PrintWriter out = spec.commandLine().getOut();
		out.println("Worker " + worker.name() + " is taking partitions; SIGTERM or Ctrl-C stops it.");
		out.flush();
		stopped.await();
		return ExitCodes.COMPLETED;
	}

}
