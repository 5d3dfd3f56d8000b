-- name: c18_terms
-- The challenge and lever terms of the projects in scope: the term sets whose
-- Jaccard similarity links projects in C18, and what names its clusters.
WITH p AS (
    SELECT id FROM begira_scope($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
)
SELECT DISTINCT pt.project_id, pt.scheme_code, pt.term_code
FROM project_term pt JOIN p ON p.id = pt.project_id
WHERE pt.scheme_code IN ('challenge', 'lever')
ORDER BY 1, 2, 3;
