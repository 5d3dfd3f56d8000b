-- name: c18_project_sets
-- The challenge ∪ lever term set (C18) of each project of $11 (ext_refs)
-- in scope, as two parallel lists sorted by scheme then code, the order of
-- queries/c18_groups.sql. Projects with no such term are absent.
WITH p AS (
    SELECT id, ext_ref FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
    WHERE ext_ref IN (SELECT unnest($11::VARCHAR[]))
),
t AS (
    SELECT DISTINCT pt.project_id, pt.scheme_code, pt.term_code
    FROM project_term pt SEMI JOIN p ON p.id = pt.project_id
    WHERE pt.scheme_code IN ('challenge', 'lever')
)
SELECT p.ext_ref, list(t.scheme_code ORDER BY t.scheme_code, t.term_code) AS schemes,
       list(t.term_code ORDER BY t.scheme_code, t.term_code) AS codes
FROM t JOIN p ON p.id = t.project_id
GROUP BY p.ext_ref;
