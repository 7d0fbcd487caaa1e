package io.keywordsbackfill.mapping;

import java.time.Instant;

import io.keywordsbackfill.record.SourcePosition;

/**
 * A record that maps to a log whose {@code timestamp} is outside the run's {@link ImportWindow}: neither sent nor
 * rejected, only counted (as {@code outside_window}). A record that cannot become a log at all is a
 * {@link RejectedRecord} instead, whatever its time.
 *
 * @param position where it was read
 * @param sourceId its source id
 * @param timestamp the time the log would have been sent with
 */
public record OutsideWindow(SourcePosition position, String sourceId, Instant timestamp) implements ProcessedItem {
}
