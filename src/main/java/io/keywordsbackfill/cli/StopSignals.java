package io.keywordsbackfill.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT handled by the command itself rather than by a JVM shutdown hook. A hook runs alongside
 * every other hook, and the embedded H2 database closes itself in one of them (it cannot be told not to while
 * {@code AUTO_SERVER} is on): a run still ending its chunk then failed with "Database is already closed". Here
 * the JVM does not begin to shut down until the command has stopped its run and closed the application.
 */
final class StopSignals {

	private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

	private static final List<String> SIGNALS = List.of("TERM", "INT");

	private final List<Signal> signals = new ArrayList<>();

	private final List<SignalHandler> previous = new ArrayList<>();

	private StopSignals() {
	}

	/**
	 * Runs {@code onStop} on a thread of its own at SIGTERM or SIGINT, with the signal's number; it ends the
	 * process itself.
	 * @return the installed handlers, to {@link #uninstall()}; null where signals cannot be handled so, and
	 * then the caller falls back to a shutdown hook
	 */
	static StopSignals install(IntConsumer onStop, String threadName) {
		StopSignals installed = new StopSignals();
		SignalHandler handler = (signal) -> {
			Thread thread = new Thread(() -> onStop.accept(signal.getNumber()), threadName);
			thread.start();
		};
		try {
			for (String name : SIGNALS) {
				Signal signal = new Signal(name);
				installed.previous.add(Signal.handle(signal, handler));
				installed.signals.add(signal);
			}
			return installed;
		}
		catch (IllegalArgumentException | UnsupportedOperationException ex) {
			log.debug("Cannot handle stop signals ({}); using a shutdown hook", ex.getMessage());
			installed.uninstall();
			return null;
		}
	}

	/** Puts back the handlers there were before. */
	void uninstall() {
		for (int i = 0; i < signals.size(); i++) {
			Signal.handle(signals.get(i), previous.get(i));
		}
	}

}
