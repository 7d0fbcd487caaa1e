package io.keywordsbackfill.job;

import java.util.List;
import java.util.concurrent.ExecutorService;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.keywordsbackfill.delivery.CompositeDeliveryEvents;
import io.keywordsbackfill.delivery.DeliveryCounters;
import io.keywordsbackfill.delivery.DeliveryEvents;
import io.keywordsbackfill.delivery.DeliveryOptions;
import io.keywordsbackfill.delivery.DeliveryThrottle;
import io.keywordsbackfill.delivery.KeywordsAiClient;
import io.keywordsbackfill.delivery.KeywordsAiHttp;
import io.keywordsbackfill.delivery.KeywordsAiProperties;
import io.keywordsbackfill.delivery.KeywordsLogWriter;
import io.keywordsbackfill.delivery.Ledger;
import io.keywordsbackfill.delivery.LogSink;
import io.keywordsbackfill.delivery.MetricsDeliveryEvents;
import io.keywordsbackfill.delivery.PendingDeliveries;
import io.keywordsbackfill.delivery.RejectStore;
import io.keywordsbackfill.delivery.RetryPolicy;
import io.keywordsbackfill.delivery.StepStatsStore;
import io.keywordsbackfill.mapping.KeywordsLogMapper;
import io.keywordsbackfill.mapping.MappingOptions;
import io.keywordsbackfill.mapping.ProcessedItem;
import io.keywordsbackfill.mapping.SourceItemProcessor;
import io.keywordsbackfill.pricing.PriceCatalog;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.source.BatchCompletion;
import io.keywordsbackfill.source.BatchInputIndexes;
import io.keywordsbackfill.source.ChatLogItemReader;
import io.keywordsbackfill.source.FileChangeGuard;
import io.keywordsbackfill.source.FileSequenceReader;
import io.keywordsbackfill.source.LineReader;
import io.keywordsbackfill.source.TogetherBatchItemReader;
import io.keywordsbackfill.source.UsageCsvItemReader;

/**
 * The worker step of the partitioned {@code deliver} step: for each partition's execution it builds a
 * chunk-oriented step around a reader, processor and writer made for that partition, and runs it.
 * <p>
 * Plain objects rather than step-scoped beans, because a scoped proxy resolves its target in the bean
 * factory on every call, twice per record (read and process). The steps it builds are not Spring beans either,
 * so Spring Batch's observability post-processor cannot give them a per-item observation registry (this step
 * is one, so that a {@code worker} process finds it by name; it is not an {@code AbstractStep}, which is what
 * that post-processor changes).
 */
final class PartitionWorkerStep implements Step {

	/** What a partition's reader, processor and writer are made from: the application's singletons. */
	record Parts(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			BackfillProperties properties, KeywordsAiProperties keywordsAi, PriceCatalog priceCatalog, Ledger ledger,
			PendingDeliveries pending, RejectStore rejects, StepStatsStore stats, ExecutorService deliveryExecutor,
			KeywordsAiHttp http, RunResources runResources, MeterRegistry meterRegistry, StepStatsListener stepStatsListener,
			ProgressReporter progressReporter) {
	}

	private final Parts parts;

	PartitionWorkerStep(Parts parts) {
		this.parts = parts;
	}

	@Override
	public String getName() {
		return ImportJobConfiguration.PARTITION_STEP_NAME;
	}

	@Override
	public void execute(StepExecution stepExecution) throws JobInterruptedException {
		ImportParameters params = ImportParameters.from(stepExecution.getJobExecution().getJobParameters());
		Partition partition = Partition.from(stepExecution.getExecutionContext());
		ItemStreamReader<SourceItem> reader = reader(partition,
				this.parts.runResources().batchInputIndexes(stepExecution.getJobExecutionId()));
		Step step = new StepBuilder(getName(), this.parts.jobRepository())
			.<SourceItem, ProcessedItem>chunk(this.parts.properties().chunkSize())
			.transactionManager(this.parts.transactionManager())
			.reader(reader)
			.processor(processor(params, partition, stepExecution.getJobExecutionId()))
			.writer(writer(params, stepExecution))
			.listener(this.parts.stepStatsListener())
			.listener(this.parts.progressReporter())
			.observationRegistry(ObservationRegistry.NOOP)
			.build();
		ProgressReporter progress = this.parts.progressReporter();
		progress.reading(stepExecution.getId(), reader);
		try {
			step.execute(stepExecution);
		}
		finally {
			// here rather than in afterStep, which a step that fails to start never reaches
			progress.doneReading(stepExecution.getId());
		}
	}

	/**
	 * The partition's files read one after the other, each checked for changes while it is read; a byte range
	 * or an error file is a sequence of one.
	 */
	private static FileSequenceReader reader(Partition partition, BatchInputIndexes batchInputIndexes) {
		InputOptions options = InputOptions.fromJson(partition.options());
		List<Partition.Member> files = partition.files();
		return new FileSequenceReader(FileSequenceReader.DEFAULT_NAME, readerName(partition.format()),
				files.stream().map(Partition.Member::file).toList(), (index, name) -> {
					Partition.Member member = files.get(index);
					return FileChangeGuard.around(formatReader(partition, options, member, name, batchInputIndexes),
							member.file(),
							member.batchInput());
				});
	}

	private static String readerName(String format) {
		return switch (format) {
			case "together-batch" -> TogetherBatchItemReader.DEFAULT_NAME;
			case "chat-log" -> ChatLogItemReader.DEFAULT_NAME;
			case "usage-csv" -> UsageCsvItemReader.DEFAULT_NAME;
			default -> throw new IllegalArgumentException("unknown format: " + format);
		};
	}

	private static ItemStreamReader<SourceItem> formatReader(Partition partition, InputOptions options,
			Partition.Member member, String name, BatchInputIndexes batchInputIndexes) {
		return switch (partition.format()) {
			case "together-batch" -> new TogetherBatchItemReader(name, member.file(), member.batchInput(), null,
					LineReader.DEFAULT_MAX_LINE_BYTES)
				.onlyRange(partition.range())
				.sharingIndexes(batchInputIndexes);
			case "chat-log" -> new ChatLogItemReader(name, member.file(), options.chatLog(),
					LineReader.DEFAULT_MAX_LINE_BYTES);
			case "usage-csv" -> new UsageCsvItemReader(name, member.file(), options.usageCsv(),
					LineReader.DEFAULT_MAX_LINE_BYTES);
			default -> throw new IllegalArgumentException("unknown format: " + partition.format());
		};
	}

	private SourceItemProcessor processor(ImportParameters params, Partition partition, long jobExecutionId) {
		MappingOptions options = new MappingOptions(params.batchCompletedAt(), params.exportedCost(),
				params.unpricedModel());
		if (params.batchCompletedAt() == null && partition.errorsOf() != null) {
			// error lines have no time: without --batch-completed-at, the batch's latest completion stands in
			options = new MappingOptions(BatchCompletion.latestCreated(partition.errorsOf()).orElse(null),
					params.exportedCost(), params.unpricedModel(), BatchCompletion.source());
		}
		// the window applies to the time a log is sent with, the fallback time included
		return new SourceItemProcessor(
				new KeywordsLogMapper(this.parts.runResources().priceCatalog(jobExecutionId, params.settings(),
						this.parts.priceCatalog()), options.withWindow(params.window())));
	}

	/** Whether logs in doubt that no one could look up are sent again (else set aside as {@code in_doubt}). */
	static boolean resendInDoubt(BackfillProperties properties) {
		return switch (properties.inDoubt()) {
			case RESEND -> true;
			case REJECT -> false;
			case RECONCILE -> properties.reconcile().fallback() == BackfillProperties.Fallback.RESEND;
		};
	}

	private KeywordsLogWriter writer(ImportParameters params, StepExecution stepExecution) {
		RunResources runResources = this.parts.runResources();
		KeywordsAiProperties keywordsAi = this.parts.keywordsAi();
		// The run's throttle is shared by its partitions; counters and events are this partition's.
		DeliveryThrottle throttle = runResources.forRun(stepExecution.getJobExecutionId(),
				RunLimits.readFrom(stepExecution.getExecutionContext())
					.orElseGet(() -> RunLimits.of(this.parts.properties(), params.settings())));
		DeliveryCounters deliveryCounters = new DeliveryCounters();
		DeliveryEvents deliveryEvents = new MetricsDeliveryEvents(deliveryCounters, this.parts.meterRegistry(),
				ImportJobConfiguration.JOB_NAME);
		LogSink logSink = params.dryRun() ? runResources.dryRunSink(stepExecution.getJobExecutionId(), params.dryRunOut())
				: new KeywordsAiClient(keywordsAi, this.parts.http().client(),
						RetryPolicy.of(keywordsAi.retry(), runResources.retryWaits(stepExecution.getJobExecutionId())),
						new CompositeDeliveryEvents(List.of(deliveryEvents, throttle.concurrency())),
						runResources.serverAnswered(stepExecution.getJobExecutionId()), runResources.storedLogs());
		TransactionTemplate ownTransaction = new TransactionTemplate(this.parts.transactionManager());
		ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		int maxBatchLogs = (params.settings().maxBatchLogs() != null) ? params.settings().maxBatchLogs()
				: keywordsAi.maxBatchLogs();
		DeliveryOptions options = new DeliveryOptions(maxBatchLogs, keywordsAi.maxBatchBytes().toBytes(),
				params.dryRun(), params.resend(), resendInDoubt(this.parts.properties()));
		return new KeywordsLogWriter(this.parts.ledger(), this.parts.pending(), this.parts.rejects(), this.parts.stats(),
				logSink, deliveryCounters, deliveryEvents, ownTransaction, this.parts.deliveryExecutor(), throttle,
				() -> runResources.inDoubt(stepExecution.getJobExecutionId(), !params.dryRun()),
				runResources.claims(stepExecution.getJobExecutionId()), options,
				stepExecution.getJobExecution().getJobInstance().getInstanceId(), stepExecution.getJobExecutionId(),
				stepExecution.getId());
	}

}
