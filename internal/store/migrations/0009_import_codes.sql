-- 0009_import_codes (issue 12): rejects carry a stable code that pages can
-- translate, and a batch counts the rows with a plausibility warning.
ALTER TABLE import_reject ADD COLUMN code VARCHAR;
ALTER TABLE import_batch ADD COLUMN rows_flagged BIGINT DEFAULT 0;
