package io.keywordsbackfill.mapping;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import org.springframework.batch.infrastructure.item.ItemProcessor;

import io.keywordsbackfill.record.RejectReason;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;

/**
 * Maps each source item to a log or a rejection; never filters (returns null) and never throws for bad
 * data, so every line is accounted for by the writer.
 * <ul>
 * <li>An {@link UnreadableRecord} becomes a {@link RejectedRecord} with the same reason and message and its
 * (already redacted) excerpt as payload.</li>
 * <li>A {@link UsageRecord} whose source id was already seen by this processor instance becomes a
 * {@code DUPLICATE_SOURCE_ID} rejection (sending it would store the call twice); otherwise it goes to the
 * {@link KeywordsLogMapper}.</li>
 * </ul>
 * The seen-id set lives as long as the instance (one step execution) and grows with the number of
 * records; ids of earlier runs and restarts are the delivery ledger's job. A bounded structure can
 * replace it if a single file ever holds too many records for the heap.
 */
public class SourceItemProcessor implements ItemProcessor<SourceItem, ProcessedItem> {

	private final KeywordsLogMapper mapper;

	private final Set<String> seenSourceIds = new HashSet<>();

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
