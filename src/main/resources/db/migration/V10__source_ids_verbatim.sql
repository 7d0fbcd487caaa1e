-- Logs now carry the source's own id verbatim in custom_identifier, and the ledger key of a call is decided by
-- its own id whatever the format: a Together request id is 'together-request:<id>' in a Batch file, a chat log
-- and a usage CSV alike, so the same call in two exports is sent once. Ledger and reject rows of the former
-- per-format keys for a request id ('chat-log:<id>', 'usage-csv:<id>') take the new key; keys made from file
-- and line ('chat-log:<16 hex>:<line>', 'usage-csv:<16 hex>:<line>', with ':' at a fixed place) stay as they
-- are. Plain SQL for PostgreSQL and H2.
UPDATE backfill_ledger
   SET source_id = 'together-request:' || SUBSTRING(source_id FROM 10)
 WHERE source_id LIKE 'chat-log:%'
   AND NOT (LENGTH(source_id) > 26 AND SUBSTRING(source_id FROM 26 FOR 1) = ':')
   AND NOT EXISTS (SELECT 1 FROM backfill_ledger o
                    WHERE o.source_id = 'together-request:' || SUBSTRING(backfill_ledger.source_id FROM 10));
UPDATE backfill_ledger
   SET source_id = 'together-request:' || SUBSTRING(source_id FROM 11)
 WHERE source_id LIKE 'usage-csv:%'
   AND NOT (LENGTH(source_id) > 27 AND SUBSTRING(source_id FROM 27 FOR 1) = ':')
   AND NOT EXISTS (SELECT 1 FROM backfill_ledger o
                    WHERE o.source_id = 'together-request:' || SUBSTRING(backfill_ledger.source_id FROM 11));
UPDATE backfill_reject
   SET source_id = 'together-request:' || SUBSTRING(source_id FROM 10)
 WHERE source_id LIKE 'chat-log:%'
   AND NOT (LENGTH(source_id) > 26 AND SUBSTRING(source_id FROM 26 FOR 1) = ':');
UPDATE backfill_reject
   SET source_id = 'together-request:' || SUBSTRING(source_id FROM 11)
 WHERE source_id LIKE 'usage-csv:%'
   AND NOT (LENGTH(source_id) > 27 AND SUBSTRING(source_id FROM 27 FOR 1) = ':');

-- The copy each ledger row was sent from: the run (job instance), a hash of the log's content without its place,
-- and its place. A repeat of an id within one run is then told apart: the same content is counted once as a
-- duplicate in the source, different content is rejected naming both places. Null in rows from before.
ALTER TABLE backfill_ledger ADD COLUMN job_instance_id BIGINT;
ALTER TABLE backfill_ledger ADD COLUMN content_hash BIGINT;
ALTER TABLE backfill_ledger ADD COLUMN source_file VARCHAR(1000);
ALTER TABLE backfill_ledger ADD COLUMN source_line BIGINT;

-- Records whose id and content repeat a record the run already took: neither sent nor rejected.
ALTER TABLE backfill_step_stats ADD COLUMN source_duplicates BIGINT NOT NULL DEFAULT 0;

-- backfill_runs and backfill_daily gain source_duplicates: see R__inspection_views.sql.
