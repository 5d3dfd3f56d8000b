-- name: c3_totals
-- Denominators of one scheme's ($11) shares over the projects in scope: all
-- projects, those tagged with at least one active term of the scheme, and
-- the tagged ones with a budget. Untagged = in_scope − tagged; NULL budgets
-- among the tagged = tagged − tagged_budgeted.
WITH p AS (
    SELECT id, budget_total_eur FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
tagged AS (
    SELECT DISTINCT pt.project_id
    FROM project_term pt
    JOIN term tm ON tm.mission_id = $1 AND tm.scheme_code = pt.scheme_code AND tm.code = pt.term_code AND tm.active
    WHERE pt.scheme_code = $11::VARCHAR
)
SELECT count(*) AS in_scope,
       count(tg.project_id) AS tagged,
       count(tg.project_id) FILTER (WHERE p.budget_total_eur IS NOT NULL) AS tagged_budgeted
FROM p LEFT JOIN tagged tg ON tg.project_id = p.id;
