package io.keywordsbackfill.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;

import io.keywordsbackfill.record.TokenUsage;

/**
 * The cost of one call: {@code (prompt × input + completion × output) / 1,000,000}, times the model's
 * batch multiplier for Batch API calls. Exact {@link BigDecimal} arithmetic, rounded once at the end,
 * HALF_EVEN to 10 decimal places (far below a cent, so sums over millions of calls stay exact to the
 * cent), then trailing zeros stripped so {@code 0.5} is not sent as {@code 0.5000000000}.
 */
public final class CostCalculator {

	/** Decimal places of a cost in USD. */
	public static final int SCALE = 10;


	private CostCalculator() {
	}

	/**
	 * @param batch whether the call ran through the Batch API
	 * @return the cost in USD, never negative
	 */
	public static BigDecimal cost(ModelPrice price, TokenUsage usage, boolean batch) {
		BigDecimal raw = BigDecimal.valueOf(usage.promptTokens())
			.multiply(price.inputPerMillionUsd())
			.add(BigDecimal.valueOf(usage.completionTokens()).multiply(price.outputPerMillionUsd()))
			.movePointLeft(6);
		if (batch) {
			raw = raw.multiply(price.batchMultiplier());
		}
		BigDecimal rounded = raw.setScale(SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
		// stripTrailingZeros turns 0.0000000000 into 0E-10 on older JDKs; normalise to plain 0
		return (rounded.signum() == 0) ? BigDecimal.ZERO : rounded;
	}

}
