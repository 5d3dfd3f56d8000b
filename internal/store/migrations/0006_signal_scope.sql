-- 0006_signal_scope: the scope filters of every page and API call applied
-- to signals, as begira_scope applies them to projects: level (the level
-- observed), pillar, challenge and lever (the signal's terms) and comarca
-- (where it was observed). An empty list means "no filter". Time windows are
-- the metrics' own (DOMAIN.md §5.2), so from/to do not apply here.
-- Example: SELECT count(*) FROM begira_signals(1, [], [], ['water'], [], []);
CREATE MACRO begira_signals(mission, levels, pillars, challenges, levers, comarcas) AS TABLE
    SELECT s.*
    FROM signal s
    WHERE s.mission_id = mission
      AND (len(levels) = 0 OR list_contains(levels, s.level_observed))
      AND (len(pillars) = 0 OR s.id IN (SELECT signal_id FROM signal_term WHERE scheme_code = 'pillar' AND list_contains(pillars, term_code)))
      AND (len(challenges) = 0 OR s.id IN (SELECT signal_id FROM signal_term WHERE scheme_code = 'challenge' AND list_contains(challenges, term_code)))
      AND (len(levers) = 0 OR s.id IN (SELECT signal_id FROM signal_term WHERE scheme_code = 'lever' AND list_contains(levers, term_code)))
      AND (len(comarcas) = 0 OR s.geo_code IN (SELECT code FROM geo_area WHERE level = 'municipality' AND list_contains(comarcas, parent_code)));
