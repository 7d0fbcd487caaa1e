-- Tokens and cost per model of each step execution, added in each chunk's transaction, so a run's summary
-- can say what each model cost and how many of its logs had no known price.
CREATE TABLE backfill_model_stats (
    step_execution_id BIGINT          NOT NULL,
    job_execution_id  BIGINT          NOT NULL,
    model             VARCHAR(300)    NOT NULL,
    logs              BIGINT          NOT NULL DEFAULT 0,
    prompt_tokens     BIGINT          NOT NULL DEFAULT 0,
    completion_tokens BIGINT          NOT NULL DEFAULT 0,
    cost_usd          DECIMAL(24, 10) NOT NULL DEFAULT 0,
    unpriced          BIGINT          NOT NULL DEFAULT 0,
    PRIMARY KEY (step_execution_id, model)
);
CREATE INDEX backfill_model_stats_job ON backfill_model_stats (job_execution_id);

-- Per run and model: logs sent, tokens, cost, and logs sent without cost for want of a price.
CREATE VIEW backfill_run_models AS
SELECT job_execution_id AS run_id, model, SUM(logs) AS logs, SUM(prompt_tokens) AS prompt_tokens,
       SUM(completion_tokens) AS completion_tokens, SUM(cost_usd) AS cost_usd, SUM(unpriced) AS unpriced
  FROM backfill_model_stats
 GROUP BY job_execution_id, model;
