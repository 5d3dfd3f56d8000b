-- name: view_places
-- Projects and budget of the projects in scope per municipality, with every
-- municipality of the territory (empty ones included, to show who is left
-- out). For the territory map.
WITH p AS (
    SELECT * FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
)
SELECT g.code, g.name_eu, g.name_es, coalesce(g.parent_code, ''), g.lat, g.lon, coalesce(g.population, 0),
       count(p.id) AS projects, coalesce(sum(p.budget_total_eur), 0) AS budget
FROM geo_area g LEFT JOIN p ON p.geo_code = g.code
WHERE g.level = 'municipality' AND g.lat IS NOT NULL AND g.lon IS NOT NULL
GROUP BY ALL
ORDER BY g.code;
