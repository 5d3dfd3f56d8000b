-- name: s_vs_portfolio
-- Signals against the portfolio, for the schemes in $13 (those classifying
-- both projects and signals), per term (S10, S11):
--   side 'signal':  approved signals of [$11, $12), fractionally counted (a
--                   signal with t terms of the scheme weighs 1/t in each);
--   side 'project': projects in scope (begira_scope, DOMAIN.md's P),
--                   fractionally counted the same way.
-- weight is the fractional count, n the full count (entities tagged). Rows
-- with term '' give, per scheme, how many entities carry any of its terms:
-- the denominators of the shares. A signal's level is its level_observed
-- (the ingest stores it there, not in signal_term), a term of scheme 'level'.
-- Example: $11 = '2025-11-01', $12 = '2026-11-01',
--          $13 = ['pillar', 'level', 'challenge', 'lever'].
WITH p AS (
    SELECT id FROM begira_scope($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
),
ptags AS (
    SELECT DISTINCT pt.project_id AS id, pt.scheme_code AS scheme, pt.term_code AS term
    FROM project_term pt JOIN p ON p.id = pt.project_id
    WHERE list_contains($13::VARCHAR[], pt.scheme_code)
),
s AS (
    SELECT id, level_observed
    FROM begira_signals($1, $3, $4, $5, $6, $8)
    WHERE status = 'approved'
      AND observed_at >= $11::DATE AND observed_at < $12::DATE
),
stags AS (
    SELECT st.signal_id AS id, st.scheme_code AS scheme, st.term_code AS term
    FROM signal_term st JOIN s ON s.id = st.signal_id
    UNION
    SELECT id, 'level', level_observed FROM s WHERE level_observed IS NOT NULL
),
tags AS (
    SELECT 'signal' AS side, id, scheme, term FROM stags WHERE list_contains($13::VARCHAR[], scheme)
    UNION ALL
    SELECT 'project', id, scheme, term FROM ptags
),
w AS (
    SELECT side, id, scheme, term, 1.0 / count(*) OVER (PARTITION BY side, id, scheme) AS w FROM tags
)
SELECT side, scheme, term, sum(w)::DOUBLE AS weight, count(*) AS n FROM w GROUP BY ALL
UNION ALL
SELECT side, scheme, '', count(DISTINCT id)::DOUBLE, count(DISTINCT id) FROM w GROUP BY ALL
ORDER BY ALL;
