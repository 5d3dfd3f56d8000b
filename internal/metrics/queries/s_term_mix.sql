-- name: s_term_mix
-- How the approved signals of [$2, $3) tagged with each signal term spread
-- over four facets: the level observed (S8), the observer actor type and the
-- comarca of the signal's municipality (S9), and the source type (S13). One
-- row per (scheme, term, facet, value) with the number of signals; a signal
-- whose facet is empty (or whose municipality is unknown) is left out of
-- that facet only.
-- Signals are not filtered by the project scope: $1 is the mission.
-- Example: $1 = 1, $2 = '2025-11-01', $3 = '2026-11-01'.
WITH s AS (
    SELECT s.id, s.level_observed, s.observer_actor_type, s.source_type, g.parent_code AS comarca
    FROM begira_signals($1, $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[]) s
    LEFT JOIN geo_area g ON g.code = s.geo_code AND g.level = 'municipality'
    WHERE s.status = 'approved'
      AND s.observed_at >= $2::DATE AND s.observed_at < $3::DATE
),
t AS (
    SELECT DISTINCT st.scheme_code AS scheme, st.term_code AS term, s.*
    FROM s JOIN signal_term st ON st.signal_id = s.id
)
SELECT scheme, term, 'level' AS facet, level_observed AS value, count(*) AS n
FROM t WHERE level_observed IS NOT NULL GROUP BY ALL
UNION ALL
SELECT scheme, term, 'actor_type', observer_actor_type, count(*)
FROM t WHERE observer_actor_type IS NOT NULL GROUP BY ALL
UNION ALL
SELECT scheme, term, 'comarca', comarca, count(*)
FROM t WHERE comarca IS NOT NULL GROUP BY ALL
UNION ALL
SELECT scheme, term, 'source_type', source_type, count(*)
FROM t WHERE source_type IS NOT NULL GROUP BY ALL
ORDER BY ALL;
