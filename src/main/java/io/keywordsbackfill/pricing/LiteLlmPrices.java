package io.keywordsbackfill.pricing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns LiteLLM's {@code model_prices_and_context_window.json} (USD per token, keys like
 * {@code together_ai/meta-llama/...}, no dates) into a user price file of this project's shape (USD per 1M
 * tokens, effective from a date you choose: the day the JSON was taken is the honest one).
 */
public final class LiteLlmPrices {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PREFIX = "together_ai/";

	private LiteLlmPrices() {
	}

	/**
	 * @param json the LiteLLM file
	 * @param effectiveFrom the first day the prices apply
	 * @param batchMultiplier the multiplier for Batch API calls (LiteLLM has none; 1 when unknown)
	 * @return the Together entries, sorted by model
	 * @throws IllegalArgumentException when the file is not LiteLLM's shape or has no Together entry
	 */
	public static List<ModelPrice> read(Path json, LocalDate effectiveFrom, BigDecimal batchMultiplier) {
		JsonNode root;
		try {
			root = JSON.readTree(json.toFile());
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(json + ": not a JSON object of model prices: " + ex.getMessage(), ex);
		}
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException(json + ": not a JSON object of model prices");
		}
		Map<String, ModelPrice> prices = new TreeMap<>();
		for (Map.Entry<String, JsonNode> entry : root.properties()) {
			JsonNode value = entry.getValue();
			boolean together = entry.getKey().startsWith(PREFIX)
					|| "together_ai".equals(value.path("litellm_provider").asString(""));
			if (!together || !value.path("input_cost_per_token").isNumber()
					|| !value.path("output_cost_per_token").isNumber()) {
				continue;
			}
			String model = entry.getKey().startsWith(PREFIX) ? entry.getKey().substring(PREFIX.length()) : entry.getKey();
			prices.put(model, new ModelPrice(model, perMillion(value.path("input_cost_per_token")),
					perMillion(value.path("output_cost_per_token")), batchMultiplier, effectiveFrom, null,
					"LiteLLM model_prices_and_context_window.json, taken as of " + effectiveFrom));
		}
		if (prices.isEmpty()) {
			throw new IllegalArgumentException(json + ": no together_ai entry with input and output cost per token");
		}
		return new ArrayList<>(prices.values());
	}

	/** Writes entries as a user price file ({@code backfill.prices-file}). */
	public static void write(List<ModelPrice> prices, String version, Path out) {
		try {
			if (out.getParent() != null) {
				Files.createDirectories(out.getParent());
			}
			try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
				writer.write("# Imported from LiteLLM's model_prices_and_context_window.json; USD per 1M tokens.\n");
				writer.write("version: \"" + version + "\"\nprices:\n");
				for (ModelPrice price : prices) {
					writer.write("  - model: " + quote(price.model()) + "\n");
					writer.write("    input_per_million_usd: " + price.inputPerMillionUsd().toPlainString() + "\n");
					writer.write("    output_per_million_usd: " + price.outputPerMillionUsd().toPlainString() + "\n");
					writer.write("    batch_multiplier: " + price.batchMultiplier().toPlainString() + "\n");
					if (price.effectiveFrom() != null) {
						writer.write("    effective_from: " + price.effectiveFrom() + "\n");
					}
					writer.write("    source: " + quote(price.source()) + "\n");
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + out, ex);
		}
	}

	private static BigDecimal perMillion(JsonNode perToken) {
		return perToken.decimalValue().movePointRight(6).stripTrailingZeros();
	}

	private static String quote(String text) {
		return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

}
