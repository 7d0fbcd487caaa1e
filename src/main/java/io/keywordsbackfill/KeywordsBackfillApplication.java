package io.keywordsbackfill;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import io.keywordsbackfill.cli.CommandLineEntryPoint;

/**
 * The Spring application behind the CLI. {@link #main} hands the arguments to picocli, which starts
 * this context only for the commands that need it.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KeywordsBackfillApplication {

	public static void main(String[] args) {
		System.exit(CommandLineEntryPoint.run(args));
	}

}
