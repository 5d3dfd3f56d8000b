-- name: s_vs_portfolio
-- Signals against the portfolio, for the schemes in $13 (those classifying
-- both projects and signals), per term (S10, S11):
--   side 'signal':  approved signals of [$11, $12), fractionally counted (a
--                   signal with t terms of the scheme weighs 1/t in each);
--   side 'project': projects in scope (begira_scope, docs/METRICS.md's P),
--                   fractionally counted the same way.
-- weight is the fractional count, n the full count (entities tagged). Rows
-- with term '' give, per scheme, how many entities carry any of its terms:
-- the denominators of the shares. A signal's level is its level_observed
-- (the ingest stores it there, not in signal_term), a term of scheme 'level'.
--
-- project_term and signal_term hold each (entity, scheme, term) once (the
-- ingest inserts them grouped or DISTINCT), so no deduplication is done
-- here. t is counted by grouping per entity and scheme and joined back: a
-- window count over the two million tags took over a second. Each side is
-- grouped on its own (no side column in the keys), and a signal's level is
-- not grouped at all: signal_term holds no level (the ingest keeps it in
-- level_observed only), so a signal has at most one, t = 1. Together about
-- half the time of grouping the union of all tags.
-- Example: $11 = '2025-11-01', $12 = '2026-11-01',
--          $13 = ['pillar', 'level', 'challenge', 'lever'].
WITH p AS (
    SELECT id FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
s AS (
    SELECT id, level_observed
    FROM begira_signals($1, $3, $4, $5, $6, $8)
    WHERE status = 'approved'
      AND observed_at >= $11::DATE AND observed_at < $12::DATE
),
ptags AS (
    SELECT pt.project_id AS id, pt.scheme_code AS scheme, pt.term_code AS term
    FROM project_term pt JOIN p ON p.id = pt.project_id
    WHERE list_contains($13::VARCHAR[], pt.scheme_code)
),
stags AS (
    SELECT st.signal_id AS id, st.scheme_code AS scheme, st.term_code AS term
    FROM signal_term st JOIN s ON s.id = st.signal_id
    WHERE list_contains($13::VARCHAR[], st.scheme_code)
),
slevels AS (
    SELECT level_observed AS term
    FROM s WHERE level_observed IS NOT NULL AND list_contains($13::VARCHAR[], 'level')
),
pt AS (SELECT id, scheme, count(*) AS t FROM ptags GROUP BY ALL),
st AS (SELECT id, scheme, count(*) AS t FROM stags GROUP BY ALL)
SELECT 'project' AS side, scheme, term, sum(1.0 / pt.t)::DOUBLE AS weight, count(*) AS n
FROM ptags JOIN pt USING (id, scheme) GROUP BY ALL
UNION ALL
SELECT 'signal', scheme, term, sum(1.0 / st.t)::DOUBLE, count(*)
FROM stags JOIN st USING (id, scheme) GROUP BY ALL
UNION ALL
SELECT 'signal', 'level', term, count(*)::DOUBLE, count(*) FROM slevels GROUP BY ALL
UNION ALL
SELECT 'project', scheme, '', count(*)::DOUBLE, count(*) FROM pt GROUP BY ALL
UNION ALL
SELECT 'signal', scheme, '', count(*)::DOUBLE, count(*) FROM st GROUP BY ALL
UNION ALL
SELECT 'signal', 'level', '', count(*)::DOUBLE, count(*) FROM slevels HAVING count(*) > 0
ORDER BY ALL;
