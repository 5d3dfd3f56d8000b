-- name: c8_stage_days
-- Days each project in scope has spent in its current stage on the day $11
-- ("today" in the mission's time zone): today − stage_entered_at, for the
-- projects where stage_entered_at is set. C8 takes their median.
SELECT date_diff('day', stage_entered_at, $11::DATE) AS days
FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
WHERE stage_entered_at IS NOT NULL
ORDER BY days;
