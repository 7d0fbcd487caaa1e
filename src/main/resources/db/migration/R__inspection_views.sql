-- The views over the metadata tables and the project's counters that status reads and people query with psql.
-- Repeatable: Flyway applies it again after the versioned migrations whenever its text changes. The application
-- migrates only a database whose newest versioned migration is behind (store/SchemaVersion), so a change here
-- comes with the versioned migration that needs it. Plain SQL for PostgreSQL and H2 2.4, under migration 4's rules.
DROP VIEW IF EXISTS backfill_daily;
DROP VIEW IF EXISTS backfill_runs;

CREATE VIEW backfill_runs AS
SELECT r.run_id, r.instance_id, r.job_name, r.status, r.exit_code, r.exit_message, r.started_at, r.ended_at,
       r.duration_seconds, r.records_read, r.sent, r.already_sent, r.rejected, r.batches, r.requests, r.retries,
       r.wait_seconds, r.prompt_tokens, r.completion_tokens, r.cost_usd, r.unpriced, r.without_timing,
       CASE WHEN r.duration_seconds > 0
            THEN CAST(ROUND(r.records_read / r.duration_seconds, 1) AS DECIMAL(20, 1)) END AS records_per_second,
       r.outside_window, r.source_duplicates
  FROM (
    SELECT e.JOB_EXECUTION_ID AS run_id,
           e.JOB_INSTANCE_ID AS instance_id,
           i.JOB_NAME AS job_name,
           e.STATUS AS status,
           e.EXIT_CODE AS exit_code,
           -- exit messages hold whole stack traces; the first line says what happened
           NULLIF(TRIM(CASE WHEN POSITION(CHR(10) IN e.EXIT_MESSAGE) > 0
                            THEN SUBSTRING(e.EXIT_MESSAGE FROM 1 FOR POSITION(CHR(10) IN e.EXIT_MESSAGE) - 1)
                            ELSE e.EXIT_MESSAGE END), '') AS exit_message,
           e.START_TIME AS started_at,
           e.END_TIME AS ended_at,
           CAST(FLOOR(EXTRACT(EPOCH FROM (COALESCE(e.END_TIME, LOCALTIMESTAMP) - e.START_TIME)) * 1000) / 1000
                AS DECIMAL(18, 3)) AS duration_seconds,
           COALESCE(rd.records_read, 0) AS records_read,
           COALESCE(t.sent, 0) AS sent,
           COALESCE(t.already_sent, 0) AS already_sent,
           COALESCE(t.rejected, 0) AS rejected,
           COALESCE(t.batches, 0) AS batches,
           COALESCE(t.requests, 0) AS requests,
           COALESCE(t.retries, 0) AS retries,
           CAST(COALESCE(t.wait_millis, 0) / 1000.0 AS DECIMAL(18, 3)) AS wait_seconds,
           COALESCE(t.prompt_tokens, 0) AS prompt_tokens,
           COALESCE(t.completion_tokens, 0) AS completion_tokens,
           COALESCE(t.cost_usd, 0) AS cost_usd,
           COALESCE(t.unpriced, 0) AS unpriced,
           COALESCE(t.without_timing, 0) AS without_timing,
           COALESCE(t.outside_window, 0) AS outside_window,
           COALESCE(t.source_duplicates, 0) AS source_duplicates
      FROM BATCH_JOB_EXECUTION e
      JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
      -- the partitioned step 'deliver' adds up its workers' counts: count the workers only
      LEFT JOIN (SELECT JOB_EXECUTION_ID, SUM(READ_COUNT) AS records_read
                   FROM BATCH_STEP_EXECUTION WHERE STEP_NAME <> 'deliver' GROUP BY JOB_EXECUTION_ID) rd
             ON rd.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
      LEFT JOIN (SELECT job_execution_id, SUM(sent) AS sent, SUM(already_sent) AS already_sent,
                        SUM(rejected) AS rejected, SUM(batches) AS batches, SUM(requests) AS requests,
                        SUM(retries) AS retries, SUM(wait_millis) AS wait_millis,
                        SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,
                        SUM(cost_usd) AS cost_usd, SUM(unpriced) AS unpriced, SUM(without_timing) AS without_timing,
                        SUM(outside_window) AS outside_window, SUM(source_duplicates) AS source_duplicates
                   FROM backfill_step_stats GROUP BY job_execution_id) t
             ON t.job_execution_id = e.JOB_EXECUTION_ID
  ) r;

-- Runs per job and day they started, with what they sent and cost.
CREATE VIEW backfill_daily AS
SELECT CAST(started_at AS DATE) AS run_date,
       job_name,
       COUNT(*) AS runs,
       SUM(records_read) AS records_read,
       SUM(sent) AS sent,
       SUM(already_sent) AS already_sent,
       SUM(rejected) AS rejected,
       SUM(prompt_tokens + completion_tokens) AS tokens,
       SUM(cost_usd) AS cost_usd,
       SUM(outside_window) AS outside_window,
       SUM(source_duplicates) AS source_duplicates
  FROM backfill_runs
 GROUP BY CAST(started_at AS DATE), job_name;
