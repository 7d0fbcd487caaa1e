-- Which process runs a scheduled job now, so two 'schedule' processes on one database never run the same
-- job at the same time. A row is a lease: its owner renews expires_at while the job runs and deletes the
-- row when done; a row whose expires_at has passed was left by a dead process and may be taken over.
-- Times are UTC.
CREATE TABLE backfill_job_lock (
    job_name    VARCHAR(200) NOT NULL PRIMARY KEY,
    owner       VARCHAR(255) NOT NULL,
    acquired_at TIMESTAMP    NOT NULL,
    expires_at  TIMESTAMP    NOT NULL
);
