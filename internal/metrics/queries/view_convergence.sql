-- name: view_convergence
-- Approved signals per term of scheme $2 × level observed, observed in the
-- window [$3, $4), for mission $1. The convergence heatmap: is
-- the same change sensed at several levels of action at once? Signals are
-- not filtered by the project scope.
SELECT st.term_code, s.level_observed, count(DISTINCT s.id) AS signals
FROM begira_signals($1, $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::VARCHAR[]) s JOIN signal_term st ON st.signal_id = s.id AND st.scheme_code = $2
WHERE s.status = 'approved' AND s.level_observed IS NOT NULL
  AND s.observed_at >= $3::DATE AND s.observed_at < $4::DATE
GROUP BY ALL;
