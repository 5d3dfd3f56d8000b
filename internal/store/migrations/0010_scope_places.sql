-- 0010_scope_places: begira_scope and begira_signals as in 0008, with one
-- more place filter in the same list argument: an entry "m:CODE" keeps the
-- projects (signals) of municipality CODE, the other entries are comarcas
-- as before. The two kinds intersect (comarca X and municipality M), so a
-- territory bubble opens exactly the projects it counts, within any comarca
-- filter. The place list keeps its position: every query binding $1…$10
-- is unchanged.
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
      AND (len(list_filter(comarcas, x -> NOT starts_with(x, 'm:'))) = 0
           OR p.geo_code IN (SELECT code FROM geo_area WHERE len(list_filter(comarcas, x -> NOT starts_with(x, 'm:'))) > 0 AND level = 'municipality' AND list_contains(comarcas, parent_code)))
      AND (len(list_filter(comarcas, x -> starts_with(x, 'm:'))) = 0 OR list_contains(comarcas, 'm:' || p.geo_code))
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
      AND (len(list_filter(comarcas, x -> NOT starts_with(x, 'm:'))) = 0
           OR s.geo_code IN (SELECT code FROM geo_area WHERE len(list_filter(comarcas, x -> NOT starts_with(x, 'm:'))) > 0 AND level = 'municipality' AND list_contains(comarcas, parent_code)))
      AND (len(list_filter(comarcas, x -> starts_with(x, 'm:'))) = 0 OR list_contains(comarcas, 'm:' || s.geo_code));
