-- name: s_term_mix
-- How the approved signals of [$2, $3) tagged with each signal term spread
-- over four facets: the level observed (S8), the observer actor type and the
-- comarca of the signal's municipality (S9), and the source type (S13). One
-- row per (scheme, term, facet, value) with the number of signals; a signal
-- whose facet is empty (or whose municipality is unknown) is left out of
-- that facet only.
--
-- One scan, four grouping sets; GROUPING() tells which facet a row is
-- about. signal_term holds each (signal, scheme, term) once (the ingest
-- inserts DISTINCT rows), so count(*) counts signals.
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
    SELECT st.scheme_code AS scheme, st.term_code AS term, s.level_observed, s.observer_actor_type, s.comarca, s.source_type
    FROM s JOIN signal_term st ON st.signal_id = s.id
),
g AS (
    SELECT scheme, term,
           CASE WHEN GROUPING(level_observed) = 0 THEN 'level'
                WHEN GROUPING(observer_actor_type) = 0 THEN 'actor_type'
                WHEN GROUPING(comarca) = 0 THEN 'comarca'
                ELSE 'source_type' END AS facet,
           coalesce(level_observed, observer_actor_type, comarca, source_type) AS value,
           count(*) AS n
    FROM t
    GROUP BY GROUPING SETS ((scheme, term, level_observed), (scheme, term, observer_actor_type),
                            (scheme, term, comarca), (scheme, term, source_type))
)
SELECT scheme, term, facet, value, n FROM g WHERE value IS NOT NULL
ORDER BY ALL;
