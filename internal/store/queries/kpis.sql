-- name: kpis
-- Headline figures of the overview over the projects in scope; approved
-- signals over the same scope as the signal charts count them (begira_signals).
WITH p AS (
    SELECT * FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
)
SELECT
    (SELECT count(*) FROM p) AS projects,
    (SELECT coalesce(sum(budget_total_eur), 0) FROM p) AS budget,
    (SELECT count(*) FROM p WHERE budget_total_eur IS NULL) AS budget_null,
    (SELECT count(DISTINCT po.org_id) FROM project_org po JOIN p ON p.id = po.project_id) AS organisations,
    (SELECT count(*) FROM begira_signals($1, $3, $4, $5, $6, $8) s WHERE s.status = 'approved') AS signals;
