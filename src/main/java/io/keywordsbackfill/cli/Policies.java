package io.keywordsbackfill.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import io.keywordsbackfill.mapping.MappingOptions.ExportedCostPolicy;
import io.keywordsbackfill.mapping.MappingOptions.UnpricedModelPolicy;

/** Reads the pricing policies as users spell them ({@code fill-missing}, {@code send-without-cost}). */
final class Policies {

	private Policies() {
	}

	static ExportedCostPolicy exportedCost(String value) {
		return value == null ? null : parse(ExportedCostPolicy.class, value, "--exported-cost");
	}

	static UnpricedModelPolicy unpricedModel(String value) {
		return value == null ? null : parse(UnpricedModelPolicy.class, value, "--unpriced-model");
	}

	private static <E extends Enum<E>> E parse(Class<E> type, String value, String option) {
		try {
			return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException(option + ": '" + value + "' is not one of " + Arrays.stream(type.getEnumConstants())
				.map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.joining(", ")));
		}
	}

}
