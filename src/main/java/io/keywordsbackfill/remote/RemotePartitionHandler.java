package io.keywordsbackfill.remote;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.OptimisticLockingFailureException;

import io.keywordsbackfill.job.BackfillProperties;
import io.keywordsbackfill.job.ImportJobConfiguration;
import io.keywordsbackfill.job.ImportParameters;
import io.keywordsbackfill.job.RunLimits;

/**
 * The manager side of remote partitioning: the partitions that Spring Batch's splitter created in the job
 * repository are published to RabbitMQ as {@link PartitionRequest}s, and their end is awaited by reading the
 * job repository (as {@code MessageChannelPartitionHandler} does when it polls), not through replies: the
 * repository is what a restart reads anyway, and a reply from a dead worker never comes.
 * <p>
 * Waiting is never silent: with no worker listening the run fails after
 * {@link RemoteProperties#noWorkerTimeout()}; a partition whose worker stopped sending heartbeats for
 * {@link RemoteProperties#deadAfter()} is failed, naming the partition and the worker. The run ends once every
 * partition has, so that {@code restart} never runs a partition a live worker still runs.
 */
class RemotePartitionHandler implements PartitionHandler {

	private static final Logger log = LoggerFactory.getLogger(RemotePartitionHandler.class);

	private final RemoteProperties remote;

	private final BackfillProperties properties;

	private final RabbitTemplate rabbit;

	private final RabbitAdmin admin;

	private final JobRepository jobRepository;

	private final Workers workers;

	RemotePartitionHandler(RemoteProperties remote, BackfillProperties properties, RabbitTemplate rabbit,
			RabbitAdmin admin, JobRepository jobRepository, Workers workers) {
		this.remote = remote;
		this.properties = properties;
		this.rabbit = rabbit;
		this.admin = admin;
		this.jobRepository = jobRepository;
		this.workers = workers;
	}

	/**
	 * Waits for a worker, then cuts the run into {@code backfill.partitions} partitions per live worker (a worker
	 * takes as many at once, and RabbitMQ hands messages to consumers in turn: with fewer, the first worker to
	 * have subscribed would take them all), publishes them and waits for their end. A restart's partitions are
	 * those that did not complete, whatever the number of workers.
	 */
	@Override
	public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution managerStepExecution)
			throws Exception {
		long run = managerStepExecution.getJobExecutionId();
		RemoteConfiguration.declareQueue(this.admin, this.remote);
		boolean listening = awaitListener(run);
		int workerCount = Math.max(1, this.workers.live(this.remote.queue(), this.remote.deadAfter()).size());
		Set<StepExecution> partitions = splitter.split(managerStepExecution, this.properties.partitions() * workerCount);
		if (partitions.isEmpty()) {
			return partitions;
		}
		if (!listening) {
			String message = "no worker is listening on queue '" + this.remote.queue() + "' at " + this.remote.broker()
					+ " (waited " + format(this.remote.noWorkerTimeout()) + "): start 'keywords-backfill worker' on a "
					+ "machine that shares this database and the input files, then 'restart " + run + "'";
			for (StepExecution partition : partitions) {
				giveUp(partition, BatchStatus.FAILED, message);
			}
			managerStepExecution.addFailureException(new RemotePartitionException(message));
			return reload(partitions);
		}
		RunLimits share = RunLimits.of(this.properties,
				ImportParameters.from(managerStepExecution.getJobExecution().getJobParameters()).settings())
			.share(workerCount);
		for (StepExecution partition : partitions) {
			share.writeTo(partition.getExecutionContext());
			this.jobRepository.updateExecutionContext(partition);
			publish(new PartitionRequest(ImportJobConfiguration.PARTITION_STEP_NAME, partition.getId(), run));
		}
		log.info("Published {} partitions to queue {} for {} worker(s), each paced at {} of the run's limits",
				partitions.size(), this.remote.queue(), workerCount, workerCount == 1 ? "all" : "1/" + workerCount);
		Set<StepExecution> ended = await(run, partitions);
		String failures = failures(run, ended);
		if (!failures.isEmpty()) {
			managerStepExecution.addFailureException(new RemotePartitionException(failures));
		}
		return ended;
	}

	/** Waits for a consumer on the queue, up to the no-worker timeout. */
	private boolean awaitListener(long run) throws InterruptedException {
		long deadline = System.nanoTime() + this.remote.noWorkerTimeout().toNanos();
		boolean told = false;
		while (consumers() == 0) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			if (!told) {
				log.warn("Run {}: no worker is listening on queue {} yet; waiting up to {}", run, this.remote.queue(),
						format(this.remote.noWorkerTimeout()));
				told = true;
			}
			Thread.sleep(this.remote.pollInterval().toMillis());
		}
		return true;
	}

	private int consumers() {
		QueueInformation info = this.admin.getQueueInfo(this.remote.queue());
		return info == null ? 0 : info.getConsumerCount();
	}

	private void publish(PartitionRequest request) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		this.rabbit.send("", this.remote.queue(), MessageBuilder.withBody(request.toJson()).andProperties(properties).build());
	}

	/**
	 * Reads the partitions' state every poll interval until each has ended, failing those whose worker died and,
	 * when no worker listens any more, those no worker took.
	 */
	private Set<StepExecution> await(long run, Set<StepExecution> partitions) throws InterruptedException {
		Map<Long, StepExecution> waiting = new LinkedHashMap<>();
		partitions.forEach(partition -> waiting.put(partition.getId(), partition));
		List<Long> ids = List.copyOf(waiting.keySet());
		long lastListener = System.nanoTime();
		while (true) {
			Map<Long, String> statuses = this.workers.partitionStatuses(ids, run);
			waiting.keySet().removeIf(id -> !BatchStatus.valueOf(statuses.getOrDefault(id, "UNKNOWN")).isRunning());
			if (waiting.isEmpty()) {
				break;
			}
			Map<Long, String> claims = this.workers.claims(run);
			Set<String> live = this.workers.live(this.remote.queue(), this.remote.deadAfter());
			boolean unclaimed = false;
			for (StepExecution partition : waiting.values()) {
				String worker = claims.get(partition.getId());
				if (worker == null) {
					unclaimed = true;
				}
				else if (!live.contains(worker) && !Workers.NONE.equals(worker)) {
					fail(partition.getId(), "partition " + partition.getStepName() + " (step execution " + partition.getId()
							+ ") was running on worker " + worker + ", which has sent no heartbeat for "
							+ format(this.remote.deadAfter()) + " and is taken for dead; 'restart " + run
							+ "' runs the unfinished partitions on a live worker");
				}
			}
			if (unclaimed) {
				if (BatchStatus.STOPPING.name().equals(this.workers.jobStatus(run))) {
					giveUpUnclaimed(waiting.values(), claims, BatchStatus.STOPPED, "the run was stopped before a worker took it");
				}
				else if (consumers() > 0) {
					lastListener = System.nanoTime();
				}
				else if (System.nanoTime() - lastListener > this.remote.noWorkerTimeout().toNanos()) {
					giveUpUnclaimed(waiting.values(), claims, BatchStatus.FAILED,
							"no worker has listened on queue '" + this.remote.queue() + "' for "
									+ format(this.remote.noWorkerTimeout()) + " and no worker took it");
				}
			}
			Thread.sleep(this.remote.pollInterval().toMillis());
		}
		return reload(partitions);
	}

	/** The partitions as their workers (or this handler) recorded them. */
	private Set<StepExecution> reload(Set<StepExecution> partitions) {
		Set<StepExecution> ended = new LinkedHashSet<>();
		for (StepExecution partition : partitions) {
			ended.add(this.jobRepository.getStepExecution(partition.getId()));
		}
		return ended;
	}

	private void giveUpUnclaimed(Iterable<StepExecution> waiting, Map<Long, String> claims, BatchStatus status,
			String reason) {
		for (StepExecution partition : waiting) {
			if (!claims.containsKey(partition.getId())) {
				giveUp(partition, status, "partition " + partition.getStepName() + ": " + reason);
			}
		}
	}

	/** Ends a partition no worker took; a worker that takes it meanwhile wins and runs it. */
	private void giveUp(StepExecution partition, BatchStatus status, String message) {
		if (this.workers.claim(partition.getId(), partition.getJobExecutionId(), Workers.NONE)) {
			end(partition.getId(), status, message);
		}
	}

	private void fail(long stepExecutionId, String message) {
		log.error(message);
		end(stepExecutionId, BatchStatus.FAILED, message);
	}

	private void end(long stepExecutionId, BatchStatus status, String message) {
		StepExecution partition = this.jobRepository.getStepExecution(stepExecutionId);
		if (partition == null || !partition.getStatus().isRunning()) {
			return;
		}
		partition.setStatus(status);
		partition.setExitStatus((status == BatchStatus.FAILED ? ExitStatus.FAILED : ExitStatus.STOPPED)
			.addExitDescription(message));
		partition.setEndTime(LocalDateTime.now());
		try {
			this.jobRepository.update(partition);
		}
		catch (OptimisticLockingFailureException ex) {
			// its worker wrote it meanwhile: it is alive after all; the next poll reads what it wrote
			log.info("Partition {} was updated by its worker meanwhile; not ending it", partition.getStepName());
		}
	}

	/** One line per partition that did not complete: which, on which worker, and why. */
	private String failures(long run, Set<StepExecution> ended) {
		Map<Long, String> claims = this.workers.claims(run);
		List<String> lines = new ArrayList<>();
		for (StepExecution partition : ended) {
			if (partition.getStatus() == BatchStatus.COMPLETED) {
				continue;
			}
			String description = Objects.requireNonNullElse(partition.getExitStatus().getExitDescription(), "");
			String firstLine = description.startsWith("partition ") ? description.lines().findFirst().orElse("")
					: partition.getStatus() == BatchStatus.STOPPED
							? "after its last committed chunk (the worker shut down, or the run was stopped)"
							: description.isBlank() ? partition.getStatus().name() : description.lines().findFirst().orElse("");
			String worker = claims.getOrDefault(partition.getId(), Workers.NONE);
			lines.add(firstLine.startsWith("partition ") ? firstLine
					: "partition " + partition.getStepName() + " " + partition.getStatus().name().toLowerCase()
							+ " on worker " + worker + ": " + firstLine);
		}
		return lines.stream().sorted().collect(Collectors.joining("\n"));
	}

	/** A duration as people write it: {@code 30s}, {@code 1m30s}. */
	static String format(Duration duration) {
		return duration.toString().substring(2).toLowerCase();
	}

	/** Why a remote run's partitions did not all complete; the run's exit message. */
	static final class RemotePartitionException extends RuntimeException {

		RemotePartitionException(String message) {
			super(message);
		}

	}

}
