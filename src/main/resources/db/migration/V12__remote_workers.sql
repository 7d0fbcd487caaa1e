-- Remote partitioning (the 'worker' command and 'import/run --remote'). Numbered 13: migrations 10 to 12 are
-- taken by other work; Flyway applies them in order wherever they land first.
--
-- One row per worker process: it registers when it starts and renews heartbeat_at every few seconds while it
-- lives. Times are the database's own (CURRENT_TIMESTAMP), so the machines' clocks need not agree.
CREATE TABLE backfill_worker (
    worker       VARCHAR(255) NOT NULL PRIMARY KEY,
    queue        VARCHAR(255) NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Which worker took each partition (a step execution of 'deliver-partition:*'). The primary key makes the
-- claim exclusive: a partition request delivered twice, or one the manager gave up on, runs nowhere else.
-- worker is '<host>:<pid>', or 'none' for a partition the manager failed before any worker took it.
CREATE TABLE backfill_partition_worker (
    step_execution_id BIGINT       NOT NULL PRIMARY KEY,
    job_execution_id  BIGINT       NOT NULL,
    worker            VARCHAR(255) NOT NULL,
    claimed_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX backfill_partition_worker_job ON backfill_partition_worker (job_execution_id);

-- The partitions of each run with the worker that ran them (null for a partition run in the manager's own
-- process).
CREATE VIEW backfill_run_partitions AS
SELECT s.JOB_EXECUTION_ID AS run_id,
       s.STEP_EXECUTION_ID AS step_execution_id,
       s.STEP_NAME AS partition_name,
       s.STATUS AS status,
       w.worker,
       s.READ_COUNT AS records_read,
       s.START_TIME AS started_at,
       s.END_TIME AS ended_at
  FROM BATCH_STEP_EXECUTION s
  LEFT JOIN backfill_partition_worker w ON w.step_execution_id = s.STEP_EXECUTION_ID
 WHERE s.STEP_NAME LIKE 'deliver-partition:%';
