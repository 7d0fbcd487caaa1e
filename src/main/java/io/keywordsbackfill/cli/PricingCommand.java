package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.keywordsbackfill.pricing.LiteLlmPrices;
import io.keywordsbackfill.pricing.ModelPrice;
import io.keywordsbackfill.pricing.PriceCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pricing check} and {@code pricing import-litellm}. */
@Command(name = "pricing", mixinStandardHelpOptions = true, description = "Shows and imports model prices.",
		subcommands = { PricingCommand.Check.class, PricingCommand.ImportLiteLlm.class })
class PricingCommand implements Runnable {

	@ParentCommand
	BackfillCommand parent;

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}

	/** {@code pricing check [--at DATE] MODEL...}: which price applies, and where it comes from. */
	@Command(name = "check", mixinStandardHelpOptions = true,
			description = { "Shows the price that applies to each model on a date, and where it comes from.",
					"Uses the shipped catalog and backfill.prices-file, as an import would." })
	static class Check implements Callable<Integer> {

		@ParentCommand
		PricingCommand pricing;

		@Spec
		CommandSpec spec;

		@Option(names = "--at", paramLabel = "DATE", description = "The day of the call (YYYY-MM-DD, UTC); default today.")
		String at;

		@Parameters(arity = "1..*", paramLabel = "MODEL", description = "Model names as the provider spells them.")
		List<String> models;

		@Override
		public Integer call() {
			Instant instant;
			try {
				instant = (at == null) ? Instant.now() : LocalDate.parse(at).atStartOfDay(ZoneOffset.UTC).toInstant();
			}
			catch (DateTimeParseException ex) {
				throw new UsageException("--at: '" + at + "' is not a date such as 2025-03-01");
			}
			PriceCatalog catalog = pricing.parent.context.bean(PriceCatalog.class);
			PrintWriter out = spec.commandLine().getOut();
			int unknown = 0;
			for (String model : models) {
				Optional<PriceCatalog.PriceMatch> match = catalog.explain(model, instant);
				if (match.isEmpty()) {
					unknown++;
					out.printf("%s on %s: no price (logs are sent without cost, and Keywords AI prices them; "
							+ "or rejected with --unpriced-model reject)%n", model, LocalDate.ofInstant(instant, ZoneOffset.UTC));
					continue;
				}
				ModelPrice price = match.get().price();
				out.printf("%s on %s: input %s, output %s USD per 1M tokens; batch x%s%n", model,
						LocalDate.ofInstant(instant, ZoneOffset.UTC), price.inputPerMillionUsd().toPlainString(),
						price.outputPerMillionUsd().toPlainString(), price.batchMultiplier().toPlainString());
				out.printf("    entry %s, in force %s to %s, from the %s (matched by %s)%n    source: %s%n",
						price.model(), price.effectiveFrom() == null ? "always" : price.effectiveFrom(),
						price.effectiveTo() == null ? "now" : price.effectiveTo() + " (exclusive)", match.get().origin(),
						match.get().matchedBy(), price.source());
			}
			return unknown == 0 ? ExitCodes.COMPLETED : ExitCodes.COMPLETED_WITH_REJECTS;
		}

	}

	/** {@code pricing import-litellm FILE --effective-from DATE}: LiteLLM's price JSON as a user price file. */
	@Command(name = "import-litellm", mixinStandardHelpOptions = true,
			description = { "Converts LiteLLM's model_prices_and_context_window.json (together_ai/ entries) into a price "
					+ "file for backfill.prices-file.",
					"LiteLLM has no effective dates: --effective-from should be the day the file was taken." })
	static class ImportLiteLlm implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "FILE", description = "model_prices_and_context_window.json")
		Path file;

		@Option(names = "--effective-from", required = true, paramLabel = "DATE", description = "First day the prices apply.")
		String effectiveFrom;

		@Option(names = "--batch-multiplier", defaultValue = "1", paramLabel = "X",
				description = "Multiplier for Batch API calls (LiteLLM has none; default ${DEFAULT-VALUE}).")
		BigDecimal batchMultiplier;

		@Option(names = "--out", defaultValue = "prices/litellm-together.yml", paramLabel = "FILE",
				description = "Where to write the price file (default: ${DEFAULT-VALUE}).")
		Path out;

		@Override
		public Integer call() {
			if (!Files.isRegularFile(file)) {
				throw new UsageException("FILE: no such file: " + file);
			}
			LocalDate from;
			try {
				from = LocalDate.parse(effectiveFrom);
			}
			catch (DateTimeParseException ex) {
				throw new UsageException("--effective-from: '" + effectiveFrom + "' is not a date such as 2025-03-01");
			}
			List<ModelPrice> prices;
			try {
				prices = LiteLlmPrices.read(file, from, batchMultiplier);
			}
			catch (IllegalArgumentException ex) {
				throw new UsageException(ex.getMessage());
			}
			LiteLlmPrices.write(prices, "litellm-" + from, out);
			spec.commandLine().getOut().printf("Wrote %d Together prices to %s; use it with backfill.prices-file=%s%n",
					prices.size(), out, out);
			return ExitCodes.COMPLETED;
		}

	}

}
