-- 0008_scope_fast: begira_scope and begira_signals as in 0001 and 0006,
-- same rows, but an empty filter costs nothing. DuckDB plans a prepared
-- statement with its values inlined; there, "len(levels) = 0 OR p.id IN
-- (subquery)" still scans the subquery's table (a mark join the OR does
-- not remove): 5 scans of project_term per project query, 3 of the much
-- larger signal_term per signal query (about 4 ms and 13 ms on the
-- benchmark). Repeating "len(list) > 0" inside each subquery folds to
-- false when the list is empty, and the subquery becomes an empty result.
CREATE OR REPLACE MACRO begira_scope(mission, statuses, levels, pillars, challenges, levers, stages, comarcas, date_from, date_to) AS TABLE
    SELECT p.*
    FROM project p
    WHERE p.mission_id = mission
      AND (len(statuses) = 0 OR list_contains(statuses, p.status))
      AND (len(levels) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE len(levels) > 0 AND scheme_code = 'level' AND list_contains(levels, term_code)))
      AND (len(pillars) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE len(pillars) > 0 AND scheme_code = 'pillar' AND list_contains(pillars, term_code)))
      AND (len(challenges) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE len(challenges) > 0 AND scheme_code = 'challenge' AND list_contains(challenges, term_code)))
      AND (len(levers) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE len(levers) > 0 AND scheme_code = 'lever' AND list_contains(levers, term_code)))
      AND (len(stages) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE len(stages) > 0 AND scheme_code = 'stage' AND list_contains(stages, term_code)))
      AND (len(comarcas) = 0 OR p.geo_code IN (SELECT code FROM geo_area WHERE len(comarcas) > 0 AND level = 'municipality' AND list_contains(comarcas, parent_code)))
      AND (date_from IS NULL OR coalesce(p.end_date, DATE '9999-12-31') >= date_from)
      AND (date_to IS NULL OR coalesce(p.start_date, DATE '0001-01-01') < date_to);

CREATE OR REPLACE MACRO begira_signals(mission, levels, pillars, challenges, levers, comarcas) AS TABLE
    SELECT s.*
    FROM signal s
    WHERE s.mission_id = mission
      AND (len(levels) = 0 OR list_contains(levels, s.level_observed))
      AND (len(pillars) = 0 OR s.id IN (SELECT signal_id FROM signal_term WHERE len(pillars) > 0 AND scheme_code = 'pillar' AND list_contains(pillars, term_code)))
      AND (len(challenges) = 0 OR s.id IN (SELECT signal_id FROM signal_term WHERE len(challenges) > 0 AND scheme_code = 'challenge' AND list_contains(challenges, term_code)))
      AND (len(levers) = 0 OR s.id IN (SELECT signal_id FROM signal_term WHERE len(levers) > 0 AND scheme_code = 'lever' AND list_contains(levers, term_code)))
      AND (len(comarcas) = 0 OR s.geo_code IN (SELECT code FROM geo_area WHERE len(comarcas) > 0 AND level = 'municipality' AND list_contains(comarcas, parent_code)));
