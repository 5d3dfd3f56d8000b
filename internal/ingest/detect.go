package ingest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

// dateFormats are the formats tried on the date cells of a column that
// are not ISO dates (those are always read), European order first: an
// analyst in Gipuzkoa writes 07/03/2026 for 7 March. A two-digit year
// (05/03/24) fits the four-digit formats as year 24: it is then refused
// unless a century rule is chosen, never stored as year 0024.
var dateFormats = []string{"%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%m/%d/%Y"}

// isoDate is the format of ISO dates, accepted in every date column.
const isoDate = "%Y-%m-%d"

// detectSample is how many values per column decide a convention. Every
// value is still validated against the convention chosen, so a file whose
// later rows disagree gets rejects naming them, never silent misreadings.
const detectSample = 20000

// numberRanges bound the values a number field may take: a value outside
// is a reject (a latitude of 433183 is a misread 43,3183). Budgets have
// room for any real programme, not for a decimal part read as thousands
// a thousand times over.
var numberRanges = map[string][2]float64{
	"lat": {-90, 90}, "lon": {-180, 180},
	"budget_total_eur": {-1e11, 1e11}, "public_funding_eur": {-1e11, 1e11},
	"founded_year": {1000, 2100},
}

// detect settles, column by column, how number and date columns are
// written: each number column's decimal separator from its own values,
// each date column's format from its own values. Explicit settings win
// (a column's own over the file-wide one). What stays ambiguous is a
// warning shown in the preview; for numbers it also holds the commit
// until the analyst chooses.
func (s *Service) detect(ctx context.Context, b *portfolio.ImportBatch, given portfolio.Dialect, formats map[string]Format, st *staged) error {
	d := &b.Dialect
	if given.DecimalSeparator != "" && given.DecimalSeparator != "." && given.DecimalSeparator != "," {
		return portfolio.Errorf(portfolio.EINVALID, "decimal_separator must be . or , not %q", given.DecimalSeparator)
	}
	switch given.Century {
	case "", "1900", "2000", "auto":
		d.Century = given.Century
	default:
		return portfolio.Errorf(portfolio.EINVALID, "century must be 1900, 2000 or auto (00–49 → 20xx, 50–99 → 19xx), not %q", given.Century)
	}
	if given.DateFormat != "" {
		if err := s.checkDateFormat(ctx, "date_format", given.DateFormat); err != nil {
			return err
		}
	}
	own, err := columnFormats(b, formats)
	if err != nil {
		return err
	}
	for field, f := range own {
		if f.Decimal != "" && f.Decimal != "." && f.Decimal != "," {
			return portfolio.Errorf(portfolio.EINVALID, "decimal separator of column %q must be . or , not %q", st.header[field], f.Decimal)
		}
		if f.DateFormat != "" {
			if err := s.checkDateFormat(ctx, "date format of column "+strconv.Quote(st.header[field]), f.DateFormat); err != nil {
				return err
			}
		}
	}
	nums, err := s.numberEvidence(ctx, st)
	if err != nil {
		return err
	}
	dates, err := s.dateEvidence(ctx, st)
	if err != nil {
		return err
	}
	// The file's reading is what its decisive number cells say, else the
	// delimiter's locale, as Excel does when it saves. It only serves
	// columns whose own values do not decide.
	fileDec := given.DecimalSeparator
	if fileDec == "" {
		var comma, point int64
		for _, e := range nums {
			comma, point = comma+e.comma, point+e.point
		}
		switch {
		case comma > point:
			fileDec = ","
		case point > comma:
			fileDec = "."
		case d.Delimiter == ";":
			fileDec = ","
		default:
			fileDec = "."
		}
	}
	d.DecimalSeparator, d.ThousandsSeparator = fileDec, otherSeparator(fileDec)
	d.DateFormat = given.DateFormat
	for i := range b.Columns {
		c := &b.Columns[i]
		f, ok := st.fields[c.Field]
		if !ok {
			continue
		}
		switch f.Type {
		case typeNumber:
			c.Decimal, c.Decided = decideNumber(f, own[f.Name].Decimal, given.DecimalSeparator, fileDec, nums[f.Name])
			c.Thousands = otherSeparator(c.Decimal)
			if c.Decided == portfolio.DecidedAmbiguous {
				b.Warnings = append(b.Warnings, ambiguousNumber(c, nums[f.Name]))
			}
		case typeDate:
			var w *portfolio.ImportWarning
			c.DateFormat, c.Decided, w = decideDate(c, own[f.Name].DateFormat, given.DateFormat, dates[f.Name])
			if w != nil {
				b.Warnings = append(b.Warnings, *w)
			}
			if d.DateFormat == "" && c.DateFormat != isoDate {
				d.DateFormat = c.DateFormat
			}
		}
	}
	if d.DateFormat == "" {
		d.DateFormat = isoDate
	}
	return nil
}

// checkDateFormat tries a date format now: DuckDB parses a format when a
// query using it runs, and a bad one is the analyst's error, not an
// internal one.
func (s *Service) checkDateFormat(ctx context.Context, what, f string) error {
	var probe *string
	q := `SELECT TRY_STRPTIME('', ` + sqlString(f) + `)::VARCHAR`
	if err := s.st.DB().QueryRowContext(ctx, q).Scan(&probe); err != nil || strings.Count(f, "%") < 3 {
		return portfolio.Errorf(portfolio.EINVALID, "%s %q is not a date format: write it like dd/mm/yyyy or yyyy-mm-dd", what, f)
	}
	return nil
}

// columnFormats resolves the per-column overrides, given by header or by
// field name, to field names. An override naming no column of the file is
// the analyst's error: silently ignoring it would commit the misreading it
// was meant to prevent.
func columnFormats(b *portfolio.ImportBatch, formats map[string]Format) (map[string]Format, error) {
	out := map[string]Format{}
	for name, f := range formats {
		field := ""
		for _, c := range b.Columns {
			if c.Field != "" && (c.Header == name || c.Field == name) {
				field = c.Field
				break
			}
		}
		if field == "" {
			return nil, portfolio.Errorf(portfolio.EINVALID, "a format is given for column %q, which is not a mapped column of the file", name)
		}
		// A format for a column of another type would be ignored: the
		// analyst meant another column.
		var typ string
		for _, x := range Fields(b.Kind) {
			if x.Name == field {
				typ = x.Type
			}
		}
		if f.Decimal != "" && typ != typeNumber {
			return nil, portfolio.Errorf(portfolio.EINVALID, "a decimal separator is given for column %q, which holds no numbers (it is read as %s)", name, field)
		}
		if f.DateFormat != "" && typ != typeDate {
			return nil, portfolio.Errorf(portfolio.EINVALID, "a date format is given for column %q, which holds no dates (it is read as %s)", name, field)
		}
		if f.DateFormat != "" {
			p, err := ParseDateFormat(f.DateFormat)
			if err != nil {
				return nil, err
			}
			f.DateFormat = p
		}
		out[field] = f
	}
	return out, nil
}

func otherSeparator(dec string) string {
	if dec == "," {
		return "."
	}
	return ","
}

// numberStats is what a number column's values say about its convention:
// cells only a decimal comma reads (1.234,5 12,5 1.234.567), cells only a
// decimal point reads (1,234.5 12.5 1,234,567 1.5E7), and cells both read
// (1.500, 1,500: a thousands separator or three decimals) with the first
// of them as examples.
type numberStats struct {
	comma, point, ambPoint, ambComma int64
	examples                         []string
}

// Regular expressions over a number cell without currency signs and
// spaces.
const (
	reAmbiguous = `[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}`
	reComma     = `[+-]?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+|[+-]?[0-9]{1,3}(\.[0-9]{3}){2,}|[+-]?[0-9]*,[0-9]+`
	rePoint     = `[+-]?[0-9]{1,3}(,[0-9]{3})+\.[0-9]+|[+-]?[0-9]{1,3}(,[0-9]{3}){2,}|[+-]?[0-9]*\.[0-9]+|[+-]?[0-9]*\.?[0-9]+[eE][+-]?[0-9]+`
)

// numberCell strips a number cell of what neither convention needs:
// currency signs and names (€, EUR, euros) and spaces (also no-break and
// narrow no-break spaces, which French-style grouping uses). Spaces
// between digits group thousands: they become sep, the column's thousands
// separator, so that they must group three digits as it does (1 234 567 is
// a number, 1500 2000 is two). Detection, which only looks for the
// separators, drops them (sep "").
func numberCell(c, sep string) string {
	if sep != "" {
		c = fmt.Sprintf(`regexp_replace(%s, '([0-9])[\s\x{00A0}\x{202F}]+([0-9])', '\1%s\2', 'g')`, c, sep)
	}
	return fmt.Sprintf(`regexp_replace(%s, '(?i)[€\s\x{00A0}\x{202F}]|eur(os?)?', '', 'g')`, c)
}

// numberEvidence reads the first detectSample values of every number
// column.
func (s *Service) numberEvidence(ctx context.Context, st *staged) (map[string]numberStats, error) {
	var parts []string
	for name, f := range st.fields {
		if f.Type == typeNumber {
			c := ident(name)
			// The staged rows keep file order: LIMIT takes the first ones
			// without sorting the file.
			parts = append(parts, fmt.Sprintf(`(SELECT '%s' AS field, line, %s AS v FROM %s WHERE %s IS NOT NULL LIMIT %d)`,
				name, numberCell(c, ""), st.table, c, detectSample))
		}
	}
	out := map[string]numberStats{}
	if len(parts) == 0 {
		return out, nil
	}
	rows, err := s.st.DB().QueryContext(ctx, fmt.Sprintf(`
		SELECT field,
		  count(*) FILTER (WHERE regexp_full_match(v, '%[1]s') AND NOT regexp_full_match(v, '%[3]s')),
		  count(*) FILTER (WHERE regexp_full_match(v, '%[2]s') AND NOT regexp_full_match(v, '%[3]s')),
		  count(*) FILTER (WHERE regexp_full_match(v, '%[3]s') AND contains(v, '.')),
		  count(*) FILTER (WHERE regexp_full_match(v, '%[3]s') AND contains(v, ',')),
		  coalesce((list(v ORDER BY line) FILTER (WHERE regexp_full_match(v, '%[3]s')))[1:20], [])
		FROM (%[4]s) GROUP BY field`, reComma, rePoint, reAmbiguous, strings.Join(parts, " UNION ALL ")))
	if err != nil {
		return nil, fmt.Errorf("ingest: detect number conventions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var field string
		var e numberStats
		var ex []any
		if err := rows.Scan(&field, &e.comma, &e.point, &e.ambPoint, &e.ambComma, &ex); err != nil {
			return nil, fmt.Errorf("ingest: detect number conventions: %w", err)
		}
		for _, v := range ex {
			if v, ok := v.(string); ok && !slices.Contains(e.examples, v) && len(e.examples) < 2 {
				e.examples = append(e.examples, v)
			}
		}
		out[field] = e
	}
	return out, rows.Err()
}

// decideNumber settles the decimal separator of number field f: the
// column's own override, the file-wide one, what its values say, the only
// reading its range allows, and the file's reading when no value is
// ambiguous; otherwise the file's reading, marked ambiguous.
//
// An amount in euros has two decimals at most: when its values say "."
// and others read both ways (600.159, 45.000), reading those as three
// decimals would store whole-euro amounts a thousand times too small on
// the word of one 12.5. The column is marked ambiguous instead, with the
// values' reading.
func decideNumber(f Field, own, given, fileDec string, e numberStats) (string, string) {
	switch {
	case own != "":
		return own, portfolio.DecidedGiven
	case given != "":
		return given, portfolio.DecidedGiven
	case e.comma != e.point:
		dec, threeDecimals := ".", e.ambPoint
		if e.comma > e.point {
			dec, threeDecimals = ",", e.ambComma
		}
		if threeDecimals > 0 && strings.HasSuffix(f.Name, "_eur") {
			return dec, portfolio.DecidedAmbiguous
		}
		return dec, portfolio.DecidedValues
	case e.ambPoint+e.ambComma == 0:
		return fileDec, portfolio.DecidedFile
	}
	// 1.500 read as thousands is 1500: beyond any latitude or longitude,
	// so in such a field the separator can only be a decimal one.
	if r, ok := numberRanges[f.Name]; ok && r[1] < 1000 {
		if e.ambPoint >= e.ambComma {
			return ".", portfolio.DecidedRange
		}
		return ",", portfolio.DecidedRange
	}
	return fileDec, portfolio.DecidedAmbiguous
}

// ambiguousNumber is the warning of a number column read both ways: the
// reading chosen and two of its values read each way.
func ambiguousNumber(c *portfolio.ImportColumn, e numberStats) portfolio.ImportWarning {
	var shown []string
	for _, v := range e.examples {
		a, _ := readNumber(v, c.Decimal)
		o, _ := readNumber(v, otherSeparator(c.Decimal))
		shown = append(shown, fmt.Sprintf("%s → %s (or %s)", v, formatNumber(a), formatNumber(o)))
	}
	why := "has numbers that read both ways and nothing in it decides"
	if e.comma != e.point {
		why = "has numbers that read both ways and its other values say decimal " + strconv.Quote(c.Decimal) +
			", which would give these amounts in euros three decimals"
	}
	return portfolio.ImportWarning{Code: WarnNumberAmbiguous, Column: c.Header, Examples: e.examples, Message: fmt.Sprintf(
		"column %q %s: it was read with decimal separator %q, %s. "+
			"Choose its decimal separator to commit the file",
		c.Header, why, c.Decimal, strings.Join(shown, ", "))}
}

// readNumber reads v (no currency sign or space) as written with decimal
// separator dec, the Go twin of numberExpr, for messages.
func readNumber(v, dec string) (float64, bool) {
	v = strings.ReplaceAll(v, otherSeparator(dec), "")
	v = strings.ReplaceAll(v, dec, ".")
	x, err := strconv.ParseFloat(v, 64)
	return x, err == nil
}

func formatNumber(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// dateStats is what a date column's values say: how many cells are not
// ISO dates and how many of those each of dateFormats reads.
type dateStats struct {
	other  int64
	counts []int64
}

// dateEvidence reads the first detectSample values of every date column.
func (s *Service) dateEvidence(ctx context.Context, st *staged) (map[string]dateStats, error) {
	var parts []string
	for name, f := range st.fields {
		if f.Type == typeDate {
			c := ident(name)
			parts = append(parts, fmt.Sprintf(`(SELECT '%s' AS field, %s AS v FROM %s WHERE %s IS NOT NULL AND NOT %s LIKE '____-%%' LIMIT %d)`,
				name, c, st.table, c, c, detectSample))
		}
	}
	out := map[string]dateStats{}
	if len(parts) == 0 {
		return out, nil
	}
	sel := []string{"field", "count(*)"}
	for _, f := range dateFormats {
		sel = append(sel, fmt.Sprintf(`count(TRY_STRPTIME(v, %s))`, sqlString(f)))
	}
	rows, err := s.st.DB().QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM (%s) GROUP BY field`, strings.Join(sel, ", "), strings.Join(parts, " UNION ALL ")))
	if err != nil {
		return nil, fmt.Errorf("ingest: detect date formats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var field string
		e := dateStats{counts: make([]int64, len(dateFormats))}
		dst := []any{&field, &e.other}
		for i := range e.counts {
			dst = append(dst, &e.counts[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("ingest: detect date formats: %w", err)
		}
		out[field] = e
	}
	return out, rows.Err()
}

// decideDate settles a date column's format: its own override, the
// file-wide one, or the format reading most of its non-ISO cells; on a tie
// between day-first and month-first the European reading wins and a
// warning says so.
func decideDate(c *portfolio.ImportColumn, own, given string, e dateStats) (string, string, *portfolio.ImportWarning) {
	switch {
	case own != "":
		return own, portfolio.DecidedGiven, nil
	case given != "":
		return given, portfolio.DecidedGiven, nil
	case e.other == 0:
		return isoDate, portfolio.DecidedValues, nil
	}
	best := 0
	for i, n := range e.counts {
		if n > e.counts[best] {
			best = i
		}
	}
	if e.counts[best] == 0 {
		return dateFormats[0], portfolio.DecidedFile, nil
	}
	dm, md := slices.Index(dateFormats, "%d/%m/%Y"), slices.Index(dateFormats, "%m/%d/%Y")
	if best == dm && e.counts[md] == e.counts[dm] {
		return dateFormats[best], portfolio.DecidedAmbiguous, &portfolio.ImportWarning{Code: WarnDateAmbiguous, Column: c.Header, Message: fmt.Sprintf(
			"dates in column %q could be read as %s or %s; they were read as %s — set its date format if that is wrong",
			c.Header, humanDate(dateFormats[dm]), humanDate(dateFormats[md]), humanDate(dateFormats[dm]))}
	}
	return dateFormats[best], portfolio.DecidedValues, nil
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
