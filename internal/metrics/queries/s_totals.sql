-- name: s_totals
-- Mission-wide signal figures in one row: all signals of any status; over
-- the approved signals of [$2, $3), how many, how many carry a novelty,
-- its sum, how many score 4 or 5 (S6), and how many are linked to no project
-- (S10's orphan rate); the signals with status 'new' and those of them
-- observed before $4 = today − 14 days, the review backlog (S12).
-- Signals are not filtered by the project scope: $1 is the mission.
-- Example: $1 = 1, $2 = '2025-11-01', $3 = '2026-11-01', $4 = '2026-10-18'.
WITH s AS (
    SELECT s.*,
           s.status = 'approved' AND s.observed_at >= $2::DATE AND s.observed_at < $3::DATE AS in_window,
           s.id NOT IN (SELECT signal_id FROM signal_project) AS orphan
    FROM begira_signals($1, $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::VARCHAR[]) s
)
SELECT count(*) AS signals,
       count(*) FILTER (WHERE in_window) AS approved,
       count(novelty) FILTER (WHERE in_window) AS with_novelty,
       coalesce(sum(novelty) FILTER (WHERE in_window), 0) AS novelty_sum,
       count(*) FILTER (WHERE in_window AND novelty >= 4) AS high_novelty,
       count(*) FILTER (WHERE in_window AND orphan) AS orphans,
       count(*) FILTER (WHERE status = 'new') AS new_signals,
       count(*) FILTER (WHERE status = 'new' AND observed_at < $4::DATE) AS backlog
FROM s;
