-- name: coverage
-- C1 coverage matrix of scheme A ($11) × scheme B ($12) over the projects in
-- scope. Every pair of defined, active terms is returned, empty cells
-- included. Fractional counting: a project with t_a terms in A and t_b in B
-- weighs 1/t_a · 1/t_b in each of its cells, so n_frac sums to the number of
-- projects tagged in both schemes; n_full counts 1 per tagged cell.
-- The fractional sums add exact decimals (18 places), not doubles: a sum
-- of doubles depends on the order DuckDB meets the rows in, and the same
-- data restored from a backup answered 18.500000000000004 where the
-- original said 18.5.
WITH p AS (
    SELECT * FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
ta AS (
    SELECT pt.project_id, pt.term_code, 1.0 / count(*) OVER (PARTITION BY pt.project_id) AS w
    FROM project_term pt JOIN p ON p.id = pt.project_id
    WHERE pt.scheme_code = $11
),
tb AS (
    SELECT pt.project_id, pt.term_code, 1.0 / count(*) OVER (PARTITION BY pt.project_id) AS w
    FROM project_term pt JOIN p ON p.id = pt.project_id
    WHERE pt.scheme_code = $12
),
cells AS (
    SELECT ta.term_code AS a, tb.term_code AS b,
           count(*) AS n_full,
           sum((ta.w * tb.w)::DECIMAL(38, 18))::DOUBLE AS n_frac,
           coalesce(sum((ta.w * tb.w * p.budget_total_eur)::DECIMAL(38, 18)), 0)::DOUBLE AS budget_frac
    FROM ta JOIN tb ON tb.project_id = ta.project_id JOIN p ON p.id = ta.project_id
    GROUP BY ALL
)
SELECT ta_.code, tb_.code, coalesce(c.n_full, 0), coalesce(c.n_frac, 0), coalesce(c.budget_frac, 0)
FROM term ta_
CROSS JOIN term tb_
LEFT JOIN cells c ON c.a = ta_.code AND c.b = tb_.code
WHERE ta_.mission_id = $1 AND ta_.scheme_code = $11 AND ta_.active
  AND tb_.mission_id = $1 AND tb_.scheme_code = $12 AND tb_.active
ORDER BY ta_.position, tb_.position;
