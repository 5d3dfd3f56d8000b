-- name: s_term_dates
-- For each signal term, over every approved signal observed up to today
-- ($2, the mission's local date): how many there are and how many days
-- have passed since the first (S6: new terms) and the last (S12: staleness).
-- Subtracting two DATEs gives whole days. signal_term holds each (signal,
-- scheme, term) once (the ingest inserts DISTINCT rows): count(*) counts
-- signals.
-- Signals are not filtered by the project scope: $1 is the mission.
-- Example: $1 = 1, $2 = '2026-11-01'.
SELECT st.scheme_code AS scheme, st.term_code AS term,
       count(*) AS n,
       $2::DATE - min(s.observed_at) AS days_since_first,
       $2::DATE - max(s.observed_at) AS days_since_last
FROM begira_signals($1, $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[]) s JOIN signal_term st ON st.signal_id = s.id
WHERE s.status = 'approved' AND s.observed_at <= $2::DATE
GROUP BY ALL
ORDER BY ALL;
