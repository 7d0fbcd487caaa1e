package io.keywordsbackfill.logging;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import org.springframework.boot.logging.logback.StructuredLogEncoder;

/**
 * The encoder of the stderr appender in {@code logback-spring.xml}: JSON lines in Spring Boot's structured
 * format when {@code logging.structured.format.console} is set ({@code logstash}, {@code ecs}, {@code gelf};
 * Boot hands it to logback as {@code CONSOLE_LOG_STRUCTURED_FORMAT}), the plain {@link #setPattern pattern}
 * otherwise. It exists because choosing between two appenders in the XML would need Janino.
 */
public class ConsoleLogEncoder extends EncoderBase<ILoggingEvent> {

	static final String STRUCTURED_FORMAT_PROPERTY = "CONSOLE_LOG_STRUCTURED_FORMAT";

	private String pattern;

	private Charset charset = StandardCharsets.UTF_8;

	private Encoder<ILoggingEvent> delegate;

	/** The layout pattern of plain lines. */
	public void setPattern(String pattern) {
		this.pattern = pattern;
	}

	public void setCharset(Charset charset) {
		this.charset = charset;
	}

	@Override
	public void start() {
		String format = getContext().getProperty(STRUCTURED_FORMAT_PROPERTY);
		if (format == null) {
			format = System.getProperty(STRUCTURED_FORMAT_PROPERTY);
		}
		if (format != null && !format.isBlank()) {
			StructuredLogEncoder structured = new StructuredLogEncoder();
			structured.setContext(getContext());
			structured.setFormat(format);
			structured.setCharset(charset);
			delegate = structured;
		}
		else {
			PatternLayoutEncoder plain = new PatternLayoutEncoder();
			plain.setContext(getContext());
			plain.setPattern(pattern);
			plain.setCharset(charset);
			delegate = plain;
		}
		delegate.start();
		super.start();
	}

	@Override
	public void stop() {
		if (delegate != null) {
			delegate.stop();
		}
		super.stop();
	}

	@Override
	public byte[] headerBytes() {
		return delegate.headerBytes();
	}

	@Override
	public byte[] encode(ILoggingEvent event) {
		return delegate.encode(event);
	}

	@Override
	public byte[] footerBytes() {
		return delegate.footerBytes();
	}

}
