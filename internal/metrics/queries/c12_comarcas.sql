-- name: c12_comarcas
-- Per comarca (geo_area level 'comarca'), every one returned, empty ones
-- too: its population (the sum over its municipalities, or the comarca's own
-- figure when they carry none), the projects in scope located in one of its
-- municipalities, their budget (NULL budgets ignored) and how many had one.
WITH p AS (
    SELECT id, geo_code, budget_total_eur FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
mun AS (
    SELECT code, parent_code, population FROM geo_area WHERE level = 'municipality'
),
com AS (
    SELECT code, population FROM geo_area WHERE level = 'comarca'
),
pop AS (
    SELECT parent_code AS comarca, sum(population) AS population FROM mun GROUP BY parent_code
),
located AS (
    SELECT mun.parent_code AS comarca, count(*) AS projects,
           coalesce(sum(p.budget_total_eur), 0) AS budget, count(p.budget_total_eur) AS budgeted
    FROM p JOIN mun ON mun.code = p.geo_code
    GROUP BY mun.parent_code
)
SELECT com.code,
       coalesce(nullif(pop.population, 0), com.population, 0)::BIGINT AS population,
       coalesce(l.projects, 0) AS projects,
       coalesce(l.budget, 0) AS budget,
       coalesce(l.budgeted, 0) AS budgeted
FROM com
LEFT JOIN pop ON pop.comarca = com.code
LEFT JOIN located l ON l.comarca = com.code
ORDER BY com.code;
