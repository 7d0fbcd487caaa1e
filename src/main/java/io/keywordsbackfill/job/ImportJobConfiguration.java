package io.keywordsbackfill.job;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.MDC;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import io.keywordsbackfill.delivery.KeywordsAiHttp;
import io.keywordsbackfill.delivery.KeywordsAiProperties;
import io.keywordsbackfill.delivery.Ledger;
import io.keywordsbackfill.delivery.PendingDeliveries;
import io.keywordsbackfill.delivery.RejectStore;
import io.keywordsbackfill.delivery.StepStatsStore;
import io.keywordsbackfill.pricing.PriceCatalog;
import io.keywordsbackfill.source.FingerprintCache;

/**
 * The import job. Its step {@value #STEP_NAME} cuts the input into partitions (files, and line-aligned byte
 * ranges of large plain files, see {@link ImportPartitioner}) and runs them in parallel as worker steps
 * {@value #PARTITION_STEP_NAME}; each worker is a chunk-oriented step that reads, maps each record to a
 * Keywords AI log and delivers it, with its own restart position, so a restart repeats only the partitions
 * that did not complete, from their last committed chunk.
 * <p>
 * Workers are not fault-tolerant on purpose: bad records travel to the writer as
 * {@link io.keywordsbackfill.mapping.RejectedRecord}s, and an exception means a whole request failed, which
 * must fail the step (restartable) rather than trigger a skip-and-rescan that would resend good records.
 */
@Configuration(proxyBeanMethods = false)
public class ImportJobConfiguration {

	public static final String JOB_NAME = "import";

	public static final String STEP_NAME = "deliver";

	public static final String PARTITION_STEP_NAME = "deliver-partition";

	/** A non-identifying job parameter: where the partitions run, {@value #REMOTE} or in this process. */
	public static final String PARTITIONING = "partitioning";

	public static final String REMOTE = "remote";

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	FingerprintCache fingerprintCache(JdbcTemplate jdbc, Clock clock, BackfillProperties properties) {
		return new FingerprintCache(jdbc, clock, properties.fingerprintCache());
	}

	/** Closed with the application (its idle connections and threads). */
	@Bean
	KeywordsAiHttp keywordsAiHttp(KeywordsAiProperties keywordsAi, BackfillProperties properties) {
		return new KeywordsAiHttp(keywordsAi, properties.maxConcurrency());
	}

	@Bean
	Job importJob(JobRepository jobRepository, Step deliverStep, RunOwnerListener runOwnerListener) {
		return new JobBuilder(JOB_NAME, jobRepository).listener(runOwnerListener).start(deliverStep).build();
	}

	/**
	 * The worker step, run once per partition: on threads of this process, or by a {@code worker} process that
	 * finds it by its name, {@value #PARTITION_STEP_NAME}.
	 */
	@Bean
	public Step deliverPartitionStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			BackfillProperties properties, KeywordsAiProperties keywordsAi, PriceCatalog priceCatalog, Ledger ledger,
			PendingDeliveries pending, RejectStore rejects, StepStatsStore stats, ExecutorService deliveryExecutor,
			KeywordsAiHttp http, RunResources runResources, MeterRegistry meterRegistry,
			StepStatsListener stepStatsListener, ProgressReporter progressReporter) {
		return new PartitionWorkerStep(new PartitionWorkerStep.Parts(jobRepository, transactionManager, properties,
				keywordsAi, priceCatalog, ledger, pending, rejects, stats, deliveryExecutor, http, runResources,
				meterRegistry, stepStatsListener, progressReporter));
	}

	/**
	 * @param remotePartitionHandler sends the partitions of a run started with {@code --remote} to workers
	 */
	@Bean
	Step deliverStep(JobRepository jobRepository, ImportPartitioner importPartitioner, BackfillProperties properties,
			Step deliverPartitionStep, ProgressReporter progressReporter, DataSource dataSource,
			@Qualifier("remotePartitionHandler") ObjectProvider<PartitionHandler> remotePartitionHandler) {
		ConnectionPoolCheck.check(dataSource, properties);
		SimpleAsyncTaskExecutor partitionThreads = new SimpleAsyncTaskExecutor("partition-");
		partitionThreads.setConcurrencyLimit(properties.partitions());
		// Log lines of a partition carry the run's context (run id, job), set on the launching thread.
		partitionThreads.setTaskDecorator(task -> {
			Map<String, String> logContext = MDC.getCopyOfContextMap();
			return () -> {
				if (logContext != null) {
					MDC.setContextMap(logContext);
				}
				try {
					task.run();
				}
				finally {
					MDC.clear();
				}
			};
		});
		TaskExecutorPartitionHandler local = new TaskExecutorPartitionHandler();
		local.setStep(deliverPartitionStep);
		local.setTaskExecutor(partitionThreads);
		local.setGridSize(properties.partitions());
		return new StepBuilder(STEP_NAME, jobRepository).partitioner(PARTITION_STEP_NAME, importPartitioner)
			.partitionHandler(new PartitioningChoice(local, remotePartitionHandler))
			.listener(progressReporter.endOfRun())
			.build();
	}

	@Bean
	@StepScope
	ImportPartitioner importPartitioner(BackfillProperties properties,
			@Value("#{stepExecution}") StepExecution stepExecution) {
		return new ImportPartitioner(ImportParameters.from(stepExecution.getJobExecution().getJobParameters()),
				properties.minPartitionBytes().toBytes());
	}

	@Bean
	PriceCatalog priceCatalog(BackfillProperties properties) {
		return properties.pricesFile() == null ? PriceCatalog.load() : PriceCatalog.load(properties.pricesFile());
	}

	/** Threads that carry requests; the throttle, not this pool, decides how many are in flight. */
	@Bean(destroyMethod = "shutdownNow")
	ExecutorService deliveryExecutor(BackfillProperties properties) {
		return Executors.newFixedThreadPool(properties.maxConcurrency(), runnable -> {
			Thread thread = new Thread(runnable, "delivery");
			thread.setDaemon(true);
			return thread;
		});
	}

}
