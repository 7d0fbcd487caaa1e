package io.keywordsbackfill.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keywordsbackfill.support.EmbeddedH2;

import static org.assertj.core.api.Assertions.assertThat;

/** The health and metrics that {@code schedule} serves, fetched over real HTTP from the application context. */
@SpringBootTest
class ManagementServerTests {

	@Autowired
	ApplicationContext context;

	@DynamicPropertySource
	static void ownDatabase(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", EmbeddedH2::newDatabaseUrl);
	}

	@Test
	void servesHealthUpAndPrometheusMetricsOnAFreePort() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		try (ManagementServer server = ManagementServer.start(context, 0)) {
			HttpResponse<String> health = http.send(HttpRequest.newBuilder(url(server, "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString());
			HttpResponse<String> metrics = http.send(
					HttpRequest.newBuilder(url(server, "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString());

			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
			assertThat(metrics.statusCode()).isEqualTo(200);
			assertThat(metrics.body()).contains("# TYPE jvm_memory_used_bytes gauge");
		}
	}

	private static URI url(ManagementServer server, String path) {
		return URI.create("http://localhost:" + server.port() + path);
	}

}
