package io.keywordsbackfill.schedule;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

import io.keywordsbackfill.mapping.ImportWindow;
import io.keywordsbackfill.mapping.MappingOptions.ExportedCostPolicy;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;
import org.springframework.scheduling.support.CronExpression;

/**
 * One validated {@code jobs/*.yml} file. Built only by {@link JobDefinitionLoader}, which checks every field;
 * there is no secret in it (the API key comes from {@code KEYWORDSAI_API_KEY}).
 *
 * @param name the job's name ({@code [a-z0-9-]+}), unique across the definitions directory; scheduled runs
 * are job instances keyed by this name and their logical date
 * @param file the definition file as it was given to the loader
 * @param schedule when it runs, in {@code zone}; null for a definition that is only run on demand
 * @param zone the zone of the schedule and of logical dates (default UTC)
 * @param catchUp whether nights missed while no scheduler ran are run on start, oldest first
 * @param maxCatchUp at most this many nights are due at once (the most recent ones), at least 1
 * @param inputs what to read, never empty
 * @param pricing cost options
 * @param destination delivery options
 * @param limits run limits
 * @param window only calls whose time is inside it are sent; {@link ImportWindow#NONE} (or null) when the
 * definition has none
 * @param minFileAge a file (or its Batch input or error file) modified less than this long before a run looks
 * for files is left for a later run, as it may still be being written; zero (or null) to take every file
 * @param remote its runs' partitions run on {@code worker} processes ({@code partitioning: remote})
 */
public record JobDefinition(String name, Path file, CronExpression schedule, ZoneId zone, boolean catchUp,
		int maxCatchUp, List<InputDefinition> inputs, Pricing pricing, Destination destination, Limits limits,
		ImportWindow window, Duration minFileAge, boolean remote) {

	/** A definition whose partitions run in the process that runs it. */
	public JobDefinition(String name, Path file, CronExpression schedule, ZoneId zone, boolean catchUp, int maxCatchUp,
			List<InputDefinition> inputs, Pricing pricing, Destination destination, Limits limits, ImportWindow window,
			Duration minFileAge) {
		this(name, file, schedule, zone, catchUp, maxCatchUp, inputs, pricing, destination, limits, window, minFileAge,
				false);
	}

	public JobDefinition {
		inputs = List.copyOf(inputs);
		window = window == null ? ImportWindow.NONE : window;
		minFileAge = minFileAge == null ? Duration.ZERO : minFileAge;
	}

	/** The same definition with its partitions run on workers ({@code run --remote}). */
	public JobDefinition withRemote() {
		return new JobDefinition(name, file, schedule, zone, catchUp, maxCatchUp, inputs, pricing, destination, limits,
				window, minFileAge, true);
	}

	/** Whether it has a cron schedule (else it is only run by {@code run}). */
	public boolean scheduled() {
		return schedule != null;
	}

	/** The directory relative paths in the definition are resolved against. */
	public Path baseDirectory() {
		Path parent = file.toAbsolutePath().normalize().getParent();
		return parent != null ? parent : file.toAbsolutePath().getRoot();
	}

	/**
	 * @param pricesFile a price file over the shipped catalog, resolved against the definition's directory;
	 * null for the shipped catalog alone
	 * @param exportedCost what to do with a cost present in the export (default fill-missing)
	 * @param unpricedModel what to do with a model without a price (default send-without-cost)
	 */
	public record Pricing(Path pricesFile, ExportedCostPolicy exportedCost, UnpricedModelPolicy unpricedModel) {

		static final Pricing DEFAULTS = new Pricing(null, ExportedCostPolicy.FILL_MISSING,
				UnpricedModelPolicy.SEND_WITHOUT_COST);

	}

	/**
	 * @param maxBatchLogs logs per request, 1..5000 (default 500)
	 * @param concurrency batches in flight at once, 1..64 (default 4)
	 * @param rateLimit null for no limit beyond the API's own answers
	 */
	public record Destination(int maxBatchLogs, int concurrency, RateLimit rateLimit) {

		static final Destination DEFAULTS = new Destination(500, 4, null);

	}

	/**
	 * A client-side limit; each rate is positive, or null when not limited.
	 *
	 * @param logsPerSecond logs sent per second
	 * @param requestsPerSecond requests per second
	 */
	public record RateLimit(Double logsPerSecond, Double requestsPerSecond) {
	}

	/** @param maxRejects fail the run when more records than this are rejected; null for no limit */
	public record Limits(Long maxRejects) {

		static final Limits NONE = new Limits(null);

	}

}
