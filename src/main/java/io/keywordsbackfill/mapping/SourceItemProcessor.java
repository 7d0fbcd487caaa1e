package io.keywordsbackfill.mapping;

import java.util.Objects;

import org.springframework.batch.infrastructure.item.ItemProcessor;

import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;

/**
 * Maps each source item to a log, a rejection or a log outside the import window; never filters (returns
 * null) and never throws for bad data, so every line is accounted for by the writer.
 * <ul>
 * <li>An {@link UnreadableRecord} becomes a {@link RejectedRecord} with the same reason and message and its
 * (already redacted) excerpt as payload.</li>
 * <li>A {@link UsageRecord} whose source id was already seen by this processor instance becomes a
 * {@code DUPLICATE_SOURCE_ID} rejection (sending it would store the call twice); otherwise it goes to the
 * {@link KeywordsLogMapper}, which also decides whether its time is inside the window
 * ({@link OutsideWindow}).</li>
 * </ul>
 * The seen-id memory holds the last {@value #RECENT_IDS} ids of the instance (one partition), so memory stays
 * flat on files of millions of lines; a repeat further back, like ids of earlier runs and restarts, is
 * caught by the delivery ledger instead (counted as already sent rather than rejected with its line).
 */
public class SourceItemProcessor implements ItemProcessor<SourceItem, ProcessedItem> {

	private final KeywordsLogMapper mapper;

	/** About 3 MB of fingerprints, allocated once; far enough back for repeats inside one export. */
	static final int RECENT_IDS = 100_000;

	private final RecentIds seenSourceIds = new RecentIds(RECENT_IDS);

	public SourceItemProcessor(KeywordsLogMapper mapper) {
		this.mapper = Objects.requireNonNull(mapper, "mapper");
	}

	@Override
	public ProcessedItem process(SourceItem item) {
		if (item instanceof UnreadableRecord unreadable) {
			return new RejectedRecord(unreadable.position(), unreadable.sourceId(), unreadable.reason(),
					unreadable.message(), unreadable.excerpt());
		}
		UsageRecord record = (UsageRecord) item;
		if (record.sourceId() != null && !this.seenSourceIds.add(record.sourceId())) {
			return new RejectedRecord(record.position(), record.sourceId(),
					RejectReason.DUPLICATE_SOURCE_ID,
					"source id " + record.sourceId() + " already appeared earlier in this run", null);
		}
		return this.mapper.map(record);
	}

}
