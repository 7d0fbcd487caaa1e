-- What reconciliation needs to ask Keywords AI about a batch in flight: each log's custom_identifier (not always
-- its ledger key) and timestamp (the list endpoint only searches the time window it is given), as JSON arrays
-- parallel to source_ids. Rows written before this migration have neither and cannot be reconciled.
ALTER TABLE backfill_pending ADD COLUMN custom_identifiers TEXT;
ALTER TABLE backfill_pending ADD COLUMN log_timestamps TEXT;
-- Logs in doubt after a kill or a lost answer that Keywords AI was found to store (not sent again), and those set
-- aside as in_doubt rejects because nothing could tell (backfill.in-doubt=reject, or its fallback).
ALTER TABLE backfill_step_stats ADD COLUMN reconciled_in_doubt BIGINT NOT NULL DEFAULT 0;
ALTER TABLE backfill_step_stats ADD COLUMN left_in_doubt BIGINT NOT NULL DEFAULT 0;
