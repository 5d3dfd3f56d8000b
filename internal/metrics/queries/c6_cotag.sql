-- name: c6_cotag
-- Co-tag counts behind C6's distances in the nominal schemes $11 (a list),
-- all at once: for every active term i of one of them and every active term
-- j of ANOTHER scheme that classifies projects, the number of projects in
-- scope tagged with both. Pairs that never co-occur are left out (they are
-- zeros of the vectors).
--
-- One self-join of the tags for every scheme, on integer term and scheme
-- numbers (a dictionary of the active terms): grouping the pairs on two
-- integers instead of four strings, and joining the projects in scope with
-- an inner join rather than a semi-join (which DuckDB builds on the large
-- side), took the four nominal schemes of the benchmark from four queries
-- and 0.43 s of CPU to 0.1 s.
WITH p AS (
    SELECT id FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
dict AS (
    SELECT tm.scheme_code, tm.code AS term_code,
           (dense_rank() OVER (ORDER BY tm.scheme_code))::INTEGER AS sk,
           (row_number() OVER (ORDER BY tm.scheme_code, tm.code))::INTEGER AS k
    FROM term tm
    JOIN scheme s ON s.mission_id = $1 AND s.code = tm.scheme_code AND list_contains(s.applies_to, 'project')
    WHERE tm.mission_id = $1 AND tm.active
),
tags AS (
    SELECT pt.project_id, d.sk, d.k, list_contains($11::VARCHAR[], d.scheme_code) AS asked
    FROM project_term pt
    JOIN p ON p.id = pt.project_id
    JOIN dict d ON d.scheme_code = pt.scheme_code AND d.term_code = pt.term_code
),
pairs AS (
    SELECT a.k AS ka, b.k AS kb, count(*) AS n
    FROM tags a JOIN tags b ON b.project_id = a.project_id AND b.sk <> a.sk
    WHERE a.asked
    GROUP BY ALL
)
SELECT da.scheme_code AS scheme, da.term_code AS term, db.scheme_code AS other_scheme, db.term_code AS other_term, pairs.n
FROM pairs
JOIN dict da ON da.k = pairs.ka
JOIN dict db ON db.k = pairs.kb
ORDER BY ALL;
