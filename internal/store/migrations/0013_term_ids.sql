-- 0013_term_ids: a project's classifications are stored as integer term
-- ids. A 1M-project import writes about 8 million of them; as two VARCHAR
-- codes per row the write took 4–5× the time of an integer id, the largest
-- share of the commit. project_term stays, as a view with its columns and
-- rows unchanged, so every reader (the store's lists, the metrics, the
-- begira_scope macro, snapshots, which freeze the view's rows as a table of
-- the old layout) reads it as before; the writers (the import's commit and
-- rollback, the generator) write project_term_link.
--
-- term_key gives each (scheme, code) pair an id once and for all: rows of
-- term are deleted and inserted again by every mission apply, and ids must
-- outlive them. It is never deleted from: a link to a term a mission later
-- drops still reads as its code, as it did before.
CREATE SEQUENCE term_key_seq;
CREATE TABLE term_key (
    id          INTEGER NOT NULL DEFAULT nextval('term_key_seq') PRIMARY KEY,
    scheme_code VARCHAR NOT NULL,
    term_code   VARCHAR NOT NULL,
    UNIQUE (scheme_code, term_code)
);
INSERT INTO term_key (scheme_code, term_code)
SELECT scheme_code, term_code FROM (
    SELECT scheme_code, code AS term_code FROM term
    UNION SELECT scheme_code, term_code FROM project_term
    UNION SELECT scheme_code, term_code FROM project_term_archive)
ORDER BY scheme_code, term_code;

CREATE TABLE project_term_link (
    project_id BIGINT NOT NULL,
    term_id    INTEGER NOT NULL,
    is_primary BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO project_term_link
SELECT t.project_id, k.id, t.is_primary FROM project_term t
JOIN term_key k ON k.scheme_code = t.scheme_code AND k.term_code = t.term_code;

-- The archive keeps the links a commit displaced in the same layout, so a
-- rollback copies them back as they were.
CREATE TABLE project_term_link_archive AS SELECT NULL::BIGINT AS archived_by, * FROM project_term_link LIMIT 0;
INSERT INTO project_term_link_archive
SELECT a.archived_by, a.project_id, k.id, a.is_primary FROM project_term_archive a
JOIN term_key k ON k.scheme_code = a.scheme_code AND k.term_code = a.term_code;

DROP TABLE project_term_archive;
DROP TABLE project_term;
CREATE VIEW project_term AS
SELECT l.project_id, k.scheme_code, k.term_code, l.is_primary
FROM project_term_link l JOIN term_key k ON k.id = l.term_id;
