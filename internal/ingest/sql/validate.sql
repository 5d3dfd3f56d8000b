-- The statements that validate a staged file (validate.go). Each reject is
-- a row of import_reject: the batch, the line, the column's header, the
-- value, why (in English) and a stable code (codes.go).
--
-- Values are bound with ? in the order they are written; holes in double
-- braces are the batch's tables ({{staged}}: its staging view) and the SQL
-- of the checks.

-- name: reject
-- A reject for every staged row matching {{where}}.
INSERT INTO import_reject (batch_id, line, column_name, value, reason, code)
SELECT ?, line, ?, {{value}}, {{reason}}, {{code}} FROM {{staged}} WHERE {{where}}

-- name: cell-check
-- One check of a cell: a reject (a struct) when {{where}} holds.
CASE WHEN {{where}} THEN {column_name: ?, value: {{value}}, reason: {{reason}}, code: {{code}}} END

-- name: cell-rejects
-- Every cell check in one scan of the file: each row yields the list of
-- its rejects (nearly always empty), unnested into rows.
INSERT INTO import_reject (batch_id, line, column_name, value, reason, code)
SELECT ?, line, r.column_name, r.value, r.reason, r.code
FROM (SELECT line, unnest(list_filter([{{checks}}], x -> x IS NOT NULL)) AS r FROM {{staged}})

-- name: duplicates
-- A business key met earlier in the file. The keys met more than once are
-- found by grouping (a hash table), then joined back to their lines: a
-- window partitioned by the key costs twice as much on a million lines.
INSERT INTO import_reject (batch_id, line, column_name, value, reason, code)
SELECT ?, s.line, ?, s.{{key}}, 'duplicate in this file (first on line ' || d.first_line || ')', {{code}}
FROM {{staged}} s
JOIN (SELECT {{key_expr}} AS k, min(line) AS first_line FROM {{staged}} WHERE {{key}} IS NOT NULL GROUP BY k HAVING count(*) > 1) d
  ON {{key_expr}} = d.k
WHERE s.{{key}} IS NOT NULL AND s.line > d.first_line

-- name: count-rows
SELECT (SELECT count(*) FROM {{staged}}), (SELECT count(DISTINCT line) FROM import_reject WHERE batch_id = ?)

-- name: terms-none
CREATE TABLE {{terms}} (field VARCHAR, scheme VARCHAR, cell VARCHAR, raw VARCHAR, pos BIGINT, code VARCHAR)

-- name: terms
-- The dictionary of term cells: one scan of the file collects the distinct
-- cells of every term column ({{columns}}); {{parts}} split and match
-- them, one term-part per column.
CREATE TABLE {{terms}} AS
WITH cells AS MATERIALIZED (SELECT f.field, unnest(f.cells) AS cell FROM (SELECT unnest([{{columns}}]) AS f FROM {{staged}}))
{{parts}}

-- name: term-part
-- Most values are exact codes: a plain join matches them; only the rest
-- (labels, other case or accents) pay for normalisation (term-labels).
SELECT ? AS field, ? AS scheme, v.cell, v.raw, v.pos, k.code
FROM ({{values}}) v LEFT JOIN term k ON k.mission_id = ? AND k.scheme_code = ? AND k.code = v.raw WHERE v.raw <> ''

-- name: term-labels
-- A term matches by code or any label, or its Basque and Spanish labels
-- together as bilingual forms write them ("Gizarte kohesioa / Cohesión
-- social"), ignoring case and accents.
UPDATE {{terms}} t SET code = k.code
FROM (SELECT scheme_code, k, arg_min(code, position) AS code FROM (
        SELECT scheme_code, code, position,
               begira_key(unnest([code, label_en, label_es, label_eu, label_eu || ' ' || label_es, label_es || ' ' || label_eu])) AS k
        FROM term WHERE mission_id = ?)
      WHERE k <> '' GROUP BY scheme_code, k) k
WHERE t.code IS NULL AND k.scheme_code = t.scheme AND k.k = begira_key(t.raw)

-- name: unknown-term-fields
SELECT DISTINCT field FROM {{terms}} WHERE code IS NULL

-- name: term-rejects
-- The suggestion is worked out once per unknown value, then every line
-- holding the cell gets the reject (one per value, as written).
INSERT INTO import_reject (batch_id, line, column_name, value, reason, code)
SELECT ?, s.line, ?, t.raw, {{reason}}, {{code}} FROM {{staged}} s JOIN (
    SELECT u.cell, u.raw, (SELECT arg_max(k.code, greatest(
                              jaro_winkler_similarity(begira_key(k.code), begira_key(u.raw)),
                              jaro_winkler_similarity(begira_key(k.label_en), begira_key(u.raw)),
                              jaro_winkler_similarity(begira_key(k.label_es), begira_key(u.raw)),
                              jaro_winkler_similarity(begira_key(k.label_eu), begira_key(u.raw))))
                          FROM term k WHERE k.mission_id = ? AND k.scheme_code = ? AND k.active) AS suggestion
    FROM {{terms}} u WHERE u.field = ? AND u.code IS NULL) t ON t.cell = s.{{column}}

-- name: refs-none
CREATE TABLE {{refs}} (line BIGINT, ext_ref VARCHAR, project_id BIGINT)

-- name: refs
-- Project references (signals): matched per line, few per file.
CREATE TABLE {{refs}} AS
SELECT v.line, v.raw AS ext_ref, p.id AS project_id
FROM ({{values}}) v LEFT JOIN project p ON p.mission_id = ? AND p.ext_ref = v.raw WHERE v.raw <> ''

-- name: ref-rejects
-- "E-1, E-2" is two references written with another separator: the
-- reason says how lists are split ({{sep}}) rather than that no project
-- has that reference.
INSERT INTO import_reject (batch_id, line, column_name, value, reason, code)
SELECT ?, line, ?, ext_ref, 'no project with this ext_ref in the mission' || CASE WHEN regexp_matches(ext_ref, '[,;/]')
    THEN '; several values? In this file they are separated by "' || {{sep}} || '": write them so, or choose the list separator "' || regexp_extract(ext_ref, '[,;/]') || '"'
    ELSE '' END, {{code}}
FROM {{refs}} WHERE project_id IS NULL
