-- 0011_commit_started (issue 17): a commit marks its batch before it starts
-- and clears the mark when it fails; a previewed batch still marked at the
-- next start was being committed when the process died, and is discarded.
ALTER TABLE import_batch ADD COLUMN commit_started_at TIMESTAMPTZ;
