package io.keywordsbackfill.job;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.ItemReadListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.keywordsbackfill.delivery.ChunkStats;
import io.keywordsbackfill.delivery.StepStatsStore;
import io.keywordsbackfill.mapping.ProcessedItem;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.source.ProgressAware;

/**
 * Shows how a running step gets on. With {@code backfill.progress=auto} on a terminal ({@link System#console()}
 * present), one line on stderr redrawn with {@code \r} at most about four times a second; otherwise (or with
 * {@code log}) a log line every {@code backfill.progress-interval} and one when the step ends; {@code off}
 * shows nothing. It listens to the partitions of the {@code deliver} step and adds them up per run; the line
 * ends when the {@code deliver} step does ({@link #runEnded}), not when the partitions running at some moment
 * happen to have all ended (with a partition per file, that was many times a run).
 * <p>
 * Records read and their rate are counted as they are read. Bytes, percentage and ETA come
 * from the reader only when it is {@link ProgressAware}; otherwise they are left out rather than guessed. Sent,
 * already sent, rejected and outside the import window are the step's statistics as of the last chunk (delivery
 * counts them per chunk). The percentage is of the bytes of all the run's partitions, those not started yet
 * included, and the ETA assumes the rest goes at the run's byte rate so far (all partitions together): with
 * more partitions than run at once, the partitions running at some moment are not the run.
 */
@Component
class ProgressReporter implements StepExecutionListener, ChunkListener<SourceItem, ProcessedItem>,
		ItemReadListener<SourceItem>, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);

	static final Duration LIVE_PERIOD = Duration.ofMillis(250);

	// A tick of the fixed-rate schedule can come a little early; only skip ticks that come much too early.
	static final Duration MIN_REDRAW_GAP = Duration.ofMillis(200);

	/** The reader of every step this tracks, by step execution id (see {@link #reading}). */
	private final Map<Long, Object> readers = new ConcurrentHashMap<>();

	/** A reader for steps that were not announced with {@link #reading} (tests); may be null. */
	private final ItemStreamReader<SourceItem> defaultReader;

	private final StepStatsStore stats;

	private final Clock clock;

	private final BackfillProperties.Progress mode;

	private final Duration logInterval;

	private final PrintStream terminal;

	private final boolean scheduled;

	private final Map<Long, Tracker> trackers = new ConcurrentHashMap<>();

	/** One redraw schedule per run: its partitions share one line. */
	private final Map<Long, ScheduledFuture<?>> schedules = new ConcurrentHashMap<>();

	/** What the finished partitions of each run read and delivered. */
	private final Map<Long, Snapshot> finished = new ConcurrentHashMap<>();

	/** When each run's first partition started: its rate is over the whole run, not over one partition. */
	private final Map<Long, Instant> runStarted = new ConcurrentHashMap<>();

	/** The bytes all partitions of each run read, or -1 when they cannot be told. */
	private final Map<Long, Long> plannedBytes = new ConcurrentHashMap<>();

	/** Bytes the finished partitions of each run read in this execution (not before a restart). */
	private final Map<Long, Long> finishedBytesHere = new ConcurrentHashMap<>();

	/** Bytes the finished partitions of each run read, a restart's earlier part included. */
	private final Map<Long, Long> finishedBytes = new ConcurrentHashMap<>();

	private ScheduledExecutorService ticker;

	@Autowired
	ProgressReporter(StepStatsStore stats, Clock clock, BackfillProperties properties) {
		this(null, stats, clock, properties.progress(), properties.progressInterval(),
				(properties.progress() == BackfillProperties.Progress.AUTO && System.console() != null) ? System.err
						: null,
				true);
	}

	/**
	 * @param terminal where the live line goes, or null for log lines
	 * @param scheduled whether ticks are scheduled; tests call {@link #tick(long)} themselves
	 */
	ProgressReporter(ItemStreamReader<SourceItem> sourceReader, StepStatsStore stats, Clock clock,
			BackfillProperties.Progress mode, Duration logInterval, PrintStream terminal, boolean scheduled) {
		this.defaultReader = sourceReader;
		this.stats = stats;
		this.clock = clock;
		this.mode = mode;
		this.logInterval = logInterval;
		this.terminal = terminal;
		this.scheduled = scheduled;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		if (mode == BackfillProperties.Progress.OFF) {
			return;
		}
		Tracker tracker = new Tracker(stepExecution, clock.instant(), MDC.getCopyOfContextMap());
		trackers.put(stepExecution.getId(), tracker);
		long run = stepExecution.getJobExecutionId();
		runStarted.putIfAbsent(run, tracker.started);
		plannedBytes.computeIfAbsent(run, id -> plannedBytes(stepExecution.getJobExecution()));
		if (scheduled) {
			Duration period = (terminal != null) ? LIVE_PERIOD : logInterval;
			schedules.computeIfAbsent(run, id -> ticker().scheduleAtFixedRate(() -> tickRun(id), period.toMillis(),
					period.toMillis(), TimeUnit.MILLISECONDS));
		}
	}

	@Override
	public void beforeChunk(Chunk<SourceItem> chunk) {
		Tracker tracker = current();
		if (tracker != null) {
			// the reader has put the file it reads into the log context by now
			tracker.mdc = MDC.getCopyOfContextMap();
			resolveReader(tracker);
		}
	}

	/**
	 * Tells which reader a step reads with, before the step runs, so that progress can ask it for bytes; the
	 * caller calls {@link #doneReading} once the step has run, whatever happened.
	 */
	void reading(long stepExecutionId, Object reader) {
		if (mode != BackfillProperties.Progress.OFF) {
			readers.put(stepExecutionId, reader);
		}
	}

	/** Forgets the reader of a step that has run (and so has passed {@link #afterStep}, if it started). */
	void doneReading(long stepExecutionId) {
		readers.remove(stepExecutionId);
	}

	/** Finds the step's reader, once, after it was opened (its byte count starts at its restart position). */
	private void resolveReader(Tracker tracker) {
		if (tracker.resolved) {
			return;
		}
		Object reader = readers.getOrDefault(tracker.step.getId(), defaultReader);
		if (reader instanceof ProgressAware aware) {
			tracker.baselineBytes = aware.bytesRead();
			tracker.baselineAt = clock.instant();
			tracker.reader = aware;
		}
		tracker.resolved = true;
	}

	@Override
	public void afterRead(SourceItem item) {
		Tracker tracker = current();
		if (tracker != null) {
			// Batch calls beforeChunk with the chunk already read: resolve here to show bytes from the start
			resolveReader(tracker);
			// only the step thread writes it, so the increment of the volatile is safe
			tracker.itemsRead++;
		}
	}

	@Override
	public void afterChunk(Chunk<ProcessedItem> chunk) {
		Tracker tracker = current();
		if (tracker != null) {
			tracker.delivered = stats.find(tracker.step.getId()).orElse(null);
			tracker.lastBytesRead = Math.max(tracker.lastBytesRead, bytesRead(tracker));
		}
	}

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		Tracker tracker = trackers.get(stepExecution.getId());
		if (tracker == null) {
			return null;
		}
		tracker.delivered = stats.find(stepExecution.getId()).orElse(tracker.delivered);
		synchronized (this) {
			finished.merge(stepExecution.getJobExecutionId(), snapshot(tracker), Snapshot::plus);
			long read = finishedBytes(stepExecution, tracker);
			finishedBytes.merge(stepExecution.getJobExecutionId(), read, Long::sum);
			finishedBytesHere.merge(stepExecution.getJobExecutionId(), Math.max(0, read - tracker.baselineBytes),
					Long::sum);
			trackers.remove(stepExecution.getId());
		}
		return null;
	}

	/** Ends the run's line (or writes its last log line) once its {@code deliver} step has ended. */
	synchronized void runEnded(long run) {
		ScheduledFuture<?> schedule = schedules.remove(run);
		if (schedule != null) {
			schedule.cancel(false);
		}
		Snapshot total = runSnapshot(run);
		finished.remove(run);
		runStarted.remove(run);
		plannedBytes.remove(run);
		finishedBytesHere.remove(run);
		finishedBytes.remove(run);
		if (total == null) {
			return;
		}
		if (terminal != null) {
			terminal.print("\r" + line(total) + "\033[K\n");
			terminal.flush();
		}
		else {
			log.info("Step ended: {}", keyValues(total));
		}
	}

	/** A listener for the {@code deliver} step, whose end is the end of the run's line. */
	StepExecutionListener endOfRun() {
		return new StepExecutionListener() {

			@Override
			public ExitStatus afterStep(StepExecution stepExecution) {
				runEnded(stepExecution.getJobExecutionId());
				return null;
			}

		};
	}

	/** Draws the line of the run that a step belongs to (tests call this; the schedule calls {@link #tickRun}). */
	void tick(long stepExecutionId) {
		Tracker tracker = trackers.get(stepExecutionId);
		if (tracker != null) {
			tickRun(tracker.step.getJobExecutionId());
		}
	}

	/**
	 * Draws the live line or writes the log line of a run, adding up its partitions, unless the last one was
	 * drawn just now.
	 */
	void tickRun(long run) {
		Tracker tracker = trackers.values().stream().filter(t -> t.step.getJobExecutionId() == run).findFirst()
			.orElse(null);
		if (tracker == null) {
			return;
		}
		synchronized (this) {
			Instant now = clock.instant();
			if (terminal != null && tracker.lastDraw != null
					&& Duration.between(tracker.lastDraw, now).compareTo(MIN_REDRAW_GAP) < 0) {
				return;
			}
			tracker.lastDraw = now;
			Snapshot total = runSnapshot(run);
			if (terminal != null) {
				// \033[K clears what a longer previous line left behind
				terminal.print("\r" + line(total) + "\033[K");
				terminal.flush();
			}
			else {
				Map<String, String> previous = MDC.getCopyOfContextMap();
				try {
					if (tracker.mdc != null) {
						MDC.setContextMap(tracker.mdc);
					}
					log.info("Progress: {}", keyValues(total));
				}
				finally {
					if (previous != null) {
						MDC.setContextMap(previous);
					}
					else {
						MDC.clear();
					}
				}
			}
		}
	}

	/**
	 * The run's partitions added up: finished ones as they ended, running ones as they are now; elapsed since
	 * its first partition started.
	 */
	private Snapshot runSnapshot(long run) {
		Snapshot total = finished.get(run);
		for (Tracker tracker : trackers.values()) {
			if (tracker.step.getJobExecutionId() == run) {
				total = (total == null) ? snapshot(tracker) : total.plus(snapshot(tracker));
			}
		}
		Instant started = runStarted.get(run);
		if (total == null || started == null) {
			return total;
		}
		total = total.elapsedSince(started, clock.instant());
		long planned = plannedBytes.getOrDefault(run, -1L);
		return (planned > 0) ? ofRun(run, total, planned, started) : total;
	}

	/**
	 * The run's bytes and ETA over all its partitions: {@code planned} bytes in all, the rest going at the rate
	 * at which the run has read bytes so far.
	 */
	private Snapshot ofRun(long run, Snapshot total, long planned, Instant started) {
		long here = finishedBytesHere.getOrDefault(run, 0L);
		long read = finishedBytes.getOrDefault(run, 0L);
		boolean running = false;
		for (Tracker tracker : trackers.values()) {
			if (tracker.step.getJobExecutionId() == run) {
				here += bytesHere(tracker);
				read += bytesRead(tracker);
				running = true;
			}
		}
		double seconds = Duration.between(started, clock.instant()).toMillis() / 1000.0;
		long left = Math.max(0, planned - read);
		// no time left to tell once no partition runs: the run has ended (or failed)
		Duration eta = (running && seconds > 0 && here > 0) ? Duration.ofSeconds(Math.round(left / (here / seconds)))
				: null;
		return new Snapshot(total.read(), Math.min(read, planned), planned, total.elapsed(), eta,
				total.sent(), total.alreadySent(), total.rejected(), total.outsideWindow());
	}

	/**
	 * What a partition that has ended read: all of it when it completed (its reader, closed by now, may no longer
	 * tell), else as much as was last seen.
	 */
	private static long finishedBytes(StepExecution step, Tracker tracker) {
		if (step.getStatus() == BatchStatus.COMPLETED) {
			try {
				return Partition.from(step.getExecutionContext()).plannedBytes();
			}
			catch (RuntimeException ex) {
				// not a partition of the import (tests), or its file is gone: what was seen
			}
		}
		return Math.max(tracker.lastBytesRead, bytesRead(tracker));
	}

	/** What a partition has read, from the start of its part (0 until its reader tells). */
	private static long bytesRead(Tracker tracker) {
		ProgressAware reader = tracker.reader;
		return (reader != null) ? Math.max(0, reader.bytesRead()) : 0;
	}

	/** What a partition has read in this execution: from where it started or resumed. */
	private static long bytesHere(Tracker tracker) {
		return (tracker.reader != null) ? Math.max(0, bytesRead(tracker) - tracker.baselineBytes) : 0;
	}

	/**
	 * What all partitions of a run read: those of its execution, all created (with their contexts) before the
	 * first of them starts; a restart's holds the partitions that did not complete.
	 * @return the bytes, or -1 when some cannot be told (a file gone, not a partitioned run)
	 */
	static long plannedBytes(JobExecution execution) {
		long bytes = 0;
		int partitions = 0;
		for (StepExecution step : execution.getStepExecutions()) {
			if (step.getStepName().startsWith(ImportJobConfiguration.PARTITION_STEP_NAME + ":")) {
				try {
					bytes += Partition.from(step.getExecutionContext()).plannedBytes();
				}
				catch (RuntimeException ex) {
					return -1;
				}
				partitions++;
			}
		}
		return (partitions > 0) ? bytes : -1;
	}

	private Snapshot snapshot(Tracker tracker) {
		Instant now = clock.instant();
		ProgressAware reader = tracker.reader;
		long bytesRead = (reader != null) ? reader.bytesRead() : -1;
		long bytesTotal = (reader != null) ? reader.bytesTotal() : -1;
		Duration eta = null;
		if (reader != null && bytesTotal > 0 && tracker.baselineAt != null) {
			double seconds = Duration.between(tracker.baselineAt, now).toMillis() / 1000.0;
			long done = bytesRead - tracker.baselineBytes;
			if (seconds > 0 && done > 0) {
				eta = Duration.ofSeconds(Math.round(Math.max(0, bytesTotal - bytesRead) / (done / seconds)));
			}
		}
		ChunkStats delivered = tracker.delivered;
		// Batch adds a chunk's reads to the step execution only when the chunk ends
		long read = Math.max(tracker.itemsRead, tracker.step.getReadCount());
		return new Snapshot(read, bytesRead, bytesTotal,
				Duration.between(tracker.started, now), eta, (delivered != null) ? delivered.sent() : 0,
				(delivered != null) ? delivered.alreadySent() : 0, (delivered != null) ? delivered.rejected() : 0,
				(delivered != null) ? delivered.outsideWindow() : 0);
	}

	/**
	 * The live line, e.g. {@code read 1,200 | 3.1 MiB of 9.4 MiB (33%) | 410 rec/s | ETA 12s | sent ...}; records
	 * outside the import window only once there are some.
	 */
	static String line(Snapshot s) {
		StringBuilder text = new StringBuilder("read ").append(String.format(Locale.ROOT, "%,d", s.read()));
		if (s.bytesKnown()) {
			text.append(" | ").append(bytes(s.bytesRead())).append(" of ").append(bytes(s.bytesTotal()))
				.append(" (").append(s.percent()).append("%)");
		}
		text.append(" | ").append(String.format(Locale.ROOT, "%,.0f", s.recordsPerSecond())).append(" rec/s");
		if (s.bytesKnown()) {
			text.append(" | ETA ").append(s.eta() == null ? "-" : duration(s.eta()));
		}
		text.append(String.format(Locale.ROOT, " | sent %,d already %,d rejected %,d", s.sent(), s.alreadySent(),
				s.rejected()));
		if (s.outsideWindow() > 0) {
			text.append(String.format(Locale.ROOT, " outside window %,d", s.outsideWindow()));
		}
		return text.toString();
	}

	/**
	 * The log line's key=value pairs; bytes, percent and eta only when the reader tells its bytes, outside_window
	 * only when there are some.
	 */
	static String keyValues(Snapshot s) {
		StringBuilder text = new StringBuilder("read=").append(s.read());
		if (s.bytesKnown()) {
			text.append(" bytes=").append(s.bytesRead()).append('/').append(s.bytesTotal()).append(" percent=")
				.append(s.percent());
		}
		text.append(String.format(Locale.ROOT, " rate=%.1f/s", s.recordsPerSecond()));
		if (s.bytesKnown()) {
			text.append(" eta=").append(s.eta() == null ? "-" : duration(s.eta()));
		}
		text.append(" elapsed=").append(duration(s.elapsed()))
			.append(" sent=").append(s.sent())
			.append(" already_sent=").append(s.alreadySent())
			.append(" rejected=").append(s.rejected());
		if (s.outsideWindow() > 0) {
			text.append(" outside_window=").append(s.outsideWindow());
		}
		return text.toString();
	}

	static String bytes(long bytes) {
		if (bytes < 1024) {
			return bytes + " B";
		}
		String[] units = { "KiB", "MiB", "GiB", "TiB" };
		double value = bytes;
		int unit = -1;
		while (value >= 1024 && unit < units.length - 1) {
			value /= 1024;
			unit++;
		}
		return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
	}

	static String duration(Duration duration) {
		long seconds = duration.toSeconds();
		if (seconds < 60) {
			return seconds + "s";
		}
		if (seconds < 3600) {
			return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
		}
		return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
	}

	private Tracker current() {
		StepContext context = StepSynchronizationManager.getContext();
		return (context != null) ? trackers.get(context.getStepExecution().getId()) : null;
	}

	private synchronized ScheduledExecutorService ticker() {
		if (ticker == null) {
			ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
				Thread thread = new Thread(runnable, "progress");
				thread.setDaemon(true);
				return thread;
			});
		}
		return ticker;
	}

	@Override
	public synchronized void destroy() {
		if (ticker != null) {
			ticker.shutdownNow();
		}
	}

	/**
	 * What the progress line shows at one moment.
	 * @param bytesRead bytes of the files read, or -1 when the reader does not tell
	 * @param bytesTotal total bytes of the files, or -1 when unknown
	 * @param eta time left at the byte rate so far, or null when it cannot be told yet
	 */
	record Snapshot(long read, long bytesRead, long bytesTotal, Duration elapsed, Duration eta, long sent,
			long alreadySent, long rejected, long outsideWindow) {

		boolean bytesKnown() {
			return bytesRead >= 0 && bytesTotal > 0;
		}

		/**
		 * Two partitions of one run together: counts and bytes add up, elapsed is the longer, and the ETA is the
		 * longer of the two (partitions run side by side).
		 */
		Snapshot plus(Snapshot other) {
			boolean bytes = bytesKnown() && other.bytesKnown();
			Duration longerEta = (eta == null || other.eta == null) ? null : (eta.compareTo(other.eta) >= 0 ? eta : other.eta);
			return new Snapshot(read + other.read, bytes ? bytesRead + other.bytesRead : -1,
					bytes ? bytesTotal + other.bytesTotal : -1,
					elapsed.compareTo(other.elapsed) >= 0 ? elapsed : other.elapsed, longerEta, sent + other.sent,
					alreadySent + other.alreadySent, rejected + other.rejected, outsideWindow + other.outsideWindow);
		}

		/** The same, with the elapsed time of a whole run. */
		Snapshot elapsedSince(Instant started, Instant now) {
			return new Snapshot(read, bytesRead, bytesTotal, Duration.between(started, now), eta, sent, alreadySent,
					rejected, outsideWindow);
		}

		long percent() {
			return Math.min(100, bytesRead * 100 / bytesTotal);
		}

		double recordsPerSecond() {
			long millis = elapsed.toMillis();
			return (millis > 0) ? read * 1000.0 / millis : 0;
		}

	}

	/** The state of one running step; written by the step thread, read by the ticker. */
	private static final class Tracker {

		final StepExecution step;

		final Instant started;

		volatile Map<String, String> mdc;

		volatile boolean resolved;

		volatile ProgressAware reader;

		volatile long baselineBytes;

		volatile Instant baselineAt;

		volatile ChunkStats delivered;

		volatile long itemsRead;

		/** The most its reader told it had read, as of the last chunk. */
		volatile long lastBytesRead;

		Instant lastDraw;

		Tracker(StepExecution step, Instant started, Map<String, String> mdc) {
			this.step = step;
			this.started = started;
			this.mdc = mdc;
		}

	}

}
