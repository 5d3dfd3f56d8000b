-- name: s_periods
-- Approved signals per calendar month of [$2, $3) (S1–S9). The caller
-- computes the dates in the mission's time zone from its injected clock;
-- observed_at is a calendar date, so a month is simply its YYYY-MM.
-- Rows with scheme = '' are the period totals (Yoon's NN); the others count,
-- per signal term, the signals tagged with it (n, Yoon's TF) and the distinct
-- source types among them (sources, Yoon's DF).
-- $1 is the mission; $4…$8 the signal scope (levels, pillars, challenges,
-- levers, comarcas; empty lists do not filter).
--
-- signal_term holds each (signal, scheme, term) once (the ingest inserts
-- DISTINCT rows), so counting rows counts signals. Distinct source types
-- are counted as the groups of a first aggregation by source type, far
-- cheaper than count(DISTINCT) over two million joined rows.
-- Example: $1 = 1, $2 = '2025-05-01', $3 = '2026-11-01'.
WITH s AS (
    SELECT id, strftime(observed_at, '%Y-%m') AS period, source_type
    FROM begira_signals($1, $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[])
    WHERE status = 'approved'
      AND observed_at >= $2::DATE AND observed_at < $3::DATE
),
by_source AS (
    SELECT st.scheme_code AS scheme, st.term_code AS term, s.period, s.source_type, count(*) AS n
    FROM s JOIN signal_term st ON st.signal_id = s.id
    GROUP BY ALL
)
SELECT '' AS scheme, '' AS term, period, count(*) AS n, count(DISTINCT source_type) AS sources
FROM s
GROUP BY period
UNION ALL
SELECT scheme, term, period, sum(n)::BIGINT, count(source_type)
FROM by_source
GROUP BY ALL
ORDER BY 1, 2, 3;
