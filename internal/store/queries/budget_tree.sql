-- name: budget_tree
-- Budget by term of scheme A ($11) then scheme B ($12) (e.g. challenge →
-- lever), fractional so that the leaves sum to the total budget of projects
-- tagged in both. Projects without a budget are left out.
WITH p AS (
    SELECT * FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE) WHERE budget_total_eur IS NOT NULL
),
ta AS (
    SELECT pt.project_id, pt.term_code, 1.0 / count(*) OVER (PARTITION BY pt.project_id) AS w
    FROM project_term pt JOIN p ON p.id = pt.project_id WHERE pt.scheme_code = $11
),
tb AS (
    SELECT pt.project_id, pt.term_code, 1.0 / count(*) OVER (PARTITION BY pt.project_id) AS w
    FROM project_term pt JOIN p ON p.id = pt.project_id WHERE pt.scheme_code = $12
)
SELECT ta.term_code, tb.term_code, sum(ta.w * tb.w * p.budget_total_eur) AS budget, count(DISTINCT p.id) AS projects
FROM ta JOIN tb ON tb.project_id = ta.project_id JOIN p ON p.id = ta.project_id
GROUP BY ALL
ORDER BY budget DESC, 1, 2;
