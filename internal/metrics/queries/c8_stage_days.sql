-- name: c8_stage_days
-- Days each project in scope has spent in its current stage on the day $11
-- ("today" in the mission's time zone): today − stage_entered_at, for the
-- projects where stage_entered_at is set. C8 takes their median.
SELECT date_diff('day', stage_entered_at, $11::DATE) AS days
FROM begira_scope($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
WHERE stage_entered_at IS NOT NULL
ORDER BY days;
