-- name: shares
-- Count and budget per term of one scheme ($11) over the projects in scope,
-- fractional (a project with t terms weighs 1/t in each) and full. Every
-- active term is returned; untagged projects come as the row with a NULL term.
WITH p AS (
    SELECT * FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
t AS (
    SELECT pt.project_id, pt.term_code, 1.0 / count(*) OVER (PARTITION BY pt.project_id) AS w
    FROM project_term pt JOIN p ON p.id = pt.project_id
    WHERE pt.scheme_code = $11
),
per_term AS (
    SELECT t.term_code, count(*) AS n_full, sum(t.w) AS n_frac,
           coalesce(sum(t.w * p.budget_total_eur), 0) AS budget_frac,
           count(*) FILTER (WHERE p.budget_total_eur IS NULL) AS budget_null
    FROM t JOIN p ON p.id = t.project_id
    GROUP BY t.term_code
)
-- Rows come in the scheme's document order, the untagged row last: charts of
-- ordered schemes (level, stage) draw them in this order.
SELECT code, n_full, n_frac, budget_frac, budget_null FROM (
    SELECT tm.position AS ord, tm.code, coalesce(x.n_full, 0) AS n_full, coalesce(x.n_frac, 0) AS n_frac,
           coalesce(x.budget_frac, 0) AS budget_frac, coalesce(x.budget_null, 0) AS budget_null
    FROM term tm LEFT JOIN per_term x ON x.term_code = tm.code
    WHERE tm.mission_id = $1 AND tm.scheme_code = $11 AND tm.active
    UNION ALL
    SELECT NULL, NULL, count(*), count(*), coalesce(sum(budget_total_eur), 0), count(*) FILTER (WHERE budget_total_eur IS NULL)
    FROM p WHERE p.id NOT IN (SELECT project_id FROM t)
)
ORDER BY ord NULLS LAST;
