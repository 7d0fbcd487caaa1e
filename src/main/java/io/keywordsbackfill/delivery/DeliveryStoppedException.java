package io.keywordsbackfill.delivery;

/**
 * The run was asked to stop while a request waited to be retried: the wait ends at once and the batch is not
 * sent; the chunk rolls back, and a restart reads it again (the ledger drops what its other batches sent).
 */
public class DeliveryStoppedException extends RuntimeException {

	public DeliveryStoppedException() {
		super("stopped while waiting to retry a Keywords AI request");
	}

}
