-- name: c1_tagged_both
-- The number of projects in scope tagged with at least one active term of
-- scheme A ($11) and at least one of scheme B ($12): the denominator n of
-- every C1 and C2 figure (the fractional cells of the matrix sum to it).
WITH p AS (
    SELECT id FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
tagged AS (
    SELECT DISTINCT pt.project_id, pt.scheme_code
    FROM project_term pt
    JOIN p ON p.id = pt.project_id
    JOIN term tm ON tm.mission_id = $1 AND tm.scheme_code = pt.scheme_code AND tm.code = pt.term_code AND tm.active
    WHERE pt.scheme_code IN ($11::VARCHAR, $12::VARCHAR)
)
SELECT count(*) FROM (
    SELECT project_id FROM tagged
    GROUP BY project_id
    HAVING count(*) = CASE WHEN $11::VARCHAR = $12::VARCHAR THEN 1 ELSE 2 END
);
