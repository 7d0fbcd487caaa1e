package io.keywordsbackfill.delivery;

/**
 * How one run delivers.
 *
 * @param maxBatchLogs logs per request (1..5000)
 * @param maxBatchBytes request body size limit
 * @param dryRun write request bodies to a file instead of sending; the ledger is read but not written
 * @param resend ignore the ledger and send every record again
 * @param resendInDoubt send again the logs a killed run left in flight that no one could look up in Keywords AI (a
 * duplicate for each that had arrived) rather than set them aside as {@code in_doubt} rejects; those looked up and
 * not found are sent again either way
 */
public record DeliveryOptions(int maxBatchLogs, long maxBatchBytes, boolean dryRun,
		boolean resend, boolean resendInDoubt) {
}
