-- name: c12_territory
-- Territory-wide figures of C12 over the projects in scope. A project is
-- located in a municipality when its geo_code is one (geo_area level
-- 'municipality'); the mission's territory is every municipality with a
-- population. Columns: municipalities loaded, municipalities with ≥1
-- located project, the territory's population, the projects located in it,
-- their budget (NULL budgets ignored) and how many of them had a budget.
WITH p AS (
    SELECT id, geo_code, budget_total_eur FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
mun AS (
    SELECT code, population FROM geo_area WHERE level = 'municipality'
),
located AS (
    SELECT p.id, p.geo_code, p.budget_total_eur, mun.population
    FROM p JOIN mun ON mun.code = p.geo_code
)
SELECT
    (SELECT count(*) FROM mun) AS municipalities,
    (SELECT count(DISTINCT geo_code) FROM located) AS municipalities_covered,
    (SELECT coalesce(sum(population), 0)::BIGINT FROM mun WHERE population > 0) AS population,
    (SELECT count(*) FROM located WHERE population > 0) AS projects,
    (SELECT coalesce(sum(budget_total_eur), 0) FROM located WHERE population > 0) AS budget,
    (SELECT count(budget_total_eur) FROM located WHERE population > 0) AS budgeted;
