-- name: c13_actors
-- Participations per organisation: the distinct (project, organisation)
-- pairs of the projects in scope, whatever the role, grouped by
-- organisation with its actor type (NULL when unknown). Most active first.
WITH p AS (
    SELECT id FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
pairs AS (
    SELECT DISTINCT po.project_id, po.org_id
    FROM project_org po JOIN p ON p.id = po.project_id
)
SELECT o.id, o.actor_type, count(*) AS participations
FROM pairs JOIN organisation o ON o.id = pairs.org_id
GROUP BY o.id, o.actor_type
ORDER BY participations DESC, o.id;
