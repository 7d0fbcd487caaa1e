package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import io.keywordsbackfill.KeywordsBackfillApplication;
import picocli.CommandLine;

/**
 * Parses the command line with picocli and starts the Spring context only when a command needs it (so
 * {@code --help} is instant). Bad usage and bad configuration exit with 2.
 */
public final class CommandLineEntryPoint {

	private CommandLineEntryPoint() {
	}

	public static int run(String[] args) {
		return run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
	}

	static int run(String[] args, PrintWriter out, PrintWriter err) {
		try (ApplicationContextHolder context = new ApplicationContextHolder()) {
			CommandLine commandLine = new CommandLine(new BackfillCommand(context));
			commandLine.setOut(out);
			commandLine.setErr(err);
			commandLine.setExecutionExceptionHandler((ex, cmd, parsed) -> {
				err.println("error: " + ConfigurationErrors.describe(ex));
				return ConfigurationErrors.isConfigurationError(ex) ? ExitCodes.USAGE : ExitCodes.FAILED;
			});
			try {
				return commandLine.execute(args);
			}
			finally {
				out.flush();
				err.flush();
			}
		}
	}

	/**
	 * Starts the Spring context on first use, or ahead of it on a thread of its own, and closes it at the end
	 * of the command.
	 */
	static final class ApplicationContextHolder implements AutoCloseable {

		private ConfigurableApplicationContext context;

		/** A start under way on another thread (see {@link #startInBackground()}), else null. */
		private CompletableFuture<ConfigurableApplicationContext> starting;

		private final List<String> arguments = new ArrayList<>();

		/**
		 * Sets a property of the context, above every other source (as a {@code --name=value} argument).
		 * @throws IllegalStateException once the context has started
		 */
		synchronized void property(String name, String value) {
			if (context != null || starting != null) {
				throw new IllegalStateException("the application context has started; cannot set " + name);
			}
			arguments.add("--" + name + "=" + value);
		}

		/**
		 * Starts the context on another thread, so that what the command does first (fingerprinting its input
		 * files) overlaps the start instead of preceding it; {@link #get()} waits for it and throws what the
		 * start threw.
		 * @return completes with the context once it has started (at once if it has)
		 */
		synchronized CompletableFuture<ConfigurableApplicationContext> startInBackground() {
			if (context != null) {
				return CompletableFuture.completedFuture(context);
			}
			if (starting == null) {
				String[] args = arguments.toArray(String[]::new);
				starting = CompletableFuture.supplyAsync(() -> create(args), task -> {
					Thread thread = new Thread(task, "context-start");
					thread.setDaemon(true);
					thread.start();
				});
			}
			return starting;
		}

		synchronized ConfigurableApplicationContext get() {
			if (context == null) {
				if (starting != null) {
					CompletableFuture<ConfigurableApplicationContext> start = starting;
					starting = null;
					context = join(start);
				}
				else {
					context = create(arguments.toArray(String[]::new));
				}
			}
			return context;
		}

		private static ConfigurableApplicationContext create(String[] args) {
			SpringApplication application = new SpringApplication(KeywordsBackfillApplication.class);
			application.setLogStartupInfo(false);
			// The import command closes the context itself on SIGTERM, after the current chunk.
			application.setRegisterShutdownHook(false);
			return application.run(args);
		}

		private static ConfigurableApplicationContext join(CompletableFuture<ConfigurableApplicationContext> start) {
			try {
				return start.join();
			}
			catch (CompletionException ex) {
				if (ex.getCause() instanceof RuntimeException runtime) {
					throw runtime;
				}
				if (ex.getCause() instanceof Error error) {
					throw error;
				}
				throw ex;
			}
		}

		<T> T bean(Class<T> type) {
			return get().getBean(type);
		}

		@Override
		public synchronized void close() {
			if (starting != null) {
				// the command ended (a usage error) before it needed the context: let the start finish, then close
				try {
					context = starting.join();
				}
				catch (CompletionException ex) {
					// the command's own error is the one to report
				}
				starting = null;
			}
			if (context != null) {
				context.close();
				context = null;
			}
		}

	}

}
