package io.keywordsbackfill.remote;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.dao.OptimisticLockingFailureException;

import io.keywordsbackfill.job.ImportJobConfiguration;
import io.keywordsbackfill.job.ImportLauncher;
import io.keywordsbackfill.job.RunResources;
import io.keywordsbackfill.source.FingerprintCache;

/**
 * A worker: takes partition requests from the queue, one per consumer, and runs each with Spring Batch's
 * {@link StepExecutionRequestHandler} as the step {@value ImportJobConfiguration#PARTITION_STEP_NAME}, the same
 * step a local run runs on its threads, against the shared job repository and ledger.
 * <p>
 * A request is acknowledged once its partition has ended, and each consumer holds one unacknowledged request
 * at a time, so requests not yet started stay in the queue for other workers. A partition runs once: the
 * worker claims it in the job repository first, and a request for a partition that another worker claimed
 * (RabbitMQ delivers again what a dead worker held), that ended, or that the manager gave up, is dropped.
 * Before it reads, it checks that the partition's files are, at their paths on this machine, the content the
 * manager fingerprinted. While it lives the worker renews a heartbeat, by which the manager tells it from a
 * dead one.
 */
public class RemoteWorker {

	private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);

	private static final Duration CONSUMER_CANCEL_WAIT = Duration.ofSeconds(10);

	private final String name;

	private final RemoteProperties remote;

	private final Workers workers;

	private final JobRepository jobRepository;

	private final RunResources runResources;

	private final FingerprintCache fingerprints;

	private final StepExecutionRequestHandler requests = new StepExecutionRequestHandler();

	private final SimpleMessageListenerContainer container;

	private final RabbitAdmin admin;

	/** The partitions running here, so a shutdown can stop them after their current chunk. */
	private final Map<Long, StepExecution> running = new ConcurrentHashMap<>();

	private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
		Thread thread = new Thread(task, "worker-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * @param partitions how many partitions this worker runs at once
	 */
	RemoteWorker(String name, RemoteProperties remote, Workers workers, JobRepository jobRepository, Step partitionStep,
			RunResources runResources, FingerprintCache fingerprints, ConnectionFactory connectionFactory,
			RabbitAdmin admin, int partitions) {
		this.name = name;
		this.remote = remote;
		this.workers = workers;
		this.jobRepository = jobRepository;
		this.runResources = runResources;
		this.fingerprints = fingerprints;
		this.admin = admin;
		this.requests.setJobRepository(jobRepository);
		// The handler runs the step with the execution it loads; wrapping the step lets a shutdown reach it.
		Step tracked = new TrackedStep(partitionStep, this.running);
		this.requests.setStepLocator(stepName -> tracked.getName().equals(stepName) ? tracked : null);
		this.container = new SimpleMessageListenerContainer(connectionFactory);
		this.container.setQueueNames(remote.queue());
		this.container.setConcurrentConsumers(partitions);
		this.container.setPrefetchCount(1);
		this.container.setAcknowledgeMode(AcknowledgeMode.AUTO);
		// a request that failed before its partition was claimed (database unreachable) goes back for another try
		this.container.setDefaultRequeueRejected(true);
		this.container.setShutdownTimeout(remote.shutdownGrace().plus(Duration.ofMinutes(1)).toMillis());
		this.container.setMessageListener(this::onMessage);
	}

	public String name() {
		return this.name;
	}

	/** Registers this worker, starts its heartbeat and starts taking partitions. */
	public void start() {
		RemoteConfiguration.declareQueue(this.admin, this.remote);
		this.workers.register(this.name, this.remote.queue());
		long interval = this.remote.heartbeatInterval().toMillis();
		this.heartbeat.scheduleAtFixedRate(this::beat, interval, interval, TimeUnit.MILLISECONDS);
		this.container.afterPropertiesSet();
		this.container.start();
		log.info("Worker {} listening on queue {} at {}", this.name, this.remote.queue(), this.remote.broker());
	}

	/**
	 * Takes no new partition, gives the running ones {@link RemoteProperties#shutdownGrace()} to finish, then stops
	 * them after their current chunk (they end {@code STOPPED}; {@code restart} continues them), and deregisters.
	 */
	public void stop() throws InterruptedException {
		log.info("Worker {} stopping: no new partitions; {} running", this.name, this.running.size());
		Thread consumers = new Thread(this.container::stop, "worker-stop");
		consumers.setDaemon(true);
		consumers.start();
		if (!awaitIdle(System.nanoTime() + this.remote.shutdownGrace().toNanos())) {
			log.warn("Worker {}: partitions still running after {}; stopping them after their current chunk", this.name,
					RemotePartitionHandler.format(this.remote.shutdownGrace()));
			this.running.values().forEach(StepExecution::setTerminateOnly);
			awaitIdle(Long.MAX_VALUE);
		}
		// Cancelling a consumer waits for the broker's answer, which was seen to never come; once no partition
		// runs here, closing the connection (with the application) hands back whatever was not acknowledged.
		consumers.join(CONSUMER_CANCEL_WAIT.toMillis());
		if (consumers.isAlive()) {
			log.warn("Worker {}: RabbitMQ did not confirm the end of its consumers within {}; closing the connection",
					this.name, RemotePartitionHandler.format(CONSUMER_CANCEL_WAIT));
		}
		this.heartbeat.shutdownNow();
		this.workers.deregister(this.name);
		log.info("Worker {} stopped", this.name);
	}

	/** Waits until no partition runs here, or the deadline ({@link System#nanoTime()}) passes. */
	private boolean awaitIdle(long deadline) throws InterruptedException {
		while (!this.running.isEmpty()) {
			if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
				return false;
			}
			Thread.sleep(100);
		}
		return true;
	}

	private void beat() {
		try {
			this.workers.heartbeat(this.name);
		}
		catch (RuntimeException ex) {
			// the next beat may get through; missing beats for dead-after makes the manager give up our partitions
			log.warn("Worker {}: heartbeat failed: {}", this.name, ex.getMessage());
		}
	}

	private void onMessage(Message message) {
		PartitionRequest request;
		try {
			request = PartitionRequest.fromJson(message.getBody());
		}
		catch (RuntimeException ex) {
			throw new AmqpRejectAndDontRequeueException("not a partition request: " + ex.getMessage(), ex);
		}
		MDC.put("run", String.valueOf(request.jobExecutionId()));
		MDC.put("context", "run=" + request.jobExecutionId() + " worker=" + this.name + " ");
		try {
			StepExecution partition = this.jobRepository.getStepExecution(request.stepExecutionId());
			if (partition == null || partition.getStatus() != BatchStatus.STARTING
					|| !partition.getJobExecution().getStatus().isRunning()) {
				log.info("Dropping request for partition {}: it is {}", request.stepExecutionId(),
						partition == null ? "unknown" : partition.getStatus());
				return;
			}
			if (!this.workers.claim(request.stepExecutionId(), request.jobExecutionId(), this.name)) {
				log.info("Dropping request for partition {}: another worker took it", partition.getStepName());
				return;
			}
			Optional<String> changed = ImportLauncher.changedFile(partition.getExecutionContext(),
					this.fingerprints::fingerprint);
			if (changed.isPresent()) {
				refuse(partition, changed.get());
				return;
			}
			log.info("Running partition {} (step execution {})", partition.getStepName(), partition.getId());
			StepExecution ended = this.requests.handle(request.toStepExecutionRequest());
			persistIfUnrecorded(ended);
			log.info("Partition {} ended {}", ended.getStepName(), ended.getStatus());
		}
		finally {
			if (this.running.values().stream().noneMatch(p -> p.getJobExecutionId() == request.jobExecutionId())) {
				this.runResources.finished(request.jobExecutionId());
			}
			MDC.remove("run");
			MDC.remove("context");
		}
	}

	/**
	 * Fails a partition whose input this worker does not see as the run read it (another file at the path, or
	 * none): reading it would resume at byte offsets into other content.
	 */
	private void refuse(StepExecution partition, String why) {
		String message = "partition " + partition.getStepName() + " not run on worker " + this.name + ": " + why
				+ "; every worker must see the input files the manager read, at the same paths";
		log.error(message);
		partition.setStartTime(LocalDateTime.now());
		partition.setStatus(BatchStatus.FAILED);
		partition.setExitStatus(ExitStatus.FAILED.addExitDescription(message));
		partition.setEndTime(LocalDateTime.now());
		this.jobRepository.update(partition);
	}

	/**
	 * The request handler leaves to its caller the status of a step that threw before it could record it (a
	 * step records its own end otherwise).
	 */
	private void persistIfUnrecorded(StepExecution ended) {
		StepExecution stored = this.jobRepository.getStepExecution(ended.getId());
		if (stored != null && stored.getStatus().isRunning() && !ended.getStatus().isRunning()) {
			try {
				this.jobRepository.update(ended);
			}
			catch (OptimisticLockingFailureException ex) {
				log.warn("Partition {}: could not record its end ({}): {}", ended.getStepName(), ended.getStatus(),
						ex.getMessage());
			}
		}
	}

	/** The partition step, remembering the executions it runs while they run. */
	private record TrackedStep(Step step, Map<Long, StepExecution> running) implements Step {

		@Override
		public String getName() {
			return this.step.getName();
		}

		@Override
		public void execute(StepExecution stepExecution) throws JobInterruptedException {
			this.running.put(stepExecution.getId(), stepExecution);
			try {
				this.step.execute(stepExecution);
			}
			finally {
				this.running.remove(stepExecution.getId());
			}
		}

	}

}
