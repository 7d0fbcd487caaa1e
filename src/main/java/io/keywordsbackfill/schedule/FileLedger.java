package io.keywordsbackfill.schedule;

import java.util.Set;

/**
 * The files a job has finished with. A file is completed for a job when a run of that job whose
 * parameters included the file's fingerprint ended {@code COMPLETED}; a file of a failed, stopped or
 * running run is not, so it is read again (the ledger of accepted logs still prevents sending twice).
 */
@FunctionalInterface
public interface FileLedger {

	/** @return the SHA-256 fingerprints ({@code FileFingerprint}) of the job's completed files, possibly empty */
	Set<String> completedFingerprints(String jobName);

}
