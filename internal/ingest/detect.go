package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

// dateFormats are the formats tried on date columns, European order first:
// an analyst in Gipuzkoa writes 07/03/2026 for 7 March.
var dateFormats = []string{"%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d", "%m/%d/%Y"}

// detectSample is how many values per column decide a convention. Every
// value is still validated against the convention chosen, so a file whose
// later rows disagree gets rejects naming them, never silent misreadings.
const detectSample = 20000

// detect settles the file's number and date conventions from the values of
// its number and date columns: the decimal separator, the thousands
// separator and the date format. Explicit settings win. An ambiguous choice
// is recorded as a warning shown in the preview.
func (s *Service) detect(ctx context.Context, b *Batch, given Dialect, st *staged) error {
	var nums, dates []string
	for name, f := range st.fields {
		switch f.Type {
		case typeNumber:
			nums = append(nums, ident(name))
		case typeDate:
			dates = append(dates, ident(name))
		}
	}
	d := &b.Dialect
	if given.DecimalSeparator != "" {
		if given.DecimalSeparator != "." && given.DecimalSeparator != "," {
			return portfolio.Errorf(portfolio.EINVALID, "decimal_separator must be . or , not %q", given.DecimalSeparator)
		}
		d.DecimalSeparator = given.DecimalSeparator
	} else {
		dec, err := s.detectDecimal(ctx, st, nums)
		if err != nil {
			return err
		}
		d.DecimalSeparator = dec
		if dec == "" {
			// No evidence either way (whole numbers only): follow the
			// delimiter's locale, as Excel does when it saves.
			d.DecimalSeparator = "."
			if d.Delimiter == ";" {
				d.DecimalSeparator = ","
			}
		}
	}
	if given.ThousandsSeparator == "" {
		d.ThousandsSeparator = ","
		if d.DecimalSeparator == "," {
			d.ThousandsSeparator = "."
		}
	}
	if given.DateFormat != "" {
		// DuckDB parses a format when a query using it runs: try it now, so
		// that a bad one is the analyst's error, not an internal one.
		var probe *string
		q := `SELECT TRY_STRPTIME('', ` + sqlString(given.DateFormat) + `)::VARCHAR`
		if err := s.st.DB().QueryRowContext(ctx, q).Scan(&probe); err != nil {
			return portfolio.Errorf(portfolio.EINVALID, "date_format %q is not a date format: write it like dd/mm/yyyy or yyyy-mm-dd", given.DateFormat)
		}
		d.DateFormat = given.DateFormat
		return nil
	}
	f, ambiguous, err := s.detectDate(ctx, st, dates)
	if err != nil {
		return err
	}
	d.DateFormat = f
	if ambiguous != "" {
		b.Warnings = append(b.Warnings, fmt.Sprintf(
			"dates could be read as %s or %s; they were read as %s — set date_format if that is wrong",
			humanDate(f), humanDate(ambiguous), humanDate(f)))
	}
	return nil
}

// detectDecimal counts, over all number cells, the evidence for a decimal
// comma (1.234,56 or 12,5) against a decimal point (1,234.56 or 12.5). It
// returns "" when no cell decides (whole numbers, or only "1.234").
func (s *Service) detectDecimal(ctx context.Context, st *staged, cols []string) (string, error) {
	if len(cols) == 0 {
		return "", nil
	}
	var parts []string
	for _, c := range cols {
		parts = append(parts, fmt.Sprintf(`(SELECT regexp_replace(%s, '[€\s]', '', 'g') AS v FROM %s WHERE %s IS NOT NULL LIMIT %d)`, c, st.table, c, detectSample))
	}
	var comma, point int64
	err := s.st.DB().QueryRowContext(ctx, fmt.Sprintf(`
		SELECT
		  count(*) FILTER (WHERE regexp_full_match(v, '-?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+') OR regexp_full_match(v, '-?[0-9]+,[0-9]{1,2}')
		                      OR regexp_full_match(v, '-?[0-9]+,[0-9]{4,}')),
		  count(*) FILTER (WHERE regexp_full_match(v, '-?[0-9]{1,3}(,[0-9]{3})+\.[0-9]+') OR regexp_full_match(v, '-?[0-9]+\.[0-9]{1,2}')
		                      OR regexp_full_match(v, '-?[0-9]+\.[0-9]{4,}'))
		FROM (%s)`, strings.Join(parts, " UNION ALL "))).Scan(&comma, &point)
	if err != nil {
		return "", fmt.Errorf("ingest: detect decimal separator: %w", err)
	}
	switch {
	case comma > point:
		return ",", nil
	case point > comma:
		return ".", nil
	}
	return "", nil
}

// detectDate picks the format that parses the most date cells; on a tie
// (every day ≤ 12) the European reading wins and the other is reported.
func (s *Service) detectDate(ctx context.Context, st *staged, cols []string) (string, string, error) {
	if len(cols) == 0 {
		return dateFormats[0], "", nil
	}
	var parts []string
	for _, c := range cols {
		parts = append(parts, fmt.Sprintf(`(SELECT %s AS v FROM %s WHERE %s IS NOT NULL LIMIT %d)`, c, st.table, c, detectSample))
	}
	var sel []string
	for _, f := range dateFormats {
		sel = append(sel, fmt.Sprintf(`count(TRY_STRPTIME(v, %s))`, sqlString(f)))
	}
	counts := make([]int64, len(dateFormats))
	dst := make([]any, len(counts))
	for i := range counts {
		dst[i] = &counts[i]
	}
	err := s.st.DB().QueryRowContext(ctx, fmt.Sprintf(`SELECT %s FROM (%s)`, strings.Join(sel, ", "), strings.Join(parts, " UNION ALL "))).Scan(dst...)
	if err != nil {
		return "", "", fmt.Errorf("ingest: detect date format: %w", err)
	}
	best := 0
	for i, n := range counts {
		if n > counts[best] {
			best = i
		}
	}
	ambiguous := ""
	if counts[best] > 0 {
		// %d/%m/%Y and %m/%d/%Y both parse 01/02/2026: say so.
		dm, md := indexOf("%d/%m/%Y"), indexOf("%m/%d/%Y")
		if best == dm && counts[md] == counts[dm] {
			ambiguous = dateFormats[md]
		}
	}
	return dateFormats[best], ambiguous, nil
}

func indexOf(f string) int {
	for i, x := range dateFormats {
		if x == f {
			return i
		}
	}
	return -1
}

// ParseDateFormat accepts a date format as analysts write it (dd/mm/yyyy,
// yyyy-mm-dd, dd.mm.yy…) or as a strptime pattern (%d/%m/%Y) and returns
// the strptime pattern.
func ParseDateFormat(s string) (string, error) {
	if s == "" || strings.Contains(s, "%") {
		return s, nil
	}
	r := strings.NewReplacer("yyyy", "%Y", "yy", "%y", "dd", "%d", "mm", "%m")
	f := r.Replace(strings.ToLower(strings.TrimSpace(s)))
	if strings.Count(f, "%") != 3 {
		return "", portfolio.Errorf(portfolio.EINVALID, "date_format %q must look like dd/mm/yyyy or yyyy-mm-dd", s)
	}
	return f, nil
}

// ParseDelimiter accepts the names analysts use for a delimiter.
func ParseDelimiter(s string) (string, error) {
	switch strings.ToLower(s) {
	case "":
		return "", nil
	case ",", "comma":
		return ",", nil
	case ";", "semicolon":
		return ";", nil
	case "|", "pipe":
		return "|", nil
	case "\t", `\t`, "tab":
		return "\t", nil
	}
	return "", portfolio.Errorf(portfolio.EINVALID, "delimiter %q must be one of , ; | or tab", s)
}
