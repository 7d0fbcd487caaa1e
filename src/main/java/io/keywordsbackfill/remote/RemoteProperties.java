package io.keywordsbackfill.remote;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Remote partitioning ({@code backfill.remote.*}): the RabbitMQ broker that carries partitions from a manager
 * ({@code import/run --remote}) to {@code worker} processes, and how failures are told apart from waiting.
 *
 * @param host the RabbitMQ host
 * @param port its AMQP port
 * @param username the RabbitMQ user
 * @param password its password (never printed)
 * @param virtualHost the RabbitMQ virtual host
 * @param queue the queue partitions travel through; managers and workers of one deployment use the same
 * @param workerName how a worker is named in the job repository; empty for {@code <host>:<pid>}
 * @param noWorkerTimeout how long a manager waits for a worker to listen before it fails the run
 * @param heartbeatInterval how often a worker tells the job repository it is alive
 * @param deadAfter a worker that has not done so for this long is dead, and the partitions it ran fail
 * @param pollInterval how often a manager reads its partitions' state from the job repository
 * @param shutdownGrace on SIGTERM a worker takes no new partition and lets its running ones finish for this
 * long, then stops them after their current chunk
 */
@Validated
@ConfigurationProperties("backfill.remote")
public record RemoteProperties(
		@DefaultValue("127.0.0.1") String host,
		@DefaultValue("5672") @Min(1) @Max(65535) int port,
		@DefaultValue("guest") String username,
		@DefaultValue("guest") String password,
		@DefaultValue("/") String virtualHost,
		@DefaultValue("keywords-backfill.partitions") String queue,
		@DefaultValue("") String workerName,
		@DefaultValue("60s") Duration noWorkerTimeout,
		@DefaultValue("5s") Duration heartbeatInterval,
		@DefaultValue("30s") Duration deadAfter,
		@DefaultValue("1s") Duration pollInterval,
		@DefaultValue("60s") Duration shutdownGrace) {

	@AssertTrue(message = "dead-after must be longer than twice heartbeat-interval, or a live worker looks dead")
	boolean isDeadAfterLongEnough() {
		return deadAfter == null || heartbeatInterval == null || deadAfter.compareTo(heartbeatInterval.multipliedBy(2)) > 0;
	}

	/** Where the broker is, for messages: without the password. */
	String broker() {
		return "amqp://" + host + ":" + port + ("/".equals(virtualHost) ? "" : "/" + virtualHost);
	}

	@Override
	public String toString() {
		return "RemoteProperties[broker=" + broker() + ", username=" + username + ", queue=" + queue + ", workerName="
				+ workerName + ", noWorkerTimeout=" + noWorkerTimeout + ", heartbeatInterval=" + heartbeatInterval
				+ ", deadAfter=" + deadAfter + ", pollInterval=" + pollInterval + ", shutdownGrace=" + shutdownGrace + "]";
	}

}
