-- name: c3_shares
-- Count and budget per active term of one scheme ($11) over the projects in
-- scope, every active term returned (empty ones too) in document order.
-- Fractional counting: a project with t active terms in the scheme weighs
-- 1/t in each, so n_frac sums to the number of tagged projects. NULL budgets
-- add nothing to budget_frac; the *_budgeted columns count only projects
-- with a budget, so an average budget is budget_frac / n_frac_budgeted.
WITH p AS (
    SELECT id, budget_total_eur FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
t AS (
    SELECT pt.project_id, pt.term_code, 1.0 / count(*) OVER (PARTITION BY pt.project_id) AS w
    FROM project_term pt
    JOIN p ON p.id = pt.project_id
    JOIN term tm ON tm.mission_id = $1 AND tm.scheme_code = pt.scheme_code AND tm.code = pt.term_code AND tm.active
    WHERE pt.scheme_code = $11::VARCHAR
),
per_term AS (
    SELECT t.term_code,
           count(*) AS n_full,
           sum(t.w) AS n_frac,
           coalesce(sum(t.w * p.budget_total_eur), 0) AS budget_frac,
           count(*) FILTER (WHERE p.budget_total_eur IS NOT NULL) AS n_full_budgeted,
           coalesce(sum(t.w) FILTER (WHERE p.budget_total_eur IS NOT NULL), 0) AS n_frac_budgeted
    FROM t JOIN p ON p.id = t.project_id
    GROUP BY t.term_code
)
SELECT tm.code,
       coalesce(x.n_full, 0) AS n_full,
       coalesce(x.n_frac, 0) AS n_frac,
       coalesce(x.budget_frac, 0) AS budget_frac,
       coalesce(x.n_full_budgeted, 0) AS n_full_budgeted,
       coalesce(x.n_frac_budgeted, 0) AS n_frac_budgeted
FROM term tm
LEFT JOIN per_term x ON x.term_code = tm.code
WHERE tm.mission_id = $1 AND tm.scheme_code = $11::VARCHAR AND tm.active
ORDER BY tm.position;
