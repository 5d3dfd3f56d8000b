-- name: list_totals
-- What a list of the projects in scope adds up to, as the charts count it:
-- the number of projects, their budget, and the fractional figures of a
-- chart over schemes A ($11) and B ($12) ('' for none). A project's weight
-- is, for each of A and B, the share of its terms in that scheme that the
-- scope keeps ($13, $14: the filter's terms, empty for all): a project with
-- two pillars counts 1/2 in each, one with no term in a named scheme 0. So
-- the weights of the projects behind a chart's mark sum to the mark.
WITH p AS (
    SELECT * FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
),
share AS (
    SELECT p.id,
           CASE WHEN $11 = '' THEN 1.0 ELSE coalesce((
               SELECT count(*) FILTER (WHERE len($13::VARCHAR[]) = 0 OR list_contains($13::VARCHAR[], term_code))::DOUBLE / count(*)
               FROM project_term WHERE project_id = p.id AND scheme_code = $11), 0) END
         * CASE WHEN $12 = '' THEN 1.0 ELSE coalesce((
               SELECT count(*) FILTER (WHERE len($14::VARCHAR[]) = 0 OR list_contains($14::VARCHAR[], term_code))::DOUBLE / count(*)
               FROM project_term WHERE project_id = p.id AND scheme_code = $12), 0) END AS w,
           p.budget_total_eur AS budget
    FROM p
)
SELECT count(*),
       coalesce(sum(budget), 0),
       count(*) FILTER (WHERE budget IS NULL),
       coalesce(sum(w), 0),
       coalesce(sum(w * budget), 0)
FROM share;
