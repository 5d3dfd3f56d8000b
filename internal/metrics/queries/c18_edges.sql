-- name: c18_edges
-- The edges of the thematic network (C18): pairs of projects in scope (a < b)
-- whose sets of challenge ∪ lever terms have a Jaccard similarity
-- |A∩B| / |A∪B| of at least $11 (0.5), with that similarity.
--
-- Only pairs sharing at least one term are ever compared (the self-join is
-- bucketed by term): pairs sharing none have similarity 0. The test
-- |A∩B| ≥ $11·|A∪B| avoids a division, so with $11 = 0.5 (exact in binary)
-- a similarity of exactly 0.5 is always in. Cost: a term carried by k projects makes k(k−1)/2 candidate
-- pairs, so broad terms on large portfolios dominate.
WITH p AS (
    SELECT id FROM begira_scope($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
),
t AS (
    SELECT DISTINCT pt.project_id, pt.scheme_code, pt.term_code
    FROM project_term pt JOIN p ON p.id = pt.project_id
    WHERE pt.scheme_code IN ('challenge', 'lever')
),
sz AS (
    SELECT project_id, count(*) AS k FROM t GROUP BY project_id
),
shared AS (
    SELECT a.project_id AS a, b.project_id AS b, count(*) AS inter
    FROM t a JOIN t b
      ON b.scheme_code = a.scheme_code AND b.term_code = a.term_code AND a.project_id < b.project_id
    GROUP BY a.project_id, b.project_id
)
SELECT s.a, s.b, s.inter::DOUBLE / (sa.k + sb.k - s.inter) AS jaccard
FROM shared s
JOIN sz sa ON sa.project_id = s.a
JOIN sz sb ON sb.project_id = s.b
WHERE s.inter >= $11::DOUBLE * (sa.k + sb.k - s.inter)
ORDER BY s.a, s.b;
