-- The statements that stage a file (stage.go): DuckDB reads the decoded
-- text into the batch's staging tables, every cell as text.
--
-- Table functions take no placeholders for their file, so {{path}} is the
-- server's own temporary path as a quoted literal; {{delim}} is one of the
-- four delimiters the preview accepts.

-- name: sniff
-- The delimiter and the title rows above the header, in one pass of
-- DuckDB's sniffer ({{skip}}: ", skip = N" when the header row is given).
SELECT Delimiter, SkipRows FROM sniff_csv({{path}}, sample_size = 20480{{skip}})

-- name: headers
SELECT * FROM read_csv({{path}}, header = true, all_varchar = true, delim = {{delim}}, {{quoting}}, skip = {{skip}}) LIMIT 0

-- name: copy
-- The file, every mapped column as trimmed text and a flag of rows without
-- a single value, into the raw table.
CREATE TABLE {{raw}} AS SELECT {{columns}}
FROM read_csv({{path}}, header = true, all_varchar = true, delim = {{delim}}, {{quoting}}, skip = {{skip}}, null_padding = false)

-- name: view
-- Each row of the raw table with its line as the analyst sees it
-- ({{line}}, see lines.go) and its cells under their fields' names; rows
-- without a single value ({{blank}}) are left out.
CREATE VIEW {{view}} AS SELECT {{line}}, {{columns}} FROM (SELECT rowid AS __rec, * FROM {{raw}}) r{{line_join}} WHERE NOT r.{{blank}}
