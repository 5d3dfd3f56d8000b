-- name: c16_orgs
-- The names of the organisations $11 (ids) among those taking part in the
-- projects in scope: the nodes of the organisation network.
WITH p AS (
    SELECT id FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
)
SELECT o.id, o.name
FROM organisation o
WHERE o.id IN (SELECT unnest($11::BIGINT[]))
  AND o.id IN (SELECT po.org_id FROM project_org po JOIN p ON p.id = po.project_id);
