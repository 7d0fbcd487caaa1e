package io.keywordsbackfill.mapping;

import java.util.Objects;

import org.springframework.batch.infrastructure.item.ItemProcessor;

import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.record.UnreadableRecord;
import io.keywordsbackfill.record.UsageRecord;

/**
 * Maps each source item to a log, a rejection or a log outside the import window; never filters (returns
 * null) and never throws for bad data, so every line is accounted for by the writer.
 * <ul>
 * <li>An {@link UnreadableRecord} becomes a {@link RejectedRecord} with the same reason and message and its
 * (already redacted) excerpt as payload.</li>
 * <li>A {@link UsageRecord} goes to the {@link KeywordsLogMapper}, which also decides whether its time is inside
 * the window ({@link OutsideWindow}).</li>
 * </ul>
 * Repeated source ids are the writer's business: it sees the encoded log, whose content tells a repeat of one
 * record from another record under the same id.
 */
public class SourceItemProcessor implements ItemProcessor<SourceItem, ProcessedItem> {

	private final KeywordsLogMapper mapper;

	public SourceItemProcessor(KeywordsLogMapper mapper) {
		this.mapper = Objects.requireNonNull(mapper, "mapper");
	}

	@Override
	public ProcessedItem process(SourceItem item) {
		if (item instanceof UnreadableRecord unreadable) {
			return new RejectedRecord(unreadable.position(), unreadable.sourceId(), unreadable.reason(),
					unreadable.message(), unreadable.excerpt());
		}
		return this.mapper.map((UsageRecord) item);
	}

}
