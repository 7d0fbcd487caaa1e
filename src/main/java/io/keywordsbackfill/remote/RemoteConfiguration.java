package io.keywordsbackfill.remote;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keywordsbackfill.job.BackfillProperties;
import io.keywordsbackfill.job.RunOwners;
import io.keywordsbackfill.job.RunResources;
import io.keywordsbackfill.source.FingerprintCache;

/**
 * Remote partitioning over RabbitMQ: the manager's partition handler and the worker. Every bean is lazy, so a
 * local run neither connects to RabbitMQ nor pays for these at start-up; only a run started with
 * {@code --remote} (through the import job's partition handler) and the {@code worker} command use them.
 */
@Configuration(proxyBeanMethods = false)
@Lazy
public class RemoteConfiguration {

	@Bean(destroyMethod = "destroy")
	CachingConnectionFactory rabbitConnectionFactory(RemoteProperties remote) {
		CachingConnectionFactory factory = new CachingConnectionFactory(remote.host(), remote.port());
		factory.setUsername(remote.username());
		factory.setPassword(remote.password());
		factory.setVirtualHost(remote.virtualHost());
		return factory;
	}

	@Bean
	RabbitAdmin rabbitAdmin(CachingConnectionFactory rabbitConnectionFactory) {
		RabbitAdmin admin = new RabbitAdmin(rabbitConnectionFactory);
		// the queue is declared where it is used, not by scanning the context on connection
		admin.setAutoStartup(false);
		return admin;
	}

	@Bean
	Workers workers(JdbcTemplate jdbc) {
		return new Workers(jdbc);
	}

	@Bean
	PartitionHandler remotePartitionHandler(RemoteProperties remote, BackfillProperties properties,
			CachingConnectionFactory rabbitConnectionFactory, RabbitAdmin rabbitAdmin, JobRepository jobRepository,
			Workers workers) {
		return new RemotePartitionHandler(remote, properties, new RabbitTemplate(rabbitConnectionFactory), rabbitAdmin,
				jobRepository, workers);
	}

	/** This process as a worker, named {@code <host>:<pid>} unless {@code backfill.remote.worker-name} says. */
	@Bean
	RemoteWorker remoteWorker(RemoteProperties remote, BackfillProperties properties, Workers workers,
			JobRepository jobRepository, @Qualifier("deliverPartitionStep") Step deliverPartitionStep,
			RunResources runResources, FingerprintCache fingerprintCache, CachingConnectionFactory rabbitConnectionFactory,
			RabbitAdmin rabbitAdmin) {
		String name = remote.workerName().isBlank() ? RunOwners.hostName() + ":" + ProcessHandle.current().pid()
				: remote.workerName();
		return new RemoteWorker(name, remote, workers, jobRepository, deliverPartitionStep, runResources,
				fingerprintCache, rabbitConnectionFactory, rabbitAdmin, properties.partitions());
	}

	/** Declares the partition queue (durable: partitions survive a broker restart); the same on both sides. */
	static void declareQueue(RabbitAdmin admin, RemoteProperties remote) {
		try {
			admin.declareQueue(new Queue(remote.queue(), true, false, false));
		}
		catch (AmqpException ex) {
			throw new IllegalStateException("cannot reach RabbitMQ at " + remote.broker() + ": " + ex.getMessage(), ex);
		}
	}

}
