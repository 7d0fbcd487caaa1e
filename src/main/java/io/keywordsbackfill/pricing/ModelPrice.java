package io.keywordsbackfill.pricing;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The price of one model over one period.
 *
 * @param model the model as the catalog spells it
 * @param inputPerMillionUsd USD per 1M prompt tokens
 * @param outputPerMillionUsd USD per 1M completion tokens
 * @param batchMultiplier factor on the cost of Batch API calls (0.5 = half price; 1 = no discount)
 * @param effectiveFrom first UTC day the price applies (inclusive), null for "since ever"
 * @param effectiveTo first UTC day it no longer applies (exclusive), null for "still in force"
 * @param source where the price comes from, including what is unconfirmed about it
 */
public record ModelPrice(String model, BigDecimal inputPerMillionUsd, BigDecimal outputPerMillionUsd,
		BigDecimal batchMultiplier, LocalDate effectiveFrom, LocalDate effectiveTo, String source) {

	/** Whether the price is in force on a UTC date. */
	public boolean appliesOn(LocalDate date) {
		return (this.effectiveFrom == null || !date.isBefore(this.effectiveFrom))
				&& (this.effectiveTo == null || date.isBefore(this.effectiveTo));
	}

	boolean overlaps(ModelPrice other) {
		boolean startsBeforeOtherEnds = this.effectiveFrom == null || other.effectiveTo == null
				|| this.effectiveFrom.isBefore(other.effectiveTo);
		boolean otherStartsBeforeThisEnds = other.effectiveFrom == null || this.effectiveTo == null
				|| other.effectiveFrom.isBefore(this.effectiveTo);
		return startsBeforeOtherEnds && otherStartsBeforeThisEnds;
	}

}
