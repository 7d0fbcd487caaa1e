package io.keywordsbackfill.pricing;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LiteLlmPricesTests {

	static final Path SAMPLE = Path.of("src/test/resources/io/keywordsbackfill/pricing/litellm-sample.json");

	@TempDir
	Path dir;

	@Test
	void readsTheTogetherEntriesPerMillionTokens() {
		List<ModelPrice> prices = LiteLlmPrices.read(SAMPLE, LocalDate.parse("2025-09-01"), BigDecimal.ONE);

		assertThat(prices).extracting(ModelPrice::model)
			.containsExactly("deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.3-70B-Instruct-Turbo");
		assertThat(prices.get(0).inputPerMillionUsd()).isEqualByComparingTo("3");
		assertThat(prices.get(0).outputPerMillionUsd()).isEqualByComparingTo("7");
		assertThat(prices.get(1).inputPerMillionUsd()).isEqualByComparingTo("0.88");
		assertThat(prices.get(1).effectiveFrom()).isEqualTo(LocalDate.parse("2025-09-01"));
	}

	@Test
	void theWrittenFileLoadsAsAUserCatalogAndWinsFromItsDate() throws Exception {
		Path out = dir.resolve("prices/litellm.yml");
		LiteLlmPrices.write(LiteLlmPrices.read(SAMPLE, LocalDate.parse("2025-09-01"), new BigDecimal("0.5")),
				"litellm-2025-09-01", out);

		PriceCatalog catalog = PriceCatalog.load(out);

		PriceCatalog.PriceMatch after = catalog.explain("deepseek-ai/DeepSeek-R1", Instant.parse("2025-10-01T00:00:00Z"))
			.orElseThrow();
		assertThat(after.origin()).isEqualTo("user price file");
		assertThat(after.price().batchMultiplier()).isEqualByComparingTo("0.5");
		// before its first day the shipped price still applies
		assertThat(catalog.explain("deepseek-ai/DeepSeek-R1", Instant.parse("2025-03-01T00:00:00Z")).orElseThrow()
			.origin()).startsWith("shipped catalog");
		assertThat(catalog.explain("together_ai/DeepSeek-AI/DeepSeek-R1", Instant.parse("2025-10-01T00:00:00Z"))
			.orElseThrow()
			.matchedBy()).startsWith("normalised");
	}

	@Test
	void aFileWithoutTogetherEntriesIsRefused() throws Exception {
		Path other = dir.resolve("other.json");
		Files.writeString(other, "{\"gpt-4o\": {\"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 1e-06}}");

		assertThatIllegalArgumentException().isThrownBy(() -> LiteLlmPrices.read(other, LocalDate.now(), BigDecimal.ONE))
			.withMessageContaining("no together_ai entry");
	}

}
