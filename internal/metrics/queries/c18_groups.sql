-- name: c18_groups
-- The projects in scope grouped by their set of challenge and lever terms
-- (C18): per distinct term set, its terms (two parallel lists, sorted by
-- scheme then code), how many projects carry exactly that set and the first
-- of their ext_refs; ordered by that ext_ref. Projects with no such term
-- are in no group. One more row, with NULL lists, counts every project in
-- scope.
--
-- The sets are grouped on integer term numbers (a dictionary of the terms
-- present), not on lists of strings: about ten times faster.
WITH p AS (
    SELECT id, ext_ref FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
t AS (
    SELECT DISTINCT pt.project_id, pt.scheme_code, pt.term_code
    FROM project_term pt SEMI JOIN p ON p.id = pt.project_id
    WHERE pt.scheme_code IN ('challenge', 'lever')
),
dict AS (
    SELECT scheme_code, term_code, row_number() OVER (ORDER BY scheme_code, term_code)::INTEGER AS k
    FROM (SELECT DISTINCT scheme_code, term_code FROM t)
),
sets AS (
    SELECT t.project_id, list(d.k ORDER BY d.k) AS ks
    FROM t JOIN dict d USING (scheme_code, term_code)
    GROUP BY t.project_id
),
groups AS (
    SELECT s.ks, count(*) AS projects, min(p.ext_ref) AS first_ref
    FROM sets s JOIN p ON p.id = s.project_id
    GROUP BY s.ks
)
SELECT list(d.scheme_code ORDER BY d.k) AS schemes, list(d.term_code ORDER BY d.k) AS codes,
       any_value(g.projects) AS projects, g.first_ref
FROM groups g, unnest(g.ks) AS u(k) JOIN dict d ON d.k = u.k
GROUP BY g.first_ref
UNION ALL
SELECT NULL, NULL, count(*), NULL FROM p
ORDER BY first_ref NULLS FIRST;
