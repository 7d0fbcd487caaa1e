package io.keywordsbackfill.delivery;

/**
 * A request that kept failing in a way worth retrying (429, 5xx, timeouts, resets) until the retry
 * budget ran out. The step fails; a restart resumes from the last committed chunk.
 */
public class TransientDeliveryException extends RuntimeException {

	private final boolean mayHaveArrived;

	public TransientDeliveryException(String message, Throwable cause) {
		this(message, cause, false);
	}

	/**
	 * @param mayHaveArrived an attempt may have reached Keywords AI before its answer was lost, so its logs may be
	 * stored
	 */
	public TransientDeliveryException(String message, Throwable cause, boolean mayHaveArrived) {
		super(message, cause);
		this.mayHaveArrived = mayHaveArrived;
	}

	/** Whether an attempt may have reached Keywords AI before its answer was lost. */
	public boolean mayHaveArrived() {
		return mayHaveArrived;
	}

}
