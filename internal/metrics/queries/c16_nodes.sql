-- name: c16_nodes
-- The nodes of the shared-partner network (C16–C19): every project in scope,
-- isolated ones included, with its level term (NULL when untagged; level is
-- a single-valued scheme, min() only guards against a stray second tag).
-- Titles are read for the nodes shown only (c16_titles.sql).
WITH p AS (
    SELECT * FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
lv AS (
    SELECT pt.project_id, min(pt.term_code) AS level
    FROM project_term pt JOIN p ON p.id = pt.project_id
    WHERE pt.scheme_code = 'level'
    GROUP BY pt.project_id
)
SELECT p.id, p.ext_ref, lv.level
FROM p LEFT JOIN lv ON lv.project_id = p.id
ORDER BY p.ext_ref, p.id;
