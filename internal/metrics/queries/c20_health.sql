-- name: c20_health
-- Data health over the projects in scope: how many there are, how many were
-- updated on or after $11 (today − 180 days in the mission's time zone), and
-- for each required field how many have it filled. A scheme field is filled
-- when the project carries at least one term of the scheme: one flag per
-- scheme and project (bool_or), where a list of the project's schemes took
-- 1.7× the CPU at a million projects.
WITH p AS (
    SELECT * FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
tagged AS (
    SELECT project_id,
           bool_or(scheme_code = 'level') AS level,
           bool_or(scheme_code = 'stage') AS stage,
           bool_or(scheme_code = 'pillar') AS pillar
    FROM project_term
    WHERE scheme_code IN ('level', 'stage', 'pillar')
    GROUP BY project_id
)
SELECT count(*) AS projects,
       count(*) FILTER (WHERE p.updated_at >= $11::DATE) AS fresh,
       count(*) FILTER (WHERE nullif(trim(p.title), '') IS NOT NULL) AS title,
       count(*) FILTER (WHERE t.level) AS level,
       count(*) FILTER (WHERE t.stage) AS stage,
       count(*) FILTER (WHERE t.pillar) AS pillars,
       count(p.budget_total_eur) AS budget_total_eur,
       count(p.geo_code) AS municipality_code,
       count(p.lead_org_id) AS lead_org,
       count(p.start_date) AS start_date
FROM p LEFT JOIN tagged t ON t.project_id = p.id;
