package io.keywordsbackfill.pricing;

import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.keywordsbackfill.record.TokenUsage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PriceCatalogTests {

	private static final Instant MARCH_2025 = Instant.parse("2025-03-13T10:00:00Z");

	private final PriceCatalog catalog = PriceCatalog.load();

	@Test
	void findsExactModel() {
		ModelPrice price = this.catalog.priceAt("deepseek-ai/DeepSeek-R1", MARCH_2025).orElseThrow();

		assertThat(price.inputPerMillionUsd()).isEqualByComparingTo("3.00");
		assertThat(price.outputPerMillionUsd()).isEqualByComparingTo("7.00");
		assertThat(price.batchMultiplier()).isEqualByComparingTo("0.5");
		assertThat(price.source()).contains("unconfirmed");
	}

	@Test
	void findsNormalisedModel() {
		assertThat(this.catalog.priceAt("together_ai/META-LLAMA/Llama-3.3-70B-Instruct-Turbo", MARCH_2025))
			.get()
			.extracting(ModelPrice::model)
			.isEqualTo("meta-llama/Llama-3.3-70B-Instruct-Turbo");
		assertThat(this.catalog.priceAt("google/gemma-2-27b-it", MARCH_2025)).isEmpty();
		assertThat(this.catalog.priceAt(null, MARCH_2025)).isEmpty();
	}

	@Test
	void priceChangeIsComparedOnTheUtcDate() {
		String mixtral = "mistralai/Mixtral-8x7B-Instruct-v0.1";

		assertThat(this.catalog.priceAt(mixtral, Instant.parse("2024-06-30T23:59:59Z")).orElseThrow()
			.inputPerMillionUsd()).isEqualByComparingTo("0.90");
		assertThat(this.catalog.priceAt(mixtral, Instant.parse("2024-07-01T00:00:00Z")).orElseThrow()
			.inputPerMillionUsd()).isEqualByComparingTo("0.60");
	}

	@Test
	void userFileOverridesForItsPeriodAndExtends() throws URISyntaxException {
		PriceCatalog withUser = PriceCatalog.load(resource("user-prices.yml"));
		String llama = "meta-llama/Llama-3.3-70B-Instruct-Turbo";

		assertThat(withUser.priceAt(llama, MARCH_2025).orElseThrow().inputPerMillionUsd())
			.isEqualByComparingTo("0.50");
		assertThat(withUser.priceAt(llama, Instant.parse("2025-04-01T00:00:00Z")).orElseThrow()
			.inputPerMillionUsd()).isEqualByComparingTo("0.88");
		assertThat(withUser.priceAt("acme/private-finetune", MARCH_2025)).isPresent();
		assertThat(withUser.version()).isEqualTo("2025-07-03.1+acme-negotiated-1");
	}

	@Test
	void rejectsInvalidCatalogsNamingFileAndModel() {
		assertThatIllegalStateException().isThrownBy(() -> PriceCatalog.load(resource("overlapping-prices.yml")))
			.withMessageContaining("overlapping-prices.yml")
			.withMessageContaining("x/model-a")
			.withMessageContaining("overlap");
		assertThatIllegalStateException().isThrownBy(() -> PriceCatalog.load(resource("negative-prices.yml")))
			.withMessageContaining("x/model-b")
			.withMessageContaining("negative");
		assertThatIllegalStateException()
			.isThrownBy(() -> PriceCatalog.load(resource("reversed-period-prices.yml")))
			.withMessageContaining("x/model-c")
			.withMessageContaining("not before");
	}

	@Test
	void costIsExactAndRoundedOnce() {
		ModelPrice price = new ModelPrice("m", new BigDecimal("0.88"), new BigDecimal("0.88"),
				new BigDecimal("0.5"), null, null, "test");

		assertThat(CostCalculator.cost(price, new TokenUsage(58, 19), false)).isEqualTo(new BigDecimal("0.00006776"));
		assertThat(CostCalculator.cost(price, new TokenUsage(58, 19), true)).isEqualTo(new BigDecimal("0.00003388"));
		assertThat(CostCalculator.cost(price, new TokenUsage(1, 0), true)).isEqualTo(new BigDecimal("4.4E-7"));
		assertThat(CostCalculator.cost(price, new TokenUsage(0, 0), true)).isEqualTo(BigDecimal.ZERO);
		ModelPrice odd = new ModelPrice("m", new BigDecimal("0.333333333333"), BigDecimal.ZERO, BigDecimal.ONE, null,
				null, "test");
		// 0.333333333333 / 1e6 = 3.33333333333E-7 → HALF_EVEN at 10 places
		assertThat(CostCalculator.cost(odd, new TokenUsage(1, 0), false)).isEqualTo(new BigDecimal("3.333E-7"));
	}

	private static Path resource(String name) throws URISyntaxException {
		return Path.of(PriceCatalogTests.class.getResource(name).toURI());
	}

}
