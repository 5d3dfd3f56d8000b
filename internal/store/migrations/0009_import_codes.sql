-- 0009_import_codes (issue 12): rejects carry a stable code that pages can
-- translate, a batch counts the rows with a plausibility warning and keeps
-- its first rows as parsed.
ALTER TABLE import_reject ADD COLUMN code VARCHAR;
ALTER TABLE import_batch ADD COLUMN rows_flagged BIGINT DEFAULT 0;
-- The first rows of a preview as they will be stored (JSON).
ALTER TABLE import_batch ADD COLUMN sample VARCHAR DEFAULT '[]';
