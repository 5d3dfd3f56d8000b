-- name: c6_cotag
-- Co-tag counts behind C6's distances in a nominal scheme ($11): for every
-- active term i of the scheme and every active term j of ANOTHER scheme that
-- classifies projects, the number of projects in scope tagged with both.
-- Pairs that never co-occur are left out (they are zeros of the vectors).
WITH p AS (
    SELECT id FROM begira_scope($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
),
tags AS (
    SELECT pt.project_id, pt.scheme_code, pt.term_code
    FROM project_term pt
    JOIN p ON p.id = pt.project_id
    JOIN term tm ON tm.mission_id = $1 AND tm.scheme_code = pt.scheme_code AND tm.code = pt.term_code AND tm.active
    JOIN scheme s ON s.mission_id = $1 AND s.code = pt.scheme_code AND list_contains(s.applies_to, 'project')
)
SELECT a.term_code AS term, b.scheme_code AS other_scheme, b.term_code AS other_term, count(*) AS n
FROM tags a
JOIN tags b ON b.project_id = a.project_id AND b.scheme_code <> a.scheme_code
WHERE a.scheme_code = $11::VARCHAR
GROUP BY ALL
ORDER BY ALL;
