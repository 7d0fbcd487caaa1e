package io.keywordsbackfill.status;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.keywordsbackfill.delivery.RejectStore.StoredReject;
import io.keywordsbackfill.source.FileChangeGuard;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders runs and rejects for people (aligned tables) and for scripts (JSON).
 */
public final class StatusRenderer {

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
		.withZone(ZoneOffset.UTC);

	private StatusRenderer() {
	}

	public static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	/**
	 * Recent runs, one line each. The column OUTSIDE (records outside the import window) is shown only when a run
	 * listed has some.
	 */
	public static String table(List<RunSummary> runs) {
		if (runs.isEmpty()) {
			return "No runs yet. Start one with 'import'.\n";
		}
		boolean outside = runs.stream().anyMatch(run -> run.counts().outsideWindow() > 0);
		List<String> header = new ArrayList<>(List.of("ID", "JOB", "NIGHT", "STATUS", "STARTED", "DURATION", "READ",
				"SENT", "ALREADY", "REJECTED"));
		if (outside) {
			header.add("OUTSIDE");
		}
		header.addAll(List.of("TOKENS", "COST USD", "REC/S"));
		Table table = new Table(header.toArray(String[]::new));
		for (RunSummary run : runs) {
			RunSummary.Counts c = run.counts();
			String job = (run.definition() != null ? run.definition() : run.job())
					+ (run.dryRunOutput() != null ? " (dry run)" : "");
			List<String> row = new ArrayList<>(List.of(String.valueOf(run.id()), job,
					run.logicalDate() == null ? "-" : run.logicalDate(), run.status(), time(run.startedAt()),
					duration(run.duration()), String.valueOf(c.read()), String.valueOf(c.sent()),
					String.valueOf(c.alreadySent()), String.valueOf(c.rejected())));
			if (outside) {
				row.add(String.valueOf(c.outsideWindow()));
			}
			row.addAll(List.of(String.valueOf(c.promptTokens() + c.completionTokens()), money(c.costUsd()),
					run.recordsPerSecond() == null ? "-" : run.recordsPerSecond().toPlainString()));
			table.row(row.toArray(String[]::new));
		}
		return table.render();
	}

	/** One run: header, counts, steps, top reject reasons, and what to do next. */
	public static String detail(RunSummary run) {
		StringBuilder text = new StringBuilder();
		RunSummary.Counts c = run.counts();
		text.append("Run ").append(run.id()).append(" (").append(run.job()).append(", instance ")
			.append(run.instanceId()).append("): ").append(run.status()).append('\n');
		if (run.definition() != null) {
			line(text, "definition", run.definition() + (run.logicalDate() != null ? ", night of " + run.logicalDate() : ""));
		}
		line(text, "files", files(run.files()));
		if (run.window() != null) {
			line(text, "window", run.window() + " (only calls completed in it are sent)");
		}
		if (Boolean.TRUE.equals(run.lineIds())) {
			line(text, "ids", "line-based, as asked (--line-ids): usage-csv rows without an id are identified by file "
					+ "and line, so a re-cut export sends them again");
		}
		line(text, "started", time(run.startedAt()));
		line(text, "ended", time(run.endedAt()));
		line(text, "duration", duration(run.duration()));
		line(text, "read", String.valueOf(c.read()));
		if (run.dryRunOutput() != null) {
			line(text, "dry run", "nothing was sent; the request bodies are in " + run.dryRunOutput());
		}
		line(text, "sent", c.sent() + (run.dryRunOutput() != null ? " (would be sent)" : ""));
		line(text, "already sent", c.alreadySent() + " (in the ledger from earlier runs; not sent again)");
		if (positive(run.reconciledInDoubt()) || positive(run.resentInDoubt()) || positive(run.leftInDoubt())) {
			line(text, "in doubt", "of the logs a killed run had in flight or whose answer was lost: "
					+ orZero(run.reconciledInDoubt()) + " found stored in Keywords AI (not sent again), "
					+ orZero(run.resentInDoubt()) + " resent, " + orZero(run.leftInDoubt()) + " left in doubt"
					+ (positive(run.leftInDoubt()) ? " (in_doubt rejects: check, then 'replay " + run.id() + "')" : ""));
		}
		line(text, "rejected", c.rejected() + (c.rejected() > 0 ? " (see 'rejects " + run.id() + "')" : ""));
		if (run.window() != null || c.outsideWindow() > 0) {
			line(text, "outside window", c.outsideWindow() + " (completed outside the window: not sent, not rejected)");
		}
		if (c.sourceDuplicates() > 0) {
			line(text, "duplicates", c.sourceDuplicates() + " (the same call, identical, read again in this run's files: "
					+ "counted once, not sent twice)");
		}
		line(text, "requests", c.requests() + " in " + c.batches() + " batches, " + c.retries() + " retries, "
				+ duration(Duration.ofMillis(c.waitMillis())) + " waiting");
		line(text, "tokens", c.promptTokens() + " prompt + " + c.completionTokens() + " completion");
		line(text, "cost", money(c.costUsd()) + " USD" + (c.unpriced() > 0 ? " (without " + c.unpriced()
				+ " log(s) of models with no known price: sent without cost, Keywords AI prices them)" : ""));
		if (run.models() != null) {
			boolean first = true;
			for (RunSummary.ModelSummary model : run.models()) {
				line(text, first ? "by model" : "", model.model() + ": " + model.logs() + " logs, " + model.promptTokens() + " + "
						+ model.completionTokens() + " tokens, "
						+ (model.unpriced() == model.logs() && model.logs() > 0 ? "no known price (Keywords AI prices them)"
								: money(model.costUsd()) + " USD"
										+ (model.unpriced() > 0 ? ", " + model.unpriced() + " without price" : "")));
				first = false;
			}
		}
		line(text, "no timing", c.withoutTiming() + " log(s) sent without generation_time (the source has none)");
		line(text, "rate", run.recordsPerSecond() == null ? "-" : run.recordsPerSecond() + " records/s");
		if (run.rejectReasons() != null && !run.rejectReasons().isEmpty()) {
			StringBuilder reasons = new StringBuilder();
			for (Map.Entry<String, Long> reason : run.rejectReasons().entrySet()) {
				reasons.append(reasons.isEmpty() ? "" : ", ").append(reason.getKey()).append(' ').append(reason.getValue());
			}
			line(text, "reject reasons", reasons.toString());
		}
		if (run.steps() != null) {
			steps(text, run.steps());
		}
		if (run.exitMessage() != null && !"COMPLETED".equals(run.status())) {
			line(text, "error", run.exitMessage());
		}
		if (run.exitMessage() != null && run.exitMessage().contains(FileChangeGuard.CHANGED_WHILE_READ)) {
			// a restart would resume at offsets into other content, and is refused
			line(text, "next", "once the file is complete, import it again (a new run; the logs already sent are "
					+ "in the ledger and are not sent twice)");
		}
		else if ("FAILED".equals(run.status()) || "STOPPED".equals(run.status())) {
			line(text, "next", "fix the cause, then 'restart " + run.id() + "' (continues from the last committed chunk)");
		}
		return text.toString();
	}

	private static boolean positive(Long count) {
		return count != null && count > 0;
	}

	private static long orZero(Long count) {
		return count == null ? 0 : count;
	}

	/** Past this many, a run's files and partitions are summed up (a year of daily files is hundreds). */
	static final int LISTED = 12;

	static String files(List<String> files) {
		if (files == null || files.isEmpty()) {
			return "-";
		}
		if (files.size() <= LISTED) {
			return String.join(", ", files);
		}
		return files.size() + " files: " + String.join(", ", files.subList(0, 3)) + ", ... " + files.get(files.size() - 1)
				+ " ('status ID --json' lists them all)";
	}

	/**
	 * Each step on a line; past {@link #LISTED} partitions, the partitions added up on one line, and those that
	 * did not complete each on its own.
	 */
	static void steps(StringBuilder text, List<RunSummary.StepSummary> steps) {
		List<RunSummary.StepSummary> partitions = steps.stream().filter((step) -> step.name().contains(":")).toList();
		boolean sumUp = partitions.size() > LISTED;
		for (RunSummary.StepSummary step : steps) {
			if (!sumUp || !step.name().contains(":") || !"COMPLETED".equals(step.status())) {
				line(text, "step " + step.name(), step.status() + ", read " + step.readCount() + ", " + step.commitCount()
						+ " commits, " + step.rollbackCount() + " rollbacks"
						+ (step.worker() == null ? "" : ", worker " + step.worker()));
			}
		}
		if (sumUp) {
			Map<String, Long> byStatus = new TreeMap<>();
			partitions.forEach((step) -> byStatus.merge(step.status(), 1L, Long::sum));
			StringBuilder statuses = new StringBuilder();
			byStatus.forEach((status, n) -> statuses.append(statuses.isEmpty() ? "" : ", ").append(n).append(' ').append(status));
			line(text, "partitions", partitions.size() + " (" + statuses + "), read "
					+ partitions.stream().mapToLong(RunSummary.StepSummary::readCount).sum() + ", "
					+ partitions.stream().mapToLong(RunSummary.StepSummary::commitCount).sum() + " commits, "
					+ partitions.stream().mapToLong(RunSummary.StepSummary::rollbackCount).sum() + " rollbacks"
					+ workers(partitions)
					+ (byStatus.size() > 1 || !byStatus.containsKey("COMPLETED") ? "; those not completed are listed above" : ""));
		}
	}

	/** How many partitions each worker ran, for a remote run ({@code "; workers a 5, b 7"}); else empty. */
	private static String workers(List<RunSummary.StepSummary> partitions) {
		Map<String, Long> byWorker = new TreeMap<>();
		partitions.stream()
			.filter((step) -> step.worker() != null)
			.forEach((step) -> byWorker.merge(step.worker(), 1L, Long::sum));
		StringBuilder workers = new StringBuilder();
		byWorker.forEach((worker, n) -> workers.append(workers.isEmpty() ? "; workers " : ", ").append(worker).append(' ').append(n));
		return workers.toString();
	}

	public static String rejectsTable(List<StoredReject> rejects) {
		if (rejects.isEmpty()) {
			return "No rejected records.\n";
		}
		Table table = new Table("FILE", "LINE", "REASON", "STATUS", "SOURCE ID", "MESSAGE");
		for (StoredReject r : rejects) {
			table.row(r.file(), String.valueOf(r.line()), r.reason(), r.statusCode() == null ? "-" : r.statusCode().toString(),
					r.sourceId() == null ? "-" : r.sourceId(), r.message() == null ? "" : r.message().replace('\n', ' '));
		}
		return table.render();
	}

	private static void line(StringBuilder text, String label, String value) {
		text.append(String.format("  %-15s %s%n", label, value));
	}

	static String time(Instant instant) {
		return instant == null ? "-" : TIME.format(instant);
	}

	static String duration(Duration duration) {
		if (duration == null) {
			return "-";
		}
		long seconds = duration.toSeconds();
		if (seconds < 60) {
			return BigDecimal.valueOf(duration.toMillis(), 3).setScale(1, RoundingMode.HALF_UP) + "s";
		}
		return seconds >= 3600 ? String.format("%dh%02dm%02ds", seconds / 3600, (seconds % 3600) / 60, seconds % 60)
				: String.format("%dm%02ds", seconds / 60, seconds % 60);
	}

	static String money(BigDecimal usd) {
		return usd == null ? "-" : usd.setScale(6, RoundingMode.HALF_UP).toPlainString();
	}

}
