package io.keywordsbackfill.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;

/**
 * {@code /actuator/health} and {@code /actuator/prometheus} of the long-running {@code schedule} command, on
 * the JDK's HTTP server: the application stays a non-web one (no servlet container in the jar), and these
 * two read-only answers come from Actuator's health endpoint and Micrometer's Prometheus registry.
 */
final class ManagementServer implements AutoCloseable {

	private final HttpServer server;

	private ManagementServer(HttpServer server) {
		this.server = server;
	}

	/**
	 * @param port the port; 0 picks a free one
	 * @throws UncheckedIOException if the port cannot be bound
	 */
	static ManagementServer start(ApplicationContext context, int port) {
		HealthEndpoint health = context.getBeanProvider(HealthEndpoint.class).getIfAvailable();
		PrometheusMeterRegistry prometheus = context.getBeanProvider(PrometheusMeterRegistry.class).getIfAvailable();
		HttpServer server;
		try {
			server = HttpServer.create(new InetSocketAddress(port), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot serve health and metrics on port " + port, ex);
		}
		server.createContext("/actuator/health", (exchange) -> {
			Status status = health == null ? Status.UNKNOWN : health.health().getStatus();
			respond(exchange, Status.UP.equals(status) ? 200 : 503, "application/json",
					"{\"status\":\"" + status.getCode() + "\"}");
		});
		server.createContext("/actuator/prometheus", (exchange) -> {
			if (prometheus == null) {
				respond(exchange, 404, "text/plain", "no Prometheus registry\n");
				return;
			}
			respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape());
		});
		server.setExecutor(Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "management-http");
			thread.setDaemon(true);
			return thread;
		}));
		server.start();
		return new ManagementServer(server);
	}

	int port() {
		return server.getAddress().getPort();
	}

	private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", type);
		exchange.sendResponseHeaders(code, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}

}
