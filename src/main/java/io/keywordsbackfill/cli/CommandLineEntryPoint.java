package io.keywordsbackfill.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

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

	/** Starts the Spring context on first use and closes it at the end of the command. */
	static final class ApplicationContextHolder implements AutoCloseable {

		private ConfigurableApplicationContext context;

		private final List<String> arguments = new ArrayList<>();

		/**
		 * Sets a property of the context, above every other source (as a {@code --name=value} argument).
		 * @throws IllegalStateException once the context has started
		 */
		synchronized void property(String name, String value) {
			if (context != null) {
				throw new IllegalStateException("the application context has started; cannot set " + name);
			}
			arguments.add("--" + name + "=" + value);
		}

		synchronized ConfigurableApplicationContext get() {
			if (context == null) {
				SpringApplication application = new SpringApplication(KeywordsBackfillApplication.class);
				application.setLogStartupInfo(false);
				// The import command closes the context itself on SIGTERM, after the current chunk.
				application.setRegisterShutdownHook(false);
				context = application.run(arguments.toArray(String[]::new));
			}
			return context;
		}

		<T> T bean(Class<T> type) {
			return get().getBean(type);
		}

		@Override
		public synchronized void close() {
			if (context != null) {
				context.close();
				context = null;
			}
		}

	}

}
