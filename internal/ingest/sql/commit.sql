-- The statements of a commit (commit.go), run in one transaction.
--
-- Holes in double braces are filled before a statement runs: table names
-- ({{staged}} is the batch's staging view, {{ids}}, {{gone}} and {{names}}
-- the tables the commit writes) and the expressions that read a cell the
-- way its column is written (reading.go). Values are bound parameters:
-- $batch (the batch id), $mission (the mission id) and $now (the clock).

-- name: ok-lines
-- The lines of the batch without a reject.
SELECT line FROM {{staged}} WHERE line NOT IN (SELECT line FROM import_reject WHERE batch_id = $batch)

-- name: ids
-- Maps each valid line to the id its row will have: the id of the row with
-- the same business key when there is one (upsert, replace), a new one
-- otherwise.
CREATE TABLE {{ids}} AS
SELECT s.line, coalesce(e.id, nextval('{{seq}}')) AS id, e.id IS NOT NULL AS existed
FROM {{staged}} s LEFT JOIN {{table}} e ON e.mission_id = $mission AND e.{{key}} = {{key_expr}}
WHERE s.line IN ({{ok_lines}})

-- name: gone-matched
-- Append and upsert displace the rows they match.
CREATE TABLE {{gone}} AS SELECT id FROM {{ids}} WHERE existed

-- name: gone-mission
-- Replace displaces every row of the mission.
CREATE TABLE {{gone}} AS SELECT id FROM {{table}} WHERE mission_id = $mission

-- name: gone-mission-organisations
-- Replace displaces every organisation of the mission but those that
-- projects still name and the file does not.
CREATE TABLE {{gone}} AS SELECT id FROM organisation WHERE mission_id = $mission
AND (id IN (SELECT id FROM {{ids}}) OR id NOT IN (SELECT org_id FROM project_org))

-- name: count-gone
SELECT count(*) FROM {{gone}}

-- name: archive
-- Keeps the displaced rows of a table with the batch, for Rollback.
INSERT INTO {{table}}_archive SELECT $batch, * FROM {{table}} WHERE {{col}} IN (SELECT id FROM {{gone}})

-- name: delete-archived
DELETE FROM {{table}} WHERE {{col}} IN (SELECT id FROM {{gone}})

-- name: archive-signal-links
-- Links from signals to projects that disappear (replace) go too; links to
-- projects that are only updated keep pointing at the same id.
INSERT INTO signal_project_archive SELECT $batch, * FROM signal_project
WHERE project_id IN (SELECT id FROM {{gone}}) AND project_id NOT IN (SELECT id FROM {{ids}})

-- name: delete-signal-links
DELETE FROM signal_project WHERE project_id IN (SELECT id FROM {{gone}}) AND project_id NOT IN (SELECT id FROM {{ids}})

-- name: org-mentions
-- Every organisation a committed line names: the row's id, line, role
-- (lead or partner), name and, for a lead, the code of its lead_org_type.
SELECT i.id, s.line, 'lead' AS role, {{lead_org}} AS name, {{lead_type}} AS lead_type
FROM {{staged}} s JOIN {{ids}} i ON i.line = s.line {{lead_type_join}}
WHERE {{lead_org}} IS NOT NULL
UNION ALL
SELECT i.id, p.line, 'partner', p.raw, NULL
FROM ({{partner_lines}}) p JOIN {{ids}} i ON i.line = p.line WHERE p.raw <> ''

-- name: lead-type-join
LEFT JOIN (SELECT cell, any_value(code) AS code FROM {{terms}} WHERE field = 'lead_org_type' GROUP BY cell) lt
ON lt.cell = s.lead_org_type

-- name: names
-- The batch's dictionary of organisation names: every name its committed
-- lines use, its key, the first line naming it, and the type given with it
-- on the first line naming it as a lead with a type.
CREATE TABLE {{names}} AS
SELECT name, begira_name_key(name) AS name_key, min(line) AS first_line,
       arg_min(lead_type, line) FILTER (WHERE role = 'lead') AS lead_type,
       min(line) FILTER (WHERE role = 'lead' AND lead_type IS NOT NULL) AS lead_type_line
FROM ({{mentions}}) GROUP BY name

-- name: new-organisations
-- Organisations named as lead or partner are matched by normalised name
-- and created when new; the lead's type comes from lead_org_type.
INSERT INTO organisation (mission_id, name, name_key, actor_type, batch_id, updated_at)
SELECT $mission, arg_min(name, first_line), name_key, arg_min(lead_type, lead_type_line), $batch, $now
FROM {{names}}
WHERE name_key NOT IN (SELECT name_key FROM organisation WHERE mission_id = $mission)
GROUP BY name_key

-- name: leads
SELECT n.name, o.id FROM {{names}} n JOIN organisation o ON o.mission_id = $mission AND o.name_key = n.name_key

-- name: no-leads
SELECT NULL::VARCHAR AS name, NULL::BIGINT AS id WHERE false

-- name: old-projects
-- The archived row, read only by an upsert keeping the columns the file
-- lacks (see keep).
LEFT JOIN project_archive old ON old.archived_by = $batch AND old.id = i.id

-- name: keep
-- In an upsert of a file without the column, the updated row keeps its
-- stored value; new rows get the file's.
CASE WHEN old.id IS NOT NULL THEN old.{{col}} ELSE {{expr}} END

-- name: projects
INSERT INTO project (id, mission_id, ext_ref, title, summary, status, lead_org_id, budget_total_eur,
                     public_funding_eur, funding_instrument, start_date, end_date, stage_entered_at, geo_code,
                     lat, lon, intent, updated_at, batch_id)
SELECT i.id, $mission, s.ext_ref, s.title, {{summary}}, {{status}},
       {{lead_org_id}},
       {{budget_total_eur}}, {{public_funding_eur}}, {{funding_instrument}}, {{start_date}}, {{end_date}},
       {{stage_entered_at}}, {{geo_code}}, {{lat}}, {{lon}}, {{intent}}, {{updated_at}}, $batch
FROM {{staged}} s JOIN {{ids}} i ON i.line = s.line
LEFT JOIN ({{leads}}) lead ON lead.name = {{lead_org}}
{{old}}

-- name: term
-- The matched code of a single-valued term cell, looked up in the batch's
-- dictionary of term cells.
(SELECT any_value(code) FROM {{terms}} x WHERE x.field = {{field}} AND x.cell = {{cell}})

-- name: term-rows
-- The terms of every committed line: id, scheme, code and is_primary (the
-- cell's first value), one row per distinct code of a cell.
SELECT c.id, t.scheme, t.code, t.is_primary
FROM (UNPIVOT (SELECT i.id, {{fields}} FROM {{staged}} s JOIN {{ids}} i ON i.line = s.line) ON {{fields}} INTO NAME field VALUE cell) c
JOIN (SELECT field, scheme, cell, code, min(pos) = 1 AS is_primary FROM {{terms}}
      WHERE code IS NOT NULL GROUP BY field, scheme, cell, code) t ON t.field = c.field AND t.cell = c.cell

-- name: term-keys
-- The ids of the terms the batch uses (term_key): a mission apply gives
-- every term of its document one; this adds those of terms written to the
-- term table otherwise.
INSERT INTO term_key (scheme_code, term_code)
SELECT DISTINCT t.scheme, t.code FROM {{terms}} t
WHERE t.code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM term_key k WHERE k.scheme_code = t.scheme AND k.term_code = t.code)

-- name: project-terms
-- A project's terms are written as integer term ids (project_term is a
-- view over them): the dictionary of term cells is matched to the ids
-- first, so that the millions of rows carry no string.
INSERT INTO project_term_link (project_id, term_id, is_primary)
SELECT c.id, t.term_id, t.is_primary
FROM (UNPIVOT (SELECT i.id, {{fields}} FROM {{staged}} s JOIN {{ids}} i ON i.line = s.line) ON {{fields}} INTO NAME field VALUE cell) c
JOIN (SELECT x.field, x.cell, k.id AS term_id, min(x.pos) = 1 AS is_primary
      FROM {{terms}} x JOIN term_key k ON k.scheme_code = x.scheme AND k.term_code = x.code
      GROUP BY x.field, x.cell, k.id) t ON t.field = c.field AND t.cell = c.cell

-- name: project-organisations
-- 'lead' sorts before 'partner': a lead also listed as partner stays lead.
INSERT INTO project_org (project_id, org_id, role)
SELECT r.id, o.id, min(r.role)
FROM ({{mentions}}) r JOIN {{names}} n ON n.name = r.name
JOIN organisation o ON o.mission_id = $mission AND o.name_key = n.name_key
GROUP BY r.id, o.id

-- name: kept-terms
-- An upsert restores, for the rows it updated, the classifications of the
-- schemes the file did not have, from the archive it just wrote.
INSERT INTO project_term_link SELECT * EXCLUDE (archived_by) FROM project_term_link_archive
WHERE archived_by = $batch AND project_id IN (SELECT id FROM {{ids}})
  AND term_id IN (SELECT id FROM term_key WHERE scheme_code IN ({{schemes}}))

-- name: kept-organisations
-- The same for the roles (lead, partner) of the columns the file did not
-- have.
INSERT INTO project_org SELECT * EXCLUDE (archived_by) FROM project_org_archive a
WHERE archived_by = $batch AND project_id IN (SELECT id FROM {{ids}}) AND role IN ({{roles}})
  AND NOT EXISTS (SELECT 1 FROM project_org p WHERE p.project_id = a.project_id AND p.org_id = a.org_id)

-- name: organisations
INSERT INTO organisation (id, mission_id, ext_ref, name, name_key, actor_type, size_class, founded_year, geo_code, batch_id, updated_at)
SELECT i.id, $mission, {{ext_ref}}, s.name, begira_name_key(s.name), {{actor_type}}, {{size_class}}, {{founded_year}}, {{geo_code}}, $batch, $now
FROM {{staged}} s JOIN {{ids}} i ON i.line = s.line

-- name: signals
INSERT INTO signal (id, mission_id, ext_ref, headline, description, url, source_type, observed_at, status,
                    novelty, level_observed, observer_actor_type, signal_type, sentiment, geo_code, batch_id, captured_at)
SELECT i.id, $mission, s.ext_ref, s.headline, {{description}}, {{url}}, {{source_type}}, {{observed_at}}, coalesce({{status}}, 'new'),
       {{novelty}}, {{level_observed}}, {{observer_actor_type}}, {{signal_type}}, {{sentiment}}, {{geo_code}}, $batch, $now
FROM {{staged}} s JOIN {{ids}} i ON i.line = s.line

-- name: signal-terms
INSERT INTO signal_term (signal_id, scheme_code, term_code)
SELECT DISTINCT id, scheme, code FROM ({{term_rows}})

-- name: signal-projects
INSERT INTO signal_project (signal_id, project_id, relation)
SELECT DISTINCT i.id, r.project_id, 'informs'
FROM {{refs}} r JOIN {{ids}} i ON i.line = r.line WHERE r.project_id IS NOT NULL
