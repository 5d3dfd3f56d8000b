-- name: c18_project_groups
-- The term-set group (C18) of each project of $11 (ext_refs) in scope,
-- named as queries/c18_groups.sql names it: by the smallest ext_ref among
-- every project in scope with the same challenge ∪ lever term set.
-- Projects with no such term are absent.
WITH p AS (
    SELECT id, ext_ref FROM begira_scope($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
),
sets AS (
    SELECT pt.project_id, list_sort(list(DISTINCT pt.scheme_code || '/' || pt.term_code)) AS ks
    FROM project_term pt SEMI JOIN p ON p.id = pt.project_id
    WHERE pt.scheme_code IN ('challenge', 'lever')
    GROUP BY pt.project_id
),
named AS (
    SELECT p.ext_ref, min(p.ext_ref) OVER (PARTITION BY s.ks) AS first_ref
    FROM sets s JOIN p ON p.id = s.project_id
)
SELECT ext_ref, first_ref FROM named
WHERE ext_ref IN (SELECT unnest($11::VARCHAR[]));
