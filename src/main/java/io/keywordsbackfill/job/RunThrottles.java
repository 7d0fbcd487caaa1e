package io.keywordsbackfill.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.keywordsbackfill.delivery.AdaptiveConcurrencyLimit;
import io.keywordsbackfill.delivery.DeliveryThrottle;
import io.keywordsbackfill.delivery.RateLimiter;
import io.keywordsbackfill.delivery.Sleeper;

/**
 * One {@link DeliveryThrottle} per running job execution, shared by its partitions, so rate limits and the
 * concurrency limit hold for the run as a whole. (Not a job-scoped bean: partition and delivery threads
 * have no job scope to resolve one in.)
 */
@Component
class RunThrottles {

	private final BackfillProperties properties;

	private final Map<Long, DeliveryThrottle> throttles = new ConcurrentHashMap<>();

	RunThrottles(BackfillProperties properties) {
		this.properties = properties;
	}

	DeliveryThrottle forRun(long jobExecutionId) {
		return this.throttles.computeIfAbsent(jobExecutionId, id -> new DeliveryThrottle(
				rate(this.properties.rateLimit().logsPerSecond()), rate(this.properties.rateLimit().requestsPerSecond()),
				new AdaptiveConcurrencyLimit(this.properties.concurrency(), 1, this.properties.maxConcurrency(),
						this.properties.adaptiveConcurrency(), System::nanoTime)));
	}

	void finished(long jobExecutionId) {
		this.throttles.remove(jobExecutionId);
	}

	private static RateLimiter rate(double perSecond) {
		return perSecond <= 0 ? RateLimiter.UNLIMITED : new RateLimiter(perSecond, System::nanoTime, Sleeper.THREAD);
	}

}
