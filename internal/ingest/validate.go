package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// numberExpr parses a cell with the file's own separators: "1.234,56" with a
// decimal comma, "1,234.56" with a decimal point. Currency signs and spaces
// are ignored. A cell without the thousands separator that DuckDB reads as
// a number as it is (most cells: "1500", "43.2") has the same value by
// either road, and the cast alone costs a fraction of the regexp.
func numberExpr(c string, d Dialect) string {
	thousands := d.ThousandsSeparator
	if thousands == "" {
		thousands = ","
		if d.DecimalSeparator == "," {
			thousands = "."
		}
	}
	e := fmt.Sprintf(`regexp_replace(%s, '[€\s]', '', 'g')`, c)
	e = fmt.Sprintf(`replace(%s, %s, '')`, e, sqlString(thousands))
	if d.DecimalSeparator != "." {
		e = fmt.Sprintf(`replace(%s, %s, '.')`, e, sqlString(d.DecimalSeparator))
	}
	return fmt.Sprintf(`coalesce(CASE WHEN NOT contains(%s, %s) THEN TRY_CAST(%s AS DOUBLE) END, TRY_CAST(%s AS DOUBLE))`,
		c, sqlString(thousands), c, e)
}

// dateExpr parses a cell in the file's date format, accepting ISO dates too.
func dateExpr(c string, d Dialect) string {
	return fmt.Sprintf(`coalesce(TRY_STRPTIME(%s, %s)::DATE, TRY_CAST(%s AS DATE))`, c, sqlString(d.DateFormat), c)
}

func intExpr(c string) string { return fmt.Sprintf(`TRY_CAST(%s AS BIGINT)`, c) }

// geoExpr keeps INE codes as 5-character strings, restoring the leading zero
// spreadsheets drop from codes such as 01001.
func geoExpr(c string) string {
	return fmt.Sprintf(`CASE WHEN regexp_full_match(%s, '[0-9]{4,5}') THEN lpad(%s, 5, '0') END`, c, c)
}

// humanDate shows a strptime format the way analysts write it.
func humanDate(f string) string {
	r := strings.NewReplacer("%d", "dd", "%m", "mm", "%Y", "yyyy", "%y", "yy")
	return r.Replace(f)
}

// check is one reason to reject a cell: where (SQL over the staging view)
// picks the cells, value is what the reject shows and reason says why;
// whereArgs and reasonArgs fill their placeholders.
type check struct {
	field, where, value, reason string
	reasonArgs, whereArgs       []any
}

// cellChecks lists the checks of every mapped field that need nothing but
// the cell itself: required, number, date, enum, municipality code.
func cellChecks(b *Batch, st *staged) []check {
	d := b.Dialect
	var out []check
	for _, f := range Fields(b.Kind) {
		if _, ok := st.fields[f.Name]; !ok {
			continue
		}
		c := ident(f.Name)
		if f.Required {
			out = append(out, check{f.Name, c + ` IS NULL`, `''`, `'required value is empty'`, nil, nil})
		}
		switch f.Type {
		case typeNumber:
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, numberExpr(c, d)), c,
				`'not a number (decimal separator ' || ? || ')'`, []any{d.DecimalSeparator}, nil})
		case typeInt:
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, intExpr(c)), c, `'not a whole number'`, nil, nil})
			if f.Name == "novelty" {
				out = append(out, check{f.Name, fmt.Sprintf(`%s NOT BETWEEN 1 AND 5`, intExpr(c)), c, `'novelty must be between 1 and 5'`, nil, nil})
			}
		case typeDate:
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, dateExpr(c, d)), c,
				`'not a date in the format ' || ?`, []any{humanDate(d.DateFormat)}, nil})
		case typeEnum:
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND NOT list_contains(?::VARCHAR[], lower(%s))`, c, c), c,
				`'must be one of ' || ?`, []any{strings.Join(f.Values, ", ")}, []any{f.Values}})
		case typeGeo:
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, geoExpr(c)), c,
				`'not a 5-digit INE municipality code'`, nil, nil})
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL
					AND EXISTS (SELECT 1 FROM geo_area WHERE level = 'municipality')
					AND %s NOT IN (SELECT code FROM geo_area WHERE level = 'municipality')`, geoExpr(c), geoExpr(c)), c,
				`'unknown municipality code'`, nil, nil})
		}
	}
	return out
}

// validate checks every staged row and records the rejects of the batch.
func (s *Service) validate(ctx context.Context, m *portfolio.Mission, b *Batch, st *staged) error {
	db := s.st.DB()
	// reject records a reject for every staged row matching where. args fill
	// the placeholders of reason first, then those of where.
	reject := func(field, where, value, reason string, args ...any) error {
		q := fmt.Sprintf(`INSERT INTO import_reject (batch_id, line, column_name, value, reason)
			SELECT ?, line, ?, %s, %s FROM %s WHERE %s`, value, reason, st.table, where)
		if _, err := db.ExecContext(ctx, q, append([]any{b.ID, st.header[field]}, args...)...); err != nil {
			return fmt.Errorf("ingest: validate %s: %w", field, err)
		}
		return nil
	}
	start := time.Now()
	// All cell checks run in one scan of the file: each row yields the
	// list of its rejects (nearly always empty), unnested into rows.
	if checks := cellChecks(b, st); len(checks) > 0 {
		var cases []string
		var args []any
		for _, c := range checks {
			cases = append(cases, fmt.Sprintf(`CASE WHEN %s THEN {column_name: ?, value: %s, reason: %s} END`, c.where, c.value, c.reason))
			// Placeholders in the order they are written: where, then
			// the column's header, then the reason's.
			args = append(args, c.whereArgs...)
			args = append(args, st.header[c.field])
			args = append(args, c.reasonArgs...)
		}
		q := fmt.Sprintf(`INSERT INTO import_reject (batch_id, line, column_name, value, reason)
			SELECT ?, line, r.column_name, r.value, r.reason
			FROM (SELECT line, unnest(list_filter([%s], x -> x IS NOT NULL)) AS r FROM %s)`, strings.Join(cases, ",\n"), st.table)
		if _, err := db.ExecContext(ctx, q, append([]any{b.ID}, args...)...); err != nil {
			return fmt.Errorf("ingest: validate cells: %w", err)
		}
	}
	s.step(b.ID, "validate cells", start)
	start = time.Now()
	if err := s.stageLists(ctx, m, b, st); err != nil {
		return err
	}
	s.step(b.ID, "validate lists", start)
	start = time.Now()
	if err := s.checkKeys(ctx, m, b, st, reject); err != nil {
		return err
	}
	s.step(b.ID, "validate keys", start)
	err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT
		(SELECT count(*) FROM %s),
		(SELECT count(DISTINCT line) FROM import_reject WHERE batch_id = ?)`, st.table), b.ID).
		Scan(&b.RowsTotal, &b.RowsRejected)
	if err != nil {
		return fmt.Errorf("ingest: count rows: %w", err)
	}
	b.RowsOK = b.RowsTotal - b.RowsRejected
	if b.RowsTotal == 0 {
		return portfolio.Errorf(portfolio.EINVALID, "the file has a header but no data rows")
	}
	return nil
}

// stageLists reads the term cells through a dictionary: the distinct cells
// of each term column (a few hundred in a million rows) are split into
// their values and matched to term codes once, into the side table
// _terms (field, scheme, cell, raw, pos, code; code NULL when unknown).
// Unknown values become rejects on every line holding their cell; project
// references (signals) are matched and rejected the same way per line.
func (s *Service) stageLists(ctx context.Context, m *portfolio.Mission, b *Batch, st *staged) error {
	db := s.st.DB()
	var cols, parts []string
	var args []any
	for _, f := range Fields(b.Kind) {
		if _, ok := st.fields[f.Name]; !ok || (f.Type != typeTerm && f.Type != typeTerms) {
			continue
		}
		cols = append(cols, fmt.Sprintf(`{field: '%s', cells: list(DISTINCT %s)}`, f.Name, ident(f.Name)))
		cells := `SELECT cell FROM cells WHERE field = ?`
		src := fmt.Sprintf(`SELECT cell, cell AS raw, 1 AS pos FROM (%s)`, cells)
		if f.Type == typeTerms {
			src = splitCells(cells, b.Dialect.Delimiter)
		}
		// Most values are exact codes: a plain join matches them; only the
		// rest (labels, other case or accents) pay for normalisation below.
		parts = append(parts, fmt.Sprintf(`SELECT ? AS field, ? AS scheme, v.cell, v.raw, v.pos, k.code
			FROM (%s) v LEFT JOIN term k ON k.mission_id = ? AND k.scheme_code = ? AND k.code = v.raw WHERE v.raw <> ''`, src))
		args = append(args, f.Name, f.Scheme, f.Name, m.ID, f.Scheme)
	}
	terms := stagingTable(b.ID, "_terms")
	q := `CREATE TABLE ` + terms + ` (field VARCHAR, scheme VARCHAR, cell VARCHAR, raw VARCHAR, pos BIGINT, code VARCHAR)`
	if len(parts) > 0 {
		// One scan of the file collects the distinct cells of every term
		// column.
		q = fmt.Sprintf(`CREATE TABLE %s AS
			WITH cells AS MATERIALIZED (SELECT f.field, unnest(f.cells) AS cell FROM (SELECT unnest([%s]) AS f FROM %s))
			%s`, terms, strings.Join(cols, ", "), st.table, strings.Join(parts, " UNION ALL "))
	}
	start := time.Now()
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("ingest: stage terms: %w", err)
	}
	s.step(b.ID, "lists terms", start)
	start = time.Now()
	// A term matches by code or any label, ignoring case and accents.
	_, err := db.ExecContext(ctx, fmt.Sprintf(`
		UPDATE %s t SET code = k.code
		FROM (SELECT scheme_code, k, arg_min(code, position) AS code FROM (
		        SELECT scheme_code, code, position, begira_key(unnest([code, label_en, label_es, label_eu])) AS k
		        FROM term WHERE mission_id = ?)
		      WHERE k <> '' GROUP BY scheme_code, k) k
		WHERE t.code IS NULL AND k.scheme_code = t.scheme AND k.k = begira_key(t.raw)`, terms), m.ID)
	if err != nil {
		return fmt.Errorf("ingest: match term labels: %w", err)
	}
	s.step(b.ID, "lists labels", start)
	start = time.Now()
	unknown, err := s.fieldsWithUnknownTerms(ctx, terms)
	if err != nil {
		return err
	}
	for _, f := range Fields(b.Kind) {
		if !unknown[f.Name] {
			continue
		}
		reason := fmt.Sprintf(`'unknown %s term "' || t.raw || '"' || coalesce('; did you mean "' || t.suggestion || '"?', '')`, f.Scheme)
		if m.Scheme(f.Scheme) == nil {
			reason = fmt.Sprintf(`'this mission has no %s scheme'`, f.Scheme)
		}
		// The suggestion is worked out once per unknown value, then every
		// line holding the cell gets the reject (one per value, as written).
		_, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO import_reject (batch_id, line, column_name, value, reason)
			SELECT ?, s.line, ?, t.raw, %s FROM %s s JOIN (
				SELECT u.cell, u.raw, (SELECT arg_max(k.code, greatest(
				                          jaro_winkler_similarity(begira_key(k.code), begira_key(u.raw)),
				                          jaro_winkler_similarity(begira_key(k.label_en), begira_key(u.raw)),
				                          jaro_winkler_similarity(begira_key(k.label_es), begira_key(u.raw)),
				                          jaro_winkler_similarity(begira_key(k.label_eu), begira_key(u.raw))))
				                      FROM term k WHERE k.mission_id = ? AND k.scheme_code = ? AND k.active) AS suggestion
				FROM %s u WHERE u.field = ? AND u.code IS NULL) t ON t.cell = s.%s`, reason, st.table, terms, ident(f.Name)),
			b.ID, st.header[f.Name], m.ID, f.Scheme, f.Name)
		if err != nil {
			return fmt.Errorf("ingest: reject terms: %w", err)
		}
	}
	s.step(b.ID, "lists term rejects", start)
	// Project references (signals): matched per line, few per file.
	refs := stagingTable(b.ID, "_refs")
	q = `CREATE TABLE ` + refs + ` (line BIGINT, ext_ref VARCHAR, project_id BIGINT)`
	args = nil
	if b.Kind == KindSignals && st.has("projects") {
		q = fmt.Sprintf(`CREATE TABLE %s AS
			SELECT v.line, v.raw AS ext_ref, p.id AS project_id
			FROM (%s) v LEFT JOIN project p ON p.mission_id = ? AND p.ext_ref = v.raw WHERE v.raw <> ''`,
			refs, splitLines(st.table, ident("projects"), b.Dialect.Delimiter))
		args = []any{m.ID}
	}
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("ingest: stage project references: %w", err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO import_reject (batch_id, line, column_name, value, reason)
		SELECT ?, line, ?, ext_ref, 'no project with this ext_ref in the mission' FROM `+refs+` WHERE project_id IS NULL`,
		b.ID, st.header["projects"])
	if err != nil {
		return fmt.Errorf("ingest: reject project references: %w", err)
	}
	return nil
}

// fieldsWithUnknownTerms returns the fields whose cells hold a value that
// matched no term.
func (s *Service) fieldsWithUnknownTerms(ctx context.Context, terms string) (map[string]bool, error) {
	rows, err := s.st.DB().QueryContext(ctx, `SELECT DISTINCT field FROM `+terms+` WHERE code IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("ingest: unknown terms: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, fmt.Errorf("ingest: unknown terms: %w", err)
		}
		out[f] = true
	}
	return out, rows.Err()
}

// listExpr is a multi-valued cell c with its separators made '|': values
// are separated by '|', and by ';' when ';' is not the file's delimiter
// (then it cannot appear unquoted inside a cell).
func listExpr(c, delimiter string) string {
	if delimiter == ";" {
		return c
	}
	return fmt.Sprintf("replace(%s, ';', '|')", c)
}

// splitCells splits the distinct cells selected by cells (one column,
// cell) into their values: cell, raw (trimmed) and pos, 1 for the values
// equal to the first (the primary) and 2 for the others.
func splitCells(cells, delimiter string) string {
	return fmt.Sprintf(`SELECT cell, raw, CASE WHEN raw = trim(l[1]) THEN 1 ELSE 2 END AS pos
		FROM (SELECT cell, l, trim(unnest(l)) AS raw
		      FROM (SELECT cell, string_split(%s, '|') AS l FROM (%s)))`, listExpr("cell", delimiter), cells)
}

// splitLines splits the multi-valued column c of table into one row per
// value: line, raw (trimmed, NULL when nothing is left) and pos as in
// splitCells. It runs on every line (partners, project references), so it
// trims with the shortcut of the staging copy.
func splitLines(table, c, delimiter string) string {
	return fmt.Sprintf(`SELECT line, raw, CASE WHEN raw = first THEN 1 ELSE 2 END AS pos
		FROM (SELECT line, first, %s AS raw
		      FROM (SELECT line, %s AS first, unnest(l) AS v
		            FROM (SELECT line, string_split(%s, '|') AS l FROM %s WHERE %s IS NOT NULL)))`,
		trimmed("v"), trimmed("l[1]"), listExpr(c, delimiter), table, c)
}

func (st *staged) has(field string) bool { _, ok := st.fields[field]; return ok }

// checkKeys rejects duplicate business keys within the file and, when
// appending, keys the mission already holds.
func (s *Service) checkKeys(ctx context.Context, m *portfolio.Mission, b *Batch, st *staged,
	reject func(field, where, value, reason string, args ...any) error) error {
	keyField, keyExpr, table, existing := "ext_ref", ident("ext_ref"), "project", "ext_ref"
	switch b.Kind {
	case KindSignals:
		table = "signal"
	case KindOrganisations:
		keyField, keyExpr, table, existing = "name", `begira_name_key("name")`, "organisation", "name_key"
	}
	if !st.has(keyField) {
		return nil
	}
	_, err := s.st.DB().ExecContext(ctx, fmt.Sprintf(`INSERT INTO import_reject (batch_id, line, column_name, value, reason)
		SELECT ?, line, ?, raw, 'duplicate in this file (first on line ' || first_line || ')'
		FROM (SELECT line, %s AS raw, min(line) OVER (PARTITION BY %s) AS first_line FROM %s WHERE %s IS NOT NULL)
		WHERE line > first_line`, ident(keyField), keyExpr, st.table, ident(keyField)), b.ID, st.header[keyField])
	if err != nil {
		return fmt.Errorf("ingest: check duplicates: %w", err)
	}
	if b.Mode == ModeAppend {
		err = reject(keyField, fmt.Sprintf(`%s IN (SELECT %s FROM %s WHERE mission_id = ?)`, keyExpr, existing, table),
			ident(keyField), `'already in the mission; import with mode upsert to update it'`, m.ID)
	}
	return err
}
