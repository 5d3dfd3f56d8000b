-- name: c15_leverage
-- Budgets by leverage layer over the projects in scope: follow-on budget
-- (layers 2 and 3), base budget (layer 1), the projects with a layer, and
-- how many of those had a NULL budget (ignored in both sums).
SELECT coalesce(sum(budget_total_eur) FILTER (WHERE leverage_layer IN (2, 3)), 0) AS follow_on,
       coalesce(sum(budget_total_eur) FILTER (WHERE leverage_layer = 1), 0) AS base,
       count(leverage_layer) AS layered,
       count(leverage_layer) FILTER (WHERE budget_total_eur IS NULL) AS budget_null
FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE);
