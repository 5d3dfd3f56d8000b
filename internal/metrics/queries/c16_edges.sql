-- name: c16_edges
-- The edges of the shared-partner network (C16): one row per pair of
-- projects in scope (a < b) that share at least one organisation in any role,
-- weighted by the number of distinct organisations they share.
--
-- Cost: the self-join emits k(k−1)/2 rows for an organisation taking part in
-- k projects before they are grouped, so one organisation in 5,000 projects
-- alone makes 12.5 million pairs. That is correct (those projects really are
-- all linked) and DuckDB's hash aggregate copes, but time and memory grow
-- with the square of the busiest organisation's participation.
WITH p AS (
    SELECT id FROM begira_scope($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
),
po AS (
    SELECT DISTINCT po.project_id, po.org_id
    FROM project_org po JOIN p ON p.id = po.project_id
)
SELECT a.project_id AS a, b.project_id AS b, count(*) AS shared
FROM po a JOIN po b ON b.org_id = a.org_id AND a.project_id < b.project_id
GROUP BY a.project_id, b.project_id
ORDER BY a, b;
