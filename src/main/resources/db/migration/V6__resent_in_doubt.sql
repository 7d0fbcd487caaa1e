-- Logs that a killed run had in flight and a later run sent again (backfill.in-doubt=resend): each one that
-- had reached Keywords AI before the kill is now stored twice.
ALTER TABLE backfill_step_stats ADD COLUMN resent_in_doubt BIGINT NOT NULL DEFAULT 0;
