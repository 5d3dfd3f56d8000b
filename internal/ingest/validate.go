package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// col returns the staging column of a field, or a typed NULL when the file
// has no such column.
func (st *staged) col(field string) string {
	if _, ok := st.fields[field]; ok {
		return ident(field)
	}
	return "NULL::VARCHAR"
}

// numberExpr parses a cell with the file's own separators: "1.234,56" with a
// decimal comma, "1,234.56" with a decimal point. Currency signs and spaces
// are ignored.
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
	return fmt.Sprintf(`TRY_CAST(%s AS DOUBLE)`, e)
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
	d := b.Dialect
	start := time.Now()
	for _, f := range Fields(b.Kind) {
		if _, ok := st.fields[f.Name]; !ok {
			continue
		}
		c := ident(f.Name)
		if f.Required {
			if err := reject(f.Name, c+` IS NULL`, `''`, `'required value is empty'`); err != nil {
				return err
			}
		}
		var err error
		switch f.Type {
		case typeNumber:
			err = reject(f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, numberExpr(c, d)), c,
				`'not a number (decimal separator ' || ? || ')'`, d.DecimalSeparator)
		case typeInt:
			err = reject(f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, intExpr(c)), c, `'not a whole number'`)
			if err == nil && f.Name == "novelty" {
				err = reject(f.Name, fmt.Sprintf(`%s NOT BETWEEN 1 AND 5`, intExpr(c)), c, `'novelty must be between 1 and 5'`)
			}
		case typeDate:
			err = reject(f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, dateExpr(c, d)), c,
				`'not a date in the format ' || ?`, humanDate(d.DateFormat))
		case typeEnum:
			err = reject(f.Name, fmt.Sprintf(`%s IS NOT NULL AND NOT list_contains(?::VARCHAR[], lower(%s))`, c, c), c,
				`'must be one of ' || ?`, strings.Join(f.Values, ", "), f.Values)
		case typeGeo:
			err = reject(f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, geoExpr(c)), c,
				`'not a 5-digit INE municipality code'`)
			if err == nil {
				err = reject(f.Name, fmt.Sprintf(`%s IS NOT NULL
					AND EXISTS (SELECT 1 FROM geo_area WHERE level = 'municipality')
					AND %s NOT IN (SELECT code FROM geo_area WHERE level = 'municipality')`, geoExpr(c), geoExpr(c)), c,
					`'unknown municipality code'`)
			}
		}
		if err != nil {
			return err
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

// stageLists explodes the multi-valued cells into side tables — terms (with
// the matched term code, NULL when unknown), organisation names and project
// references — and rejects the values that match nothing.
func (s *Service) stageLists(ctx context.Context, m *portfolio.Mission, b *Batch, st *staged) error {
	db := s.st.DB()
	// Multi-valued cells split on '|', and on ';' when ';' is not the
	// file's delimiter (then it cannot appear unquoted inside a cell).
	list := "%s"
	if b.Dialect.Delimiter != ";" {
		list = "replace(%s, ';', '|')"
	}
	split := func(c string) string {
		// pos is 1 for the first (primary) value and 2 for the others.
		return fmt.Sprintf(`SELECT line, raw, CASE WHEN raw = trim(l[1]) THEN 1 ELSE 2 END AS pos
			FROM (SELECT line, l, trim(unnest(l)) AS raw
			      FROM (SELECT line, string_split(%s, '|') AS l FROM %s WHERE %s IS NOT NULL))`, fmt.Sprintf(list, c), st.table, c)
	}
	single := func(c string) string {
		return fmt.Sprintf(`SELECT line, %s AS raw, 1 AS pos FROM %s WHERE %s IS NOT NULL`, c, st.table, c)
	}
	var parts []string
	var args []any
	for _, f := range Fields(b.Kind) {
		if _, ok := st.fields[f.Name]; !ok || (f.Type != typeTerm && f.Type != typeTerms) {
			continue
		}
		src := single(ident(f.Name))
		if f.Type == typeTerms {
			src = split(ident(f.Name))
		}
		// Most cells hold exact codes: a plain join matches them; only the
		// rest (labels, other case or accents) pay for normalisation below.
		parts = append(parts, fmt.Sprintf(`SELECT v.line, ? AS field, ? AS scheme, v.raw, v.pos, k.code
			FROM (%s) v LEFT JOIN term k ON k.mission_id = ? AND k.scheme_code = ? AND k.code = v.raw WHERE v.raw <> ''`, src))
		args = append(args, f.Name, f.Scheme, m.ID, f.Scheme)
	}
	terms := stagingTable(b.ID, "_terms")
	q := `CREATE TABLE ` + terms + ` (line BIGINT, field VARCHAR, scheme VARCHAR, raw VARCHAR, pos BIGINT, code VARCHAR)`
	if len(parts) > 0 {
		q = fmt.Sprintf(`CREATE TABLE %s AS %s`, terms, strings.Join(parts, " UNION ALL "))
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
	for _, f := range Fields(b.Kind) {
		if _, ok := st.fields[f.Name]; !ok || (f.Type != typeTerm && f.Type != typeTerms) {
			continue
		}
		reason := fmt.Sprintf(`'unknown %s term "' || t.raw || '"' || coalesce('; did you mean "' || t.suggestion || '"?', '')`, f.Scheme)
		if m.Scheme(f.Scheme) == nil {
			reason = fmt.Sprintf(`'this mission has no %s scheme'`, f.Scheme)
		}
		_, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO import_reject (batch_id, line, column_name, value, reason)
			SELECT ?, t.line, ?, t.raw, %s FROM (
				SELECT u.line, u.raw, (SELECT arg_max(k.code, greatest(
				                          jaro_winkler_similarity(begira_key(k.code), begira_key(u.raw)),
				                          jaro_winkler_similarity(begira_key(k.label_en), begira_key(u.raw)),
				                          jaro_winkler_similarity(begira_key(k.label_es), begira_key(u.raw)),
				                          jaro_winkler_similarity(begira_key(k.label_eu), begira_key(u.raw))))
				                      FROM term k WHERE k.mission_id = ? AND k.scheme_code = ? AND k.active) AS suggestion
				FROM %s u WHERE u.field = ? AND u.code IS NULL) t`, reason, terms),
			b.ID, st.header[f.Name], m.ID, f.Scheme, f.Name)
		if err != nil {
			return fmt.Errorf("ingest: reject terms: %w", err)
		}
		if f.Type == typeTerm {
			continue
		}
	}
	s.step(b.ID, "lists term rejects", start)
	start = time.Now()
	// Organisation names (lead and partners) and project references.
	orgs := stagingTable(b.ID, "_orgs")
	q = `CREATE TABLE ` + orgs + ` (line BIGINT, role VARCHAR, name VARCHAR, name_key VARCHAR, pos BIGINT)`
	if b.Kind == KindProjects && (st.has("lead_org") || st.has("partners")) {
		// Names repeat across rows: normalise each distinct name once.
		q = fmt.Sprintf(`CREATE TABLE %s AS
			WITH o AS (
				SELECT line, 'lead' AS role, raw AS name, 0 AS pos FROM (%s) WHERE raw <> ''
				UNION ALL
				SELECT line, 'partner', raw, pos FROM (%s) WHERE raw <> ''),
			n AS (SELECT name, begira_name_key(name) AS name_key FROM (SELECT DISTINCT name FROM o))
			SELECT o.line, o.role, o.name, n.name_key, o.pos FROM o JOIN n ON n.name = o.name`,
			orgs, single(st.col("lead_org")), split(st.col("partners")))
	}
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("ingest: stage organisations: %w", err)
	}
	s.step(b.ID, "lists orgs", start)
	refs := stagingTable(b.ID, "_refs")
	q = `CREATE TABLE ` + refs + ` (line BIGINT, ext_ref VARCHAR, project_id BIGINT)`
	args = nil
	if b.Kind == KindSignals && st.has("projects") {
		q = fmt.Sprintf(`CREATE TABLE %s AS
			SELECT v.line, v.raw AS ext_ref, p.id AS project_id
			FROM (%s) v LEFT JOIN project p ON p.mission_id = ? AND p.ext_ref = v.raw WHERE v.raw <> ''`,
			refs, split(ident("projects")))
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
