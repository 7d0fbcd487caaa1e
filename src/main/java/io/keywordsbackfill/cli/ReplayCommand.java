package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.keywordsbackfill.delivery.DeliveryEvents;
import io.keywordsbackfill.delivery.DryRunSink;
import io.keywordsbackfill.delivery.KeywordsAiClient;
import io.keywordsbackfill.delivery.KeywordsAiProperties;
import io.keywordsbackfill.delivery.LogSink;
import io.keywordsbackfill.delivery.ReplayService;
import io.keywordsbackfill.delivery.RetryPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code replay ID}: sends again the logs of a run that Keywords AI refused, or that a killed run left in doubt. */
@Command(name = "replay", mixinStandardHelpOptions = true,
		description = { "Sends again the logs of a run that Keywords AI refused (api_rejected) or that a killed run left in doubt (in_doubt), through the ledger.",
				"Records rejected before delivery (no price, no timestamp, bad lines): fix the cause and run the same import with --new-run." })
class ReplayCommand implements Callable<Integer> {

	@ParentCommand
	BackfillCommand parent;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "ID", description = "A run id (job execution id).")
	long id;

	@Option(names = "--dry-run", description = "Write the request bodies to --out instead of sending.")
	boolean dryRun;

	@Option(names = "--out", paramLabel = "FILE", defaultValue = "data/replay.jsonl",
			description = "Where --dry-run writes request bodies (default: ${DEFAULT-VALUE}).")
	Path out;

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		KeywordsAiProperties keywordsAi = parent.context.bean(KeywordsAiProperties.class);
		RunOptions.requireApiKey(parent.context, dryRun);
		try (LogSink sink = dryRun ? new DryRunSink(this.out)
				: new KeywordsAiClient(keywordsAi, null, RetryPolicy.of(keywordsAi.retry()), DeliveryEvents.NONE)) {
			ReplayService.ReplayResult result = parent.context.bean(ReplayService.class)
				.replay(id, sink, keywordsAi.maxBatchLogs(), keywordsAi.maxBatchBytes().toBytes(), dryRun);
			out.printf("Replay of run %d: %d sent, %d already accepted, %d refused again, %d need the import again "
					+ "with --new-run%n", id, result.sent(), result.alreadyAccepted(), result.refusedAgain(),
					result.notReplayable());
			return result.refusedAgain() > 0 ? ExitCodes.COMPLETED_WITH_REJECTS : ExitCodes.COMPLETED;
		}
	}

}
