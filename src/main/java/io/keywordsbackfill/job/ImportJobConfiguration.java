package io.keywordsbackfill.job;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.keywordsbackfill.delivery.DeliveryCounters;
import io.keywordsbackfill.delivery.DeliveryEvents;
import io.keywordsbackfill.delivery.DeliveryOptions;
import io.keywordsbackfill.delivery.DryRunSink;
import io.keywordsbackfill.delivery.KeywordsAiClient;
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
import io.keywordsbackfill.source.SourceFile;
import io.keywordsbackfill.source.TogetherBatchItemReader;

/**
 * The import job: one chunk-oriented step that reads a source, maps each record to a Keywords AI log and
 * delivers it. The step is not fault-tolerant on purpose: bad records travel to the writer as
 * {@link io.keywordsbackfill.mapping.RejectedRecord}s, and an exception means a whole request failed, which
 * must fail the step (restartable) rather than trigger a skip-and-rescan.
 */
@Configuration(proxyBeanMethods = false)
public class ImportJobConfiguration {

	public static final String JOB_NAME = "import";

	public static final String STEP_NAME = "deliver";

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	Job importJob(JobRepository jobRepository, Step deliverStep, RunOwnerListener runOwnerListener) {
		return new JobBuilder(JOB_NAME, jobRepository).listener(runOwnerListener).start(deliverStep).build();
	}

	@Bean
	Step deliverStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			BackfillProperties properties, ItemStreamReader<SourceItem> sourceReader,
			SourceItemProcessor sourceItemProcessor, KeywordsLogWriter keywordsLogWriter,
			StepStatsListener stepStatsListener, ProgressReporter progressReporter) {
		return new StepBuilder(STEP_NAME, jobRepository).<SourceItem, ProcessedItem>chunk(properties.chunkSize())
			.transactionManager(transactionManager)
			.reader(sourceReader)
			.processor(sourceItemProcessor)
			.writer(keywordsLogWriter)
			.listener(stepStatsListener)
			.listener(progressReporter)
			.build();
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem> sourceReader(@Value("#{stepExecution}") StepExecution stepExecution) {
		ImportParameters params = ImportParameters.from(stepExecution.getJobExecution().getJobParameters());
		if (!"together-batch".equals(params.format())) {
			throw new IllegalArgumentException("unsupported format: " + params.format());
		}
		return new TogetherBatchItemReader(sourceFile(params.output(), params.outputSha256()),
				sourceFile(params.batchInput(), params.batchInputSha256()),
				sourceFile(params.errors(), params.errorsSha256()));
	}

	private static SourceFile sourceFile(Path path, String sha256) {
		return path == null ? null : new SourceFile(path, sha256, path.toString());
	}

	@Bean
	PriceCatalog priceCatalog(BackfillProperties properties) {
		return properties.pricesFile() == null ? PriceCatalog.load() : PriceCatalog.load(properties.pricesFile());
	}

	@Bean
	@StepScope
	SourceItemProcessor sourceItemProcessor(PriceCatalog priceCatalog,
			@Value("#{stepExecution}") StepExecution stepExecution) {
		ImportParameters params = ImportParameters.from(stepExecution.getJobExecution().getJobParameters());
		MappingOptions options = new MappingOptions(params.batchCompletedAt(), null, null);
		return new SourceItemProcessor(new KeywordsLogMapper(priceCatalog, options));
	}

	@Bean(destroyMethod = "shutdownNow")
	ExecutorService deliveryExecutor(BackfillProperties properties) {
		return Executors.newFixedThreadPool(properties.concurrency(), runnable -> {
			Thread thread = new Thread(runnable, "delivery");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Bean
	@StepScope
	KeywordsLogWriter keywordsLogWriter(Ledger ledger, PendingDeliveries pending, RejectStore rejects,
			StepStatsStore stats, PlatformTransactionManager transactionManager, ExecutorService deliveryExecutor,
			BackfillProperties properties, KeywordsAiProperties keywordsAi, MeterRegistry meterRegistry,
			@Value("#{stepExecution}") StepExecution stepExecution) {
		ImportParameters params = ImportParameters.from(stepExecution.getJobExecution().getJobParameters());
		// Plain objects, not step-scoped beans: the delivery threads have no step scope to resolve them in.
		DeliveryCounters deliveryCounters = new DeliveryCounters();
		DeliveryEvents deliveryEvents = new MetricsDeliveryEvents(deliveryCounters, meterRegistry, JOB_NAME);
		LogSink logSink = params.dryRun() ? new DryRunSink(params.dryRunOut())
				: new KeywordsAiClient(keywordsAi, null, RetryPolicy.of(keywordsAi.retry()), deliveryEvents);
		TransactionTemplate ownTransaction = new TransactionTemplate(transactionManager);
		ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		DeliveryOptions options = new DeliveryOptions(keywordsAi.maxBatchLogs(), keywordsAi.maxBatchBytes().toBytes(),
				properties.concurrency(), params.dryRun(), params.resend());
		return new KeywordsLogWriter(ledger, pending, rejects, stats, logSink, deliveryCounters, deliveryEvents,
				ownTransaction, deliveryExecutor, options, stepExecution.getJobExecutionId(), stepExecution.getId());
	}

}
