package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/begira/begira/internal/decode"
	"github.com/begira/begira/internal/portfolio"
)

// numberExpr parses a number cell written with decimal separator dec (the
// other of '.' and ',' groups thousands); currency signs and spaces are
// ignored. A cell that fits only the other convention (12,5 in a column
// with a decimal point) is NULL, never misread. A cell without either
// separator that DuckDB reads as it is (most cells: "1500", "43.2" in a
// decimal-point column) skips the regexp, which costs many times the cast.
func numberExpr(c, dec string) string {
	v := numberCell(c, otherSeparator(dec))
	if dec == "," {
		return firstOf(fmt.Sprintf(`CASE WHEN NOT contains(%[1]s, '.') AND NOT contains(%[1]s, ',') THEN TRY_CAST(%[1]s AS DOUBLE) END`, c),
			fmt.Sprintf(`CASE WHEN regexp_full_match(%[1]s, '[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]*)(,[0-9]+)?')
			     THEN TRY_CAST(replace(replace(%[1]s, '.', ''), ',', '.') AS DOUBLE) END`, v))
	}
	return firstOf(fmt.Sprintf(`CASE WHEN NOT contains(%[1]s, ',') THEN TRY_CAST(%[1]s AS DOUBLE) END`, c),
		fmt.Sprintf(`CASE WHEN regexp_full_match(%[1]s, '[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')
		     THEN TRY_CAST(replace(%[1]s, ',', '') AS DOUBLE) END`, v))
}

// firstOf is coalesce(exprs...) written as nested CASEs. DuckDB's
// coalesce evaluates every argument on every row; a CASE evaluates a
// branch only on the rows that take it, so the costly readings (regexps,
// strptime, the municipality names) run only on the cells the cheap one
// before them could not read. Measured on a million rows, a number column
// is read in half the time, a municipality column in a third.
func firstOf(exprs ...string) string {
	e := exprs[len(exprs)-1]
	for i := len(exprs) - 2; i >= 0; i-- {
		e = fmt.Sprintf(`CASE WHEN %[1]s IS NOT NULL THEN %[1]s ELSE %[2]s END`, exprs[i], e)
	}
	return e
}

// isoDateTime is an ISO date with an optional time of day and offset
// (2024-03-05T10:00:00+01:00), as exports and XLSX date-time cells write
// it. DuckDB's cast to DATE stops at the day and ignores whatever follows
// ("2024-03-05 - 2024-06-30" would be its first day), so anything else
// after the day is not read.
const isoDateTime = `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?`

// dateExpr parses a date cell: an ISO date (yyyy-mm-dd, as XLSX date cells
// are written) in any column, otherwise the column's format. A two-digit
// year fits %Y as year 24: it is read only under a century rule, which
// puts it in its century, and is NULL otherwise (see twoDigitYear). Plain
// ISO dates, nearly every cell, skip the regexp (a GLOB for their digits
// costs a fifth more than the whole cast, measured on 3 million cells).
func dateExpr(c, format, century string) string {
	parsed := fmt.Sprintf(`TRY_STRPTIME(%s, %s)::DATE`, c, sqlString(format))
	e := []string{fmt.Sprintf(`CASE WHEN %[1]s LIKE '____-__-__'
		  OR (%[1]s LIKE '____-%%' AND regexp_full_match(%[1]s, '%[2]s')) THEN TRY_CAST(%[1]s AS DATE) END`, c, isoDateTime),
		fmt.Sprintf(`CASE WHEN year(%[1]s) >= 100 THEN %[1]s END`, parsed)}
	switch century {
	case "1900", "2000":
		e = append(e, fmt.Sprintf(`CASE WHEN year(%[1]s) < 100 THEN %[1]s + to_years(%[2]s) END`, parsed, century))
	case "auto":
		e = append(e, fmt.Sprintf(`CASE WHEN year(%[1]s) < 100 THEN %[1]s + to_years(CASE WHEN year(%[1]s) < 50 THEN 2000 ELSE 1900 END) END`, parsed))
	}
	return firstOf(e...)
}

// twoDigitYear holds for a cell that is a date only with a two-digit year.
func twoDigitYear(c, format string) string {
	return fmt.Sprintf(`(NOT %[1]s LIKE '____-%%' AND year(TRY_STRPTIME(%[1]s, %[2]s)) < 100)`, c, sqlString(format))
}

// intExpr reads a whole-number cell: digits, with a sign and at most a
// ".0" or ",0" (3.0 as spreadsheets export it). DuckDB's own cast would
// round 4.6 to 5 and read 0x10 as 16 or 1_000 as 1000: such cells are
// NULL, so rejected, never stored as another number.
func intExpr(c string) string {
	return fmt.Sprintf(`CASE WHEN regexp_full_match(%[1]s, '[+-]?[0-9]+([.,]0)?') THEN TRY_CAST(regexp_replace(%[1]s, '[.,]0$', '') AS BIGINT) END`, c)
}

// humanDate shows a strptime format the way analysts write it.
func humanDate(f string) string {
	r := strings.NewReplacer("%d", "dd", "%m", "mm", "%Y", "yyyy", "%y", "yy")
	return r.Replace(f)
}

// check is one reason to reject a cell: where (SQL over the staging view)
// picks the cells, value is what the reject shows, reason says why and
// code is its stable code (or a CASE choosing one); whereArgs and
// reasonArgs fill their placeholders.
type check struct {
	field, where, value, reason string
	reasonArgs, whereArgs       []any
	code                        string
}

// cellChecks lists the checks of every mapped field that need nothing but
// the cell itself: required, number (in the column's convention and the
// field's range), date, enum, municipality.
func cellChecks(b *portfolio.ImportBatch, st *staged, r *reading) []check {
	var out []check
	for _, f := range Fields(b.Kind) {
		if _, ok := st.fields[f.Name]; !ok {
			continue
		}
		c := ident(f.Name)
		if f.Required {
			out = append(out, check{f.Name, c + ` IS NULL`, `''`, `'required value is empty'`, nil, nil, RejRequired})
		}
		switch f.Type {
		case typeNumber:
			dec := r.cols[f.Name].Decimal
			other := otherSeparator(dec)
			// The other convention is tried only on the cells the
			// column's own does not read (the reason is worked out for
			// matching rows only).
			fitsOther := numberExpr(c, other) + ` IS NOT NULL`
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, r.number(f.Name, c)), c,
				fmt.Sprintf(`CASE WHEN %s THEN 'written with decimal separator ' || ? || ' but this column reads decimal ' || ? || ': write it like the column''s other values, or choose the column''s decimal separator'
				      ELSE 'not a number (decimal separator ' || ? || ')' END`, fitsOther),
				[]any{other, dec, dec}, nil, fmt.Sprintf(`CASE WHEN %s THEN '%s' ELSE '%s' END`, fitsOther, RejNumberOther, RejNumber)})
			// The column was decided on its first values (detectSample):
			// a value further down that reads both ways is read as the
			// column's values say only when they said something, and
			// never as an amount in euros with three decimals.
			var seps string
			switch decided := r.cols[f.Name].Decided; {
			case decided == portfolio.DecidedFile:
				seps = fmt.Sprintf(`(contains(%[1]s, '.') OR contains(%[1]s, ','))`, c)
			case decided == portfolio.DecidedValues && strings.HasSuffix(f.Name, "_eur"):
				seps = fmt.Sprintf(`contains(%s, %s)`, c, sqlString(dec))
			}
			if seps != "" {
				out = append(out, check{f.Name, fmt.Sprintf(`%s AND regexp_full_match(%s, '%s')`, seps, numberCell(c, ""), reAmbiguous), c,
					`'reads both ways, with a thousands separator or three decimals: choose the column''s decimal separator'`, nil, nil, RejNumberAmbiguous})
			}
			if rg, ok := numberRanges[f.Name]; ok {
				out = append(out, check{f.Name, fmt.Sprintf(`NOT (%s BETWEEN %g AND %g)`, r.number(f.Name, c), rg[0], rg[1]), c,
					fmt.Sprintf(`'out of range: read as ' || %s::VARCHAR || ', outside %s to %s'`, r.number(f.Name, c), formatNumber(rg[0]), formatNumber(rg[1])),
					nil, nil, RejRange})
			}
		case typeInt:
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, intExpr(c)), c, `'not a whole number'`, nil, nil, RejInt})
			if f.Name == "novelty" {
				out = append(out, check{f.Name, fmt.Sprintf(`%s NOT BETWEEN 1 AND 5`, intExpr(c)), c, `'novelty must be between 1 and 5'`, nil, nil, RejRange})
			}
			if rg, ok := numberRanges[f.Name]; ok {
				out = append(out, check{f.Name, fmt.Sprintf(`NOT (%s BETWEEN %g AND %g)`, intExpr(c), rg[0], rg[1]), c,
					fmt.Sprintf(`'out of range: must be between %s and %s'`, formatNumber(rg[0]), formatNumber(rg[1])), nil, nil, RejRange})
			}
		case typeDate:
			format := r.cols[f.Name].DateFormat
			unread := fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, r.date(f.Name, c))
			if r.century == "" {
				// Without a century rule a two-digit year is its own
				// reject; with one, such dates are read.
				out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s`, c, twoDigitYear(c, format)), c,
					`'two-digit year: write the year in full, or choose a century rule (century 1900, 2000 or auto)'`, nil, nil, RejTwoDigitYear})
				unread += fmt.Sprintf(` AND NOT coalesce(%s, false)`, twoDigitYear(c, format))
			}
			out = append(out, check{f.Name, unread, c, `'not a date in the format ' || ?`, []any{humanDate(format)}, nil, RejDate})
		case typeEnum:
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, enumExpr(f, c)), c,
				`'must be one of ' || ? || ' (or their Spanish or Basque names)'`, []any{strings.Join(f.Values, ", ")}, nil, RejEnum})
		case typeGeo:
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL AND %s IS NULL`, c, r.geo(c)), c,
				`'not a 5-digit INE municipality code nor the name of a municipality'`, nil, nil, RejMunicipality})
			out = append(out, check{f.Name, fmt.Sprintf(`%s IS NOT NULL
					AND EXISTS (SELECT 1 FROM geo_area WHERE level = 'municipality')
					AND %s NOT IN (SELECT code FROM geo_area WHERE level = 'municipality')`, r.geo(c), r.geo(c)), c,
				`'unknown municipality code'`, nil, nil, RejMunicipalityNew})
		}
	}
	return out
}

// validate checks every staged row and records the rejects of the batch.
func (s *Service) validate(ctx context.Context, m *portfolio.Mission, b *portfolio.ImportBatch, st *staged) error {
	db := s.st.DB()
	// reject records a reject for every staged row matching where. args fill
	// the placeholders of reason first, then those of where.
	reject := func(field, code, where, value, reason string, args ...any) error {
		q := render("reject", holes{"value": value, "reason": reason, "code": sqlString(code), "staged": st.table, "where": where})
		if _, err := db.ExecContext(ctx, q, append([]any{b.ID, st.header[field]}, args...)...); err != nil {
			return fmt.Errorf("ingest: validate %s: %w", field, err)
		}
		return nil
	}
	start := time.Now()
	// All cell checks run in one scan of the file: each row yields the
	// list of its rejects (nearly always empty), unnested into rows.
	r, err := newReading(ctx, db, b)
	if err != nil {
		return err
	}
	if checks := cellChecks(b, st, r); len(checks) > 0 {
		var cases []string
		var args []any
		for _, c := range checks {
			code := c.code
			if !strings.HasPrefix(code, "CASE") {
				code = sqlString(code)
			}
			cases = append(cases, render("cell-check", holes{"where": c.where, "value": c.value, "reason": c.reason, "code": code}))
			// Placeholders in the order they are written: where, then
			// the column's header, then the reason's.
			args = append(args, c.whereArgs...)
			args = append(args, st.header[c.field])
			args = append(args, c.reasonArgs...)
		}
		q := render("cell-rejects", holes{"checks": strings.Join(cases, ",\n"), "staged": st.table})
		if _, err := db.ExecContext(ctx, q, append([]any{b.ID}, args...)...); err != nil {
			return fmt.Errorf("ingest: validate cells: %w", err)
		}
	}
	var formulas []portfolio.ImportReject
	for _, c := range st.sheet.formulas {
		if c.Col >= len(b.Columns) || b.Columns[c.Col].Field == "" {
			continue // a column the import does not read
		}
		formulas = append(formulas, portfolio.ImportReject{Line: c.Row, Column: b.Columns[c.Col].Header, Value: c.Value, Reason: c.Reason, Code: RejFormula})
	}
	if err := s.st.AddImportRejects(ctx, b.ID, formulas); err != nil {
		return err
	}
	b.Warnings = append(b.Warnings, mergedAmounts(b, st.sheet.spread)...)
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
	err = db.QueryRowContext(ctx, render("count-rows", holes{"staged": st.table}), b.ID).
		Scan(&b.RowsTotal, &b.RowsRejected)
	if err != nil {
		return fmt.Errorf("ingest: count rows: %w", err)
	}
	b.RowsOK = b.RowsTotal - b.RowsRejected
	if b.RowsTotal == 0 {
		return portfolio.Refusef(portfolio.EINVALID, "refusal.no_data_rows", "the file has a header but no data rows")
	}
	start = time.Now()
	if err := s.plausibility(ctx, b, st, r); err != nil {
		return err
	}
	s.step(b.ID, "validate plausibility", start)
	start = time.Now()
	if err := s.sample(ctx, b, st, r); err != nil {
		return err
	}
	s.step(b.ID, "validate sample", start)
	return s.replaceWarning(ctx, b, st, m.ID)
}

// stageLists reads the term cells through a dictionary: the distinct cells
// of each term column (a few hundred in a million rows) are split into
// their values and matched to term codes once, into the side table
// _terms (field, scheme, cell, raw, pos, code; code NULL when unknown).
// Unknown values become rejects on every line holding their cell; project
// references (signals) are matched and rejected the same way per line.
func (s *Service) stageLists(ctx context.Context, m *portfolio.Mission, b *portfolio.ImportBatch, st *staged) error {
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
			src = splitCells(cells, listSeparator(b.Dialect))
		}
		// Most values are exact codes: a plain join matches them; only the
		// rest (labels, other case or accents) pay for normalisation below.
		parts = append(parts, render("term-part", holes{"values": src}))
		args = append(args, f.Name, f.Scheme, f.Name, m.ID, f.Scheme)
	}
	terms := stagingTable(b.ID, "_terms")
	q := render("terms-none", holes{"terms": terms})
	if len(parts) > 0 {
		q = render("terms", holes{"terms": terms, "columns": strings.Join(cols, ", "), "staged": st.table, "parts": strings.Join(parts, " UNION ALL ")})
	}
	start := time.Now()
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("ingest: stage terms: %w", err)
	}
	s.step(b.ID, "lists terms", start)
	start = time.Now()
	// A term matches by code or any label, ignoring case and accents.
	_, err := db.ExecContext(ctx, render("term-labels", holes{"terms": terms}), m.ID)
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
		if f.Type == typeTerms {
			// "Cohesión social, Descarbonización" is two values written
			// with another separator: suggesting the first one alone
			// would lose the second.
			reason = fmt.Sprintf(`'unknown %s term "' || t.raw || '"' || CASE WHEN regexp_matches(t.raw, '[,;/]')
				THEN '; several values? In this file they are separated by "%s": write them so, or choose the list separator "' || regexp_extract(t.raw, '[,;/]') || '"'
				ELSE coalesce('; did you mean "' || t.suggestion || '"?', '') END`, f.Scheme, strings.ReplaceAll(listSeparator(b.Dialect), "'", "''"))
		}
		code := RejTerm
		if m.Scheme(f.Scheme) == nil {
			reason, code = fmt.Sprintf(`'this mission has no %s scheme'`, f.Scheme), RejNoScheme
		}
		// The suggestion is worked out once per unknown value, then every
		// line holding the cell gets the reject (one per value, as written).
		_, err := db.ExecContext(ctx, render("term-rejects", holes{"reason": reason, "code": sqlString(code), "staged": st.table,
			"terms": terms, "column": ident(f.Name)}),
			b.ID, st.header[f.Name], m.ID, f.Scheme, f.Name)
		if err != nil {
			return fmt.Errorf("ingest: reject terms: %w", err)
		}
	}
	s.step(b.ID, "lists term rejects", start)
	// Project references (signals): matched per line, few per file.
	refs := stagingTable(b.ID, "_refs")
	q = render("refs-none", holes{"refs": refs})
	args = nil
	if b.Kind == KindSignals && st.has("projects") {
		q = render("refs", holes{"refs": refs, "values": splitLines(st.table, ident("projects"), listSeparator(b.Dialect))})
		args = []any{m.ID}
	}
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("ingest: stage project references: %w", err)
	}
	_, err = db.ExecContext(ctx, render("ref-rejects", holes{"code": sqlString(RejProjectRef), "refs": refs, "sep": sqlString(listSeparator(b.Dialect))}),
		b.ID, st.header["projects"])
	if err != nil {
		return fmt.Errorf("ingest: reject project references: %w", err)
	}
	return nil
}

// fieldsWithUnknownTerms returns the fields whose cells hold a value that
// matched no term.
func (s *Service) fieldsWithUnknownTerms(ctx context.Context, terms string) (map[string]bool, error) {
	rows, err := s.st.DB().QueryContext(ctx, render("unknown-term-fields", holes{"terms": terms}))
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

// splitCells splits the distinct cells selected by cells (one column,
// cell) on the list separator sep into their values: cell, raw (trimmed)
// and pos, 1 for the values equal to the first (the primary) and 2 for the
// others.
func splitCells(cells, sep string) string {
	return fmt.Sprintf(`SELECT cell, raw, CASE WHEN raw = trim(l[1]) THEN 1 ELSE 2 END AS pos
		FROM (SELECT cell, l, trim(unnest(l)) AS raw
		      FROM (SELECT cell, string_split(cell, %s) AS l FROM (%s)))`, sqlString(sep), cells)
}

// splitLines splits the multi-valued column c of table on sep into one row
// per value: line, raw (trimmed, NULL when nothing is left) and pos as in
// splitCells. It runs on every line (partners, project references), so it
// trims with the shortcut of the staging copy.
func splitLines(table, c, sep string) string {
	return fmt.Sprintf(`SELECT line, raw, CASE WHEN raw = first THEN 1 ELSE 2 END AS pos
		FROM (SELECT line, first, %s AS raw
		      FROM (SELECT line, %s AS first, unnest(l) AS v
		            FROM (SELECT line, string_split(%s, %s) AS l FROM %s WHERE %s IS NOT NULL)))`,
		trimmed("v"), trimmed("l[1]"), c, sqlString(sep), table, c)
}

// listSeparator is the separator of a batch's multi-valued cells; batches
// previewed before it was a setting split on '|'.
func listSeparator(d portfolio.Dialect) string { return cmpOr(d.ListSeparator, "|") }

func (st *staged) has(field string) bool { _, ok := st.fields[field]; return ok }

// checkKeys rejects duplicate business keys within the file and, when
// appending, keys the mission already holds.
func (s *Service) checkKeys(ctx context.Context, m *portfolio.Mission, b *portfolio.ImportBatch, st *staged,
	reject func(field, code, where, value, reason string, args ...any) error) error {
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
	_, err := s.st.DB().ExecContext(ctx, render("duplicates", holes{"code": sqlString(RejDuplicate), "key": ident(keyField), "key_expr": keyExpr,
		"staged": st.table}), b.ID, st.header[keyField])
	if err != nil {
		return fmt.Errorf("ingest: check duplicates: %w", err)
	}
	if b.Mode == ModeAppend {
		err = reject(keyField, RejExists, fmt.Sprintf(`%s IN (SELECT %s FROM %s WHERE mission_id = ?)`, keyExpr, existing, table),
			ident(keyField), `'already in the mission; import with mode upsert to update it'`, m.ID)
	}
	return err
}

// mergedAmounts warns, per amount column, of the values merged down
// several rows of the sheet: each row of the range got the amount, so
// totals count it once per row. A name or a status merged so is right to
// repeat; an amount is the analyst's to write once or to split.
func mergedAmounts(b *portfolio.ImportBatch, spread []decode.Spread) []portfolio.ImportWarning {
	byCol := map[int]*portfolio.ImportWarning{}
	var out []*portfolio.ImportWarning
	for _, sp := range spread {
		if sp.FirstRow <= int64(b.Dialect.HeaderRow) || sp.Col >= len(b.Columns) || !strings.HasSuffix(b.Columns[sp.Col].Field, "_eur") {
			continue // a header cell, or no amount
		}
		w := byCol[sp.Col]
		if w == nil {
			w = &portfolio.ImportWarning{Code: WarnMergedAmount, Column: b.Columns[sp.Col].Header}
			byCol[sp.Col] = w
			out = append(out, w)
		}
		w.Count += sp.LastRow - sp.FirstRow
		for r := sp.FirstRow + 1; r <= sp.LastRow && len(w.Lines) < 20; r++ {
			w.Lines = append(w.Lines, r)
		}
		if len(w.Examples) < 3 {
			w.Examples = append(w.Examples, sp.Ref)
		}
	}
	warnings := make([]portfolio.ImportWarning, len(out))
	for i, w := range out {
		w.Message = fmt.Sprintf("column %q: %d row(s) repeat an amount merged over several rows (%s), so totals count it once per row: "+
			"write it on one row, or split it", w.Column, w.Count, strings.Join(w.Examples, ", "))
		warnings[i] = *w
	}
	return warnings
}
