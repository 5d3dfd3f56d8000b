-- 0002_archive: what each import batch displaced, so a rollback restores the
-- exact prior state. A commit in mode replace or upsert copies the rows it
-- is about to delete or overwrite here, tagged with archived_by = the batch;
-- a rollback puts them back. Each archive has archived_by followed by the
-- columns of its table, in order: a migration that adds a column to a base
-- table must add it to its archive too.

CREATE TABLE project_archive AS SELECT NULL::BIGINT AS archived_by, * FROM project LIMIT 0;
CREATE TABLE project_term_archive AS SELECT NULL::BIGINT AS archived_by, * FROM project_term LIMIT 0;
CREATE TABLE project_org_archive AS SELECT NULL::BIGINT AS archived_by, * FROM project_org LIMIT 0;
CREATE TABLE organisation_archive AS SELECT NULL::BIGINT AS archived_by, * FROM organisation LIMIT 0;
CREATE TABLE signal_archive AS SELECT NULL::BIGINT AS archived_by, * FROM signal LIMIT 0;
CREATE TABLE signal_term_archive AS SELECT NULL::BIGINT AS archived_by, * FROM signal_term LIMIT 0;
CREATE TABLE signal_project_archive AS SELECT NULL::BIGINT AS archived_by, * FROM signal_project LIMIT 0;

-- Import batches may be running (staging or validating) for a while: their
-- progress is shown from memory; the status records the outcome.
ALTER TABLE import_batch ADD COLUMN warnings VARCHAR DEFAULT '[]';
ALTER TABLE import_batch ADD COLUMN rolled_back_at TIMESTAMPTZ;
-- skip_invalid as asked at upload time: the default of the later commit.
ALTER TABLE import_batch ADD COLUMN skip_invalid BOOLEAN DEFAULT false;
