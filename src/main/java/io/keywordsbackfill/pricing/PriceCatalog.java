package io.keywordsbackfill.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The effective-dated price catalog: the one shipped in {@code classpath:pricing/together-prices.yml},
 * optionally overridden and extended by a user file of the same shape.
 * <p>
 * Lookup of a model on a date: first an entry whose model is spelled exactly as asked, then one whose
 * <em>normalised</em> name matches (lower-case, without a {@code together_ai/} prefix, as LiteLLM-style
 * names have), so {@code together_ai/Meta-Llama/...} finds {@code meta-llama/...}. At each step the user
 * file is searched first, so a user entry wins over a shipped one for the days it covers, and the shipped
 * price still applies outside them.
 * <p>
 * Each file is validated at load; an invalid one throws {@link IllegalStateException} naming the file
 * and the model: missing model or price, negative price or multiplier, {@code effective_from} not before
 * {@code effective_to}, or two periods of one model overlapping within the file.
 */
public final class PriceCatalog {

	public static final String CLASSPATH_LOCATION = "pricing/together-prices.yml";

	private static final String TOGETHER_PREFIX = "together_ai/";

	private static final YAMLMapper YAML = YAMLMapper.builder().build();

	private final String version;

	private final List<ModelPrice> userPrices;

	// Every record is priced: the lookups are by name, each a short list of periods in file order.
	private final Map<String, List<ModelPrice>> userByName;

	private final Map<String, List<ModelPrice>> shippedByName;

	private final Map<String, List<ModelPrice>> userByNormalisedName;

	private final Map<String, List<ModelPrice>> shippedByNormalisedName;

	private PriceCatalog(String version, List<ModelPrice> shippedPrices, List<ModelPrice> userPrices) {
		this.version = version;
		this.userPrices = List.copyOf(userPrices);
		this.userByName = byName(userPrices, ModelPrice::model);
		this.shippedByName = byName(shippedPrices, ModelPrice::model);
		this.userByNormalisedName = byName(userPrices, (price) -> normalise(price.model()));
		this.shippedByNormalisedName = byName(shippedPrices, (price) -> normalise(price.model()));
	}

	private static Map<String, List<ModelPrice>> byName(List<ModelPrice> prices, Function<ModelPrice, String> name) {
		Map<String, List<ModelPrice>> byName = new HashMap<>();
		for (ModelPrice price : prices) {
			byName.computeIfAbsent(name.apply(price), (key) -> new ArrayList<>()).add(price);
		}
		byName.replaceAll((key, list) -> List.copyOf(list));
		return Map.copyOf(byName);
	}

	/** The shipped catalog alone. */
	public static PriceCatalog load() {
		return load(null);
	}

	/**
	 * The shipped catalog with a user file over it.
	 * @param userFile a YAML catalog, or null for none
	 * @throws IllegalStateException if a catalog is invalid
	 * @throws UncheckedIOException if a file cannot be read
	 */
	public static PriceCatalog load(Path userFile) {
		CatalogFile shipped;
		try (InputStream in = PriceCatalog.class.getClassLoader().getResourceAsStream(CLASSPATH_LOCATION)) {
			if (in == null) {
				throw new IllegalStateException("classpath:" + CLASSPATH_LOCATION + " is missing");
			}
			shipped = parse(in, "classpath:" + CLASSPATH_LOCATION);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<ModelPrice> user = List.of();
		String version = shipped.version();
		if (userFile != null) {
			try (InputStream in = Files.newInputStream(userFile)) {
				CatalogFile file = parse(in, userFile.toString());
				user = validate(file, userFile.toString());
				version = version + "+" + ((file.version() != null) ? file.version() : userFile.getFileName());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot read price file " + userFile, ex);
			}
		}
		return new PriceCatalog(version, validate(shipped, "classpath:" + CLASSPATH_LOCATION), user);
	}

	/** The catalog version ({@code shipped+user} when a user file is loaded). */
	public String version() {
		return this.version;
	}

	/**
	 * The price in force for a model at an instant (compared as a UTC date).
	 * @return the price, or empty when the model is unknown or has no price on that day
	 */
	public Optional<ModelPrice> priceAt(String model, Instant at) {
		Objects.requireNonNull(at, "at");
		if (model == null || model.isBlank()) {
			return Optional.empty();
		}
		LocalDate date = LocalDate.ofInstant(at, ZoneOffset.UTC);
		ModelPrice price = find(this.userByName, model, date);
		if (price == null) {
			price = find(this.shippedByName, model, date);
		}
		if (price == null) {
			String normalised = normalise(model);
			price = find(this.userByNormalisedName, normalised, date);
			if (price == null) {
				price = find(this.shippedByNormalisedName, normalised, date);
			}
		}
		return Optional.ofNullable(price);
	}

	/**
	 * Which price applies and why, for {@code pricing check}.
	 * @return the match, or empty when the model has no price on that day
	 */
	public Optional<PriceMatch> explain(String model, Instant at) {
		return priceAt(model, at).map((price) -> new PriceMatch(price,
				this.userPrices.contains(price) ? "user price file" : "shipped catalog " + this.version,
				price.model().equals(model) ? "exact name" : "normalised name (case, together_ai/ prefix)"));
	}

	/**
	 * A price with where it came from.
	 * @param price the entry
	 * @param origin the user file or the shipped catalog (with its version)
	 * @param matchedBy how the model name matched
	 */
	public record PriceMatch(ModelPrice price, String origin, String matchedBy) {
	}

	/** Lower-case, without a {@code together_ai/} prefix. */
	static String normalise(String model) {
		String lower = model.trim().toLowerCase(Locale.ROOT);
		return lower.startsWith(TOGETHER_PREFIX) ? lower.substring(TOGETHER_PREFIX.length()) : lower;
	}

	/** The first of the name's prices (in file order) that applies on the date, or null. */
	private static ModelPrice find(Map<String, List<ModelPrice>> byName, String name, LocalDate date) {
		List<ModelPrice> prices = byName.get(name);
		if (prices != null) {
			for (ModelPrice price : prices) {
				if (price.appliesOn(date)) {
					return price;
				}
			}
		}
		return null;
	}

	private static CatalogFile parse(InputStream in, String name) {
		try {
			CatalogFile file = YAML.readValue(in, CatalogFile.class);
			if (file == null || file.prices() == null) {
				throw new IllegalStateException("Invalid price catalog " + name + ": no \"prices\" list");
			}
			return file;
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("Invalid price catalog " + name + ": " + ex.getOriginalMessage(), ex);
		}
	}

	private static List<ModelPrice> validate(CatalogFile file, String name) {
		List<ModelPrice> prices = new ArrayList<>();
		for (Entry entry : file.prices()) {
			if (entry == null || entry.model() == null || entry.model().isBlank()) {
				throw invalid(name, "?", "an entry has no model");
			}
			String model = entry.model();
			if (entry.inputPerMillionUsd() == null || entry.outputPerMillionUsd() == null) {
				throw invalid(name, model, "input_per_million_usd and output_per_million_usd are required");
			}
			BigDecimal multiplier = (entry.batchMultiplier() != null) ? entry.batchMultiplier() : BigDecimal.ONE;
			if (entry.inputPerMillionUsd().signum() < 0 || entry.outputPerMillionUsd().signum() < 0
					|| multiplier.signum() < 0) {
				throw invalid(name, model, "prices and batch_multiplier must not be negative");
			}
			if (entry.effectiveFrom() != null && entry.effectiveTo() != null
					&& !entry.effectiveFrom().isBefore(entry.effectiveTo())) {
				throw invalid(name, model, "effective_from " + entry.effectiveFrom() + " is not before effective_to "
						+ entry.effectiveTo());
			}
			ModelPrice price = new ModelPrice(model, entry.inputPerMillionUsd(), entry.outputPerMillionUsd(),
					multiplier, entry.effectiveFrom(), entry.effectiveTo(), entry.source());
			for (ModelPrice earlier : prices) {
				if (earlier.model().equals(model) && earlier.overlaps(price)) {
					throw invalid(name, model, "two prices overlap (" + period(earlier) + " and " + period(price) + ")");
				}
			}
			prices.add(price);
		}
		return prices;
	}

	private static String period(ModelPrice price) {
		return "[" + ((price.effectiveFrom() != null) ? price.effectiveFrom() : "...") + ", "
				+ ((price.effectiveTo() != null) ? price.effectiveTo() : "...") + ")";
	}

	private static IllegalStateException invalid(String file, String model, String problem) {
		return new IllegalStateException("Invalid price catalog " + file + ", model " + model + ": " + problem);
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record CatalogFile(String version, List<Entry> prices) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Entry(String model, @JsonProperty("input_per_million_usd") BigDecimal inputPerMillionUsd,
			@JsonProperty("output_per_million_usd") BigDecimal outputPerMillionUsd,
			@JsonProperty("effective_from") LocalDate effectiveFrom,
			@JsonProperty("effective_to") LocalDate effectiveTo,
			@JsonProperty("batch_multiplier") BigDecimal batchMultiplier, String source, String checked) {
	}

}
