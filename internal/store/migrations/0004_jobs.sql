-- 0004_jobs: scheduled work. Every run of a job writes one job_run row
-- (inserted as running, finished as ok or failed; a run skipped because the
-- previous one is still running is written as skipped at once). Rows older
-- than the retention setting are pruned by the prune job.

CREATE SEQUENCE job_run_id_seq;
CREATE TABLE job_run (
    id          BIGINT PRIMARY KEY DEFAULT nextval('job_run_id_seq'),
    job         VARCHAR NOT NULL,          -- recompute | snapshot | digest | pull_<source> | prune
    mission     VARCHAR,                   -- mission slug; NULL for jobs of the whole server
    trigger     VARCHAR NOT NULL,          -- schedule | manual | startup
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL,          -- running | ok | failed | skipped
    error       VARCHAR,
    detail      VARCHAR                    -- JSON: what the run produced
);

-- A source with a pull_url is fetched on pull_schedule through the import
-- pipeline. The validators of the last successful pull make the next one a
-- conditional GET; last_sha256 spots an unchanged body when the server sends
-- no validators. pull_kind is what the pulled file holds (projects,
-- organisations, signals); kind stays the source's category.
ALTER TABLE source ADD COLUMN pull_kind VARCHAR;
ALTER TABLE source ADD COLUMN pull_mode VARCHAR;
ALTER TABLE source ADD COLUMN etag VARCHAR;
ALTER TABLE source ADD COLUMN last_modified VARCHAR;
ALTER TABLE source ADD COLUMN last_sha256 VARCHAR;
ALTER TABLE source ADD COLUMN last_pulled_at TIMESTAMPTZ;
ALTER TABLE source ADD COLUMN last_status VARCHAR;   -- ok | not_modified | unchanged | failed
ALTER TABLE source ADD COLUMN last_error VARCHAR;
ALTER TABLE source ADD COLUMN last_batch_id BIGINT;
