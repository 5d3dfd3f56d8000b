-- name: c16_members
-- The memberships the shared-partner network (C16) is made of: one row per
-- organisation and project in scope it takes part in (any role, once),
-- ordered by organisation. Two projects are linked when they share an
-- organisation; the pairs are built in Go (graph.go), not here: a
-- self-join would emit k(k−1)/2 rows for an organisation in k projects.
WITH p AS (
    SELECT id FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
)
SELECT DISTINCT po.org_id, po.project_id
FROM project_org po JOIN p ON p.id = po.project_id
ORDER BY po.org_id, po.project_id;
