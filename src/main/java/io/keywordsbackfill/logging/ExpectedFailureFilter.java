package io.keywordsbackfill.logging;

import java.util.Set;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.springframework.batch.core.job.JobInterruptedException;

import io.keywordsbackfill.delivery.FatalDeliveryException;
import io.keywordsbackfill.delivery.TransientDeliveryException;

/**
 * Drops Spring Batch's own error lines about failures that the command reports itself in one line: a
 * rejected API key, an unreachable server, retries run out ({@link FatalDeliveryException},
 * {@link TransientDeliveryException}) and a stop ({@link JobInterruptedException}). Spring Batch logs each of
 * them several times per partition with a stack trace, which buries the one line that says what to do. Any
 * other exception is logged as before, stack trace and all.
 */
public class ExpectedFailureFilter extends Filter<ILoggingEvent> {

	private static final Set<String> EXPECTED = Set.of(FatalDeliveryException.class.getName(),
			TransientDeliveryException.class.getName(), JobInterruptedException.class.getName());

	/**
	 * Lines that only say a step failed, with the failure itself logged (or reported) on its own: a chunk
	 * step that is not fault-tolerant, and the partitioned step whose partition failed.
	 */
	private static final Set<String> ECHOES = Set.of(
			"Retry exhausted after last attempt in recovery path, but exception is not skippable",
			"Partition handler returned an unsuccessful step");

	@Override
	public FilterReply decide(ILoggingEvent event) {
		if (!event.getLoggerName().startsWith("org.springframework.batch.")) {
			return FilterReply.NEUTRAL;
		}
		if (ECHOES.contains(event.getFormattedMessage())) {
			return FilterReply.DENY;
		}
		for (IThrowableProxy thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
			if (EXPECTED.contains(thrown.getClassName()) || ECHOES.contains(thrown.getMessage())) {
				return FilterReply.DENY;
			}
		}
		return FilterReply.NEUTRAL;
	}

}
