-- 0012_scope_terms: begira_scope as in 0010, with its seventh argument
-- widened from the stage filter to a filter on the terms of any scheme, so
-- that every bar of a chart has a list of exactly its projects — a bar of a
-- scheme without a filter of its own (horizon, facet …) and the untagged
-- bar included. An entry "scheme:code" keeps the projects tagged with that
-- term; entries of one scheme are alternatives, schemes are all required.
-- An entry "scheme:" keeps the projects with no term of that scheme. The
-- stage filter travels in the same list as "stage:code". Positions of the
-- ten arguments are unchanged, so every query binding $1…$10 is too.
CREATE OR REPLACE MACRO begira_scope(mission, statuses, levels, pillars, challenges, levers, terms, comarcas, date_from, date_to) AS TABLE
    SELECT p.*
    FROM project p
    WHERE p.mission_id = mission
      AND (len(statuses) = 0 OR list_contains(statuses, p.status))
      AND (len(levels) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE len(levels) > 0 AND scheme_code = 'level' AND list_contains(levels, term_code)))
      AND (len(pillars) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE len(pillars) > 0 AND scheme_code = 'pillar' AND list_contains(pillars, term_code)))
      AND (len(challenges) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE len(challenges) > 0 AND scheme_code = 'challenge' AND list_contains(challenges, term_code)))
      AND (len(levers) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE len(levers) > 0 AND scheme_code = 'lever' AND list_contains(levers, term_code)))
      -- Tagged: the project has a kept term in every scheme named.
      AND (len(list_filter(terms, x -> NOT ends_with(x, ':'))) = 0
           OR p.id IN (SELECT project_id FROM project_term
                       WHERE len(list_filter(terms, x -> NOT ends_with(x, ':'))) > 0
                         AND list_contains(terms, scheme_code || ':' || term_code)
                       GROUP BY project_id
                       HAVING count(DISTINCT scheme_code) = len(list_distinct(list_transform(
                           list_filter(terms, x -> NOT ends_with(x, ':')), x -> split_part(x, ':', 1))))))
      -- Untagged: the project has no term of the schemes named.
      AND (len(list_filter(terms, x -> ends_with(x, ':'))) = 0
           OR p.id NOT IN (SELECT project_id FROM project_term
                           WHERE len(list_filter(terms, x -> ends_with(x, ':'))) > 0
                             AND list_contains(terms, scheme_code || ':')))
      AND (len(list_filter(comarcas, x -> NOT starts_with(x, 'm:'))) = 0
           OR p.geo_code IN (SELECT code FROM geo_area WHERE len(list_filter(comarcas, x -> NOT starts_with(x, 'm:'))) > 0 AND level = 'municipality' AND list_contains(comarcas, parent_code)))
      AND (len(list_filter(comarcas, x -> starts_with(x, 'm:'))) = 0 OR list_contains(comarcas, 'm:' || p.geo_code))
      AND (date_from IS NULL OR coalesce(p.end_date, DATE '9999-12-31') >= date_from)
      AND (date_to IS NULL OR coalesce(p.start_date, DATE '0001-01-01') < date_to);
