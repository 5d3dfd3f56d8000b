package ingest

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/begira/begira/internal/decode"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// staged describes a file loaded into its staging view: one VARCHAR column
// per mapped field, plus "line", the line number the analyst sees.
type staged struct {
	table  string           // stage.stg_<id>
	fields map[string]Field // mapped field name → spec
	header map[string]string
	// columns are the view's cells: each mapped column under its field's
	// name.
	columns []string
	// sheet is what decoding a sheet said about its cells.
	sheet sheetNotes
}

// blankColumn is the raw table's flag of a row without a single value.
const blankColumn = "__begira_blank"

// commitSuffixes are the tables a commit writes inside its transaction.
var commitSuffixes = []string{"_ids", "_gone", "_names"}

// stagingTable names a table a preview of batch id stages. They live in the
// staging database (store.StagingCatalog, a file of its own).
func stagingTable(id int64, suffix string) string {
	return fmt.Sprintf("%s.stg_%d%s", store.StagingCatalog, id, suffix)
}

// commitTable names a table the commit of batch id writes inside its
// transaction, which may write to one database only: the main one, whose
// name (catalog, see store.Catalog) is spelled out. Temporary tables would
// avoid naming it, but a commit killed midway was then seen to leave half
// of itself behind.
func commitTable(catalog string, id int64, suffix string) string {
	return fmt.Sprintf("%s.staging.stg_%d%s", catalog, id, suffix)
}

type execer interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}

// dropCommitTables drops the tables the commit of batch id wrote, inside
// its transaction.
func dropCommitTables(ctx context.Context, tx execer, catalog string, id int64) {
	for _, sfx := range commitSuffixes {
		tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+commitTable(catalog, id, sfx))
	}
}

// dropStaging removes every staging table of a batch. It runs outside any
// transaction: each statement writes to one database. The main database's
// staging schema holds what batches previewed by earlier versions staged
// (_orgs: before organisation names moved to the commit).
func dropStaging(ctx context.Context, db execer, catalog string, id int64) {
	for _, schema := range []string{store.StagingCatalog, catalog + ".staging"} {
		db.ExecContext(ctx, fmt.Sprintf(`DROP VIEW IF EXISTS %s.stg_%d`, schema, id))
		for _, sfx := range []string{"_raw", "_lines", "_terms", "_orgs", "_refs", "_ids", "_gone", "_names"} {
			db.ExecContext(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %s.stg_%d%s`, schema, id, sfx))
		}
	}
}

// hasStaging reports whether batch id's staged file is still there (a
// preview taken before an upgrade, or whose staging database was deleted,
// has lost it).
func hasStaging(ctx context.Context, db *sql.DB, id int64) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views() WHERE database_name = ? AND view_name = ?`,
		store.StagingCatalog, fmt.Sprintf("stg_%d", id)).Scan(&n)
	return n > 0, err
}

// sqlString quotes s as a SQL string literal. It is used only for paths the
// server chose itself (table functions take no placeholders for them).
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ident quotes s as a SQL identifier (file headers are arbitrary text).
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// stage reads the file into the batch's staging table, all cells as text,
// in four steps: settle the dialect, map the headers, copy the file, and
// number its lines in a view.
func (s *Service) stage(ctx context.Context, b *portfolio.ImportBatch, req Request) (*staged, error) {
	start := time.Now()
	d, err := s.settleDialect(ctx, b, req)
	if err != nil {
		return nil, err
	}
	b.Dialect = d
	s.step(b.ID, "stage sniff", start)
	start = time.Now()
	st, copied, err := s.mapColumns(ctx, b, req)
	if err != nil {
		return nil, err
	}
	s.step(b.ID, "stage headers", start)
	start = time.Now()
	defer s.step(b.ID, "stage copy", start)
	if err := s.copyFile(ctx, b, req.Path, copied, st); err != nil {
		return nil, err
	}
	return st, nil
}

// settleDialect works out how the file is written: the request's settings
// win, DuckDB's sniffer finds the delimiter and the header row, the quotes
// and list separator follow from them.
func (s *Service) settleDialect(ctx context.Context, b *portfolio.ImportBatch, req Request) (portfolio.Dialect, error) {
	d := req.Dialect
	d.Encoding, d.Sheet = b.Dialect.Encoding, b.Dialect.Sheet
	if d.Delimiter == "" {
		d.Delimiter = b.Dialect.Delimiter
	}
	if d.Delimiter != "" && !validDelimiter(d.Delimiter) {
		return d, portfolio.Errorf(portfolio.EINVALID, "delimiter %q must be one of , ; | or tab", d.Delimiter)
	}
	// Lines DuckDB cannot hold are refused first, with their number.
	lines, err := decode.CheckLines(req.Path)
	if err != nil {
		return d, invalid(err)
	}
	if d.HeaderRow > lines {
		return d, portfolio.Errorf(portfolio.EINVALID, "header_row %d is beyond the end of the file: the file has %d lines", d.HeaderRow, lines)
	}
	// A sheet is written with every row as wide as the widest, which hides
	// its title rows from the sniffer: see sheetHeader.
	if d.Encoding == "xlsx" && d.HeaderRow <= 0 {
		d.HeaderRow = sheetHeader(req.Path, req.Kind, decode.XLSXHeaderSearch)
	}
	// DuckDB's sniffer finds the delimiter and the title rows above the
	// header (SkipRows) in one pass; explicit settings win.
	if d.Delimiter == "" || d.HeaderRow <= 0 {
		var delim string
		var skip int
		h := holes{"path": sqlString(req.Path), "skip": ""}
		if d.HeaderRow > 0 {
			h["skip"] = fmt.Sprintf(", skip = %d", d.HeaderRow-1)
		}
		if err := s.st.DB().QueryRowContext(ctx, render("sniff", h)).Scan(&delim, &skip); err != nil {
			return d, csvFailure(err, req.Path, d)
		}
		if d.Delimiter == "" {
			d.Delimiter = delim
		}
		if d.HeaderRow <= 0 {
			d.HeaderRow = skip + 1
			if n := headerBelow(req.Path, req.Kind, d.Delimiter, req.Mapping, d.HeaderRow, decode.XLSXHeaderSearch); n > 0 {
				d.HeaderRow = n
			}
		}
	}
	if !validDelimiter(d.Delimiter) {
		return d, portfolio.Errorf(portfolio.EINVALID,
			"no column delimiter found (the file has one column, or uses %q): give delimiter , ; | or tab", d.Delimiter)
	}
	if d.Delimiter, err = decode.CheckDelimiter(req.Path, d.Delimiter, d.HeaderRow, req.Dialect.Delimiter != ""); err != nil {
		return d, invalid(err)
	}
	switch d.Quote {
	case `"`, decode.QuoteNone:
	case "":
		d.Quote = `"`
		if d.Delimiter == "\t" && decode.LiteralQuotes(req.Path, d.HeaderRow) {
			d.Quote = decode.QuoteNone
		}
	default:
		return d, portfolio.Errorf(portfolio.EINVALID, `quote must be " or none (quotes are text), not %q`, d.Quote)
	}
	if d.ListSeparator == "" {
		// A pipe-delimited file cannot hold | unquoted in a cell.
		d.ListSeparator = "|"
		if d.Delimiter == "|" {
			d.ListSeparator = ";"
		}
	} else if !strings.Contains("|;,/", d.ListSeparator) || len(d.ListSeparator) != 1 {
		return d, portfolio.Errorf(portfolio.EINVALID, "list_separator must be one of | ; , / not %q", d.ListSeparator)
	}
	return d, nil
}

// mapColumns reads the file's headers in b's dialect and maps them to the
// kind's fields (b.Columns). It returns the staged description and the
// columns of the copy; a required field without its column is refused,
// naming the row that misled the sniffer when one did.
func (s *Service) mapColumns(ctx context.Context, b *portfolio.ImportBatch, req Request) (*staged, []string, error) {
	d := b.Dialect
	headers, err := readHeaders(ctx, s.st.DB(), req.Path, d)
	if err != nil {
		return nil, nil, csvFailure(err, req.Path, d)
	}
	if err := duplicateHeader(rawHeaders(req.Path, d)); err != nil {
		return nil, nil, err
	}
	// A mapping the analyst gives for a header the file lacks (a typo) is
	// not used, and the column it meant may be left unread: say so. (Not
	// a refusal: the wizard previews again with the mapping of the
	// previous headers when the analyst changes the header row.)
	if !req.savedMapping {
		var absent []string
		for h := range req.Mapping {
			if !slices.Contains(headers, h) {
				absent = append(absent, h)
			}
		}
		if len(absent) > 0 {
			slices.Sort(absent)
			quoted := make([]string, len(absent))
			for i, h := range absent {
				quoted[i] = strconv.Quote(h)
			}
			b.Warnings = append(b.Warnings, portfolio.ImportWarning{Code: WarnMappingAbsent, Count: int64(len(absent)), Examples: absent, Message: fmt.Sprintf(
				"the mapping names %s, which the file does not have among its headers %s: that mapping is not used; write each header as the file does",
				strings.Join(quoted, ", "), listHeaders(headers))})
		}
	}
	var sameField []portfolio.ImportWarning
	b.Columns, sameField = mapHeaders(req.Kind, headers, req.Mapping)
	b.Warnings = append(b.Warnings, sameField...)
	st := &staged{table: stagingTable(b.ID, ""), fields: map[string]Field{}, header: map[string]string{}}
	// The file is copied (every mapped column as trimmed text) into a raw
	// table, and a view gives each row its line. Every cell is read by the
	// checks or the commit, some several times: trimming them once in the
	// copy is cheaper. Numbering rows in the copy would cost a window over
	// the whole file; rows keep file order (preserve_insertion_order), so
	// rowid numbers them.
	var copied []string
	for _, c := range b.Columns {
		if c.Field == "" {
			continue
		}
		for _, f := range Fields(req.Kind) {
			if f.Name == c.Field {
				st.fields[f.Name] = f
			}
		}
		st.header[c.Field] = c.Header
		// Entities are decoded in the view, where the copied cell is a
		// plain column: in the copy the trimming expression would be
		// repeated inside the decoding.
		cell := ident(c.Header)
		if t := st.fields[c.Field].Type; (t == typeText && c.Field != "ext_ref") || t == typeOrg || t == typeOrgs {
			cell = decodeEntities(cell)
		}
		st.columns = append(st.columns, fmt.Sprintf("%s AS %s", cell, ident(c.Field)))
		copied = append(copied, fmt.Sprintf("%s AS %s", trimmed(ident(c.Header)), ident(c.Header)))
	}
	// A row whose every cell is empty (a blank row of a sheet, a line of
	// delimiters only) is no row: the view leaves it out, keeping the
	// lines of the others.
	all := make([]string, len(headers))
	for i, h := range headers {
		all[i] = ident(h)
	}
	copied = append(copied, fmt.Sprintf("coalesce(%s) IS NULL AS %s", strings.Join(all, ", "), blankColumn))
	var missing []string
	for _, f := range Fields(req.Kind) {
		if f.Required && st.header[f.Name] == "" {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) == 0 {
		return st, copied, nil
	}
	// The sniffer takes the real header for a title row when later rows
	// are wider: name the row that misled it.
	if req.Dialect.HeaderRow <= 0 {
		if n := betterHeader(req.Path, req.Kind, d.Delimiter, d.HeaderRow); n > 0 {
			if err := decode.DiagnoseCSV(req.Path, d.Delimiter, n); err != nil {
				return nil, nil, invalid(err)
			}
		}
	}
	where := ""
	if d.Encoding == "xlsx" {
		where = fmt.Sprintf(" (sheet %q, header on row %d; give header_row if it is another)", d.Sheet, d.HeaderRow)
	} else if guess, _ := decode.GuessDelimiter(req.Path, d.HeaderRow); len(headers) == 1 && guess != "" && guess != d.Delimiter {
		// A delimiter given wrong leaves the whole header in one column.
		where = fmt.Sprintf(" (the header row holds no %q but %q: is %q the delimiter?)", d.Delimiter, guess, guess)
	} else if req.Dialect.Encoding != "" {
		// An encoding given wrong turns the headers into other letters.
		where = fmt.Sprintf(" (the file was read as %s, as asked: if these headers look garbled, leave the encoding to detection)", d.Encoding)
	}
	return nil, nil, &portfolio.Error{Code: portfolio.EINVALID,
		Message: fmt.Sprintf("required column(s) %s not found among the headers %s%s; rename them or give a mapping",
			strings.Join(missing, ", "), listHeaders(headers), where),
		Details: missing}
}

// copyFile copies the file into the batch's raw table and creates the
// staging view that numbers its lines. Where records stop sitting one per
// line is read from the file while DuckDB copies it (a Go scan on the core
// the copy leaves idle).
func (s *Service) copyFile(ctx context.Context, b *portfolio.ImportBatch, path string, copied []string, st *staged) error {
	d := b.Dialect
	db := s.st.DB()
	type drifted struct {
		drifts []decode.Drift
		err    error
	}
	found := make(chan drifted, 1)
	go func() {
		if d.Encoding == "xlsx" {
			// A sheet is written one record per row: the record's number
			// is its Excel row even where a cell holds a line break.
			found <- drifted{}
			return
		}
		drifts, err := decode.LineDrift(path, d.HeaderRow, d.Quote != decode.QuoteNone)
		found <- drifted{drifts, err}
	}()
	raw := stagingTable(b.ID, "_raw")
	err := withoutStringCompression(ctx, db, render("copy", holes{"raw": raw, "columns": strings.Join(copied, ", "),
		"path": sqlString(path), "delim": sqlString(d.Delimiter), "quoting": quoting(d), "skip": fmt.Sprint(d.HeaderRow - 1)}))
	ld := <-found
	if err != nil {
		return csvFailure(err, path, d)
	}
	if ld.err != nil {
		return invalid(ld.err)
	}
	lineExpr, lineJoin, err := lineColumn(ctx, db, stagingTable(b.ID, "_lines"), d.HeaderRow, ld.drifts)
	if err != nil {
		return err
	}
	q := render("view", holes{"view": st.table, "line": lineExpr, "columns": strings.Join(st.columns, ", "), "raw": raw, "line_join": lineJoin,
		"blank": blankColumn})
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("ingest: staging view: %w", err)
	}
	return nil
}

// compressionMu serialises withoutStringCompression: two overlapping
// copies would otherwise each restore what the other set, and leave string
// compression off for good.
var compressionMu sync.Mutex

// withoutStringCompression runs the statement q (the copy of a file into
// its raw staging table) with DuckDB's string compression off. The raw
// table is written once, read a few times and dropped at the commit:
// compressing its strings (dictionary and FSST analysis of every summary)
// costs more than half of the copy and saves nothing. The setting is
// global to the database, so other writes running meanwhile are stored
// uncompressed too (larger, never wrong) until the setting is restored.
// Copies run one at a time, so that each restores what it found.
func withoutStringCompression(ctx context.Context, db *sql.DB, q string) error {
	compressionMu.Lock()
	defer compressionMu.Unlock()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var prev string
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('disabled_compression_methods')::VARCHAR`).Scan(&prev); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `SET disabled_compression_methods = 'dictionary,fsst,dict_fsst'`); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, q)
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `SET disabled_compression_methods = `+sqlString(prev)); err == nil {
		err = rerr
	}
	return err
}

// trimmed is the expression of a cell without the spaces trim() removes,
// NULL when nothing is left. DuckDB's trim decodes every character of a
// string to find its end, which on a million long summaries costs about a
// second. A cell whose first byte is a visible ASCII character and whose
// last is ASCII but not a space (nearly every cell) has nothing to trim
// (trim removes Unicode spaces only) and is taken as it is; the tests are
// byte comparisons.
func trimmed(c string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s >= '!' AND %[1]s < chr(127) AND NOT ends_with(%[1]s, ' ') AND encode(%[1]s)[-1:] < '\x80'::BLOB
		THEN %[1]s ELSE nullif(trim(%[1]s), '') END`, c)
}

// readHeaders returns the header cells of the file.
func readHeaders(ctx context.Context, db *sql.DB, path string, d portfolio.Dialect) ([]string, error) {
	rows, err := db.QueryContext(ctx, render("headers", holes{"path": sqlString(path), "delim": sqlString(d.Delimiter),
		"quoting": quoting(d), "skip": fmt.Sprint(d.HeaderRow - 1)}))
	if err != nil {
		return nil, csvError(err)
	}
	defer rows.Close()
	return rows.Columns()
}

// quoting is the read_csv options of the file's quotes.
func quoting(d portfolio.Dialect) string {
	if d.Quote == decode.QuoteNone {
		return `quote = '', escape = ''`
	}
	return `quote = '"', escape = '"'`
}

// rawHeaders reads the header row as written: DuckDB renames a header
// that appears twice, which would hide the duplicate. A quoted header cell
// may span lines (a wrapped header saved by Excel).
func rawHeaders(path string, d portfolio.Dialect) []string {
	if d.Quote == decode.QuoteNone {
		line := strings.TrimRight(decode.HeaderLine(path, d.HeaderRow), "\r\n")
		return strings.Split(line, d.Delimiter)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	for range d.HeaderRow - 1 {
		if _, err := br.ReadString('\n'); err != nil {
			return nil
		}
	}
	r := csv.NewReader(br)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = rune(d.Delimiter[0]), true, -1
	rec, _ := r.Read()
	return rec
}

var csvPathRE = regexp.MustCompile(`(?i)file "?[^"\s]+"?`)

// csvError turns a DuckDB CSV failure into a message about the analyst's file,
// keeping the reader's own explanation (it names lines and columns) but
// dropping server paths.
func csvError(err error) error {
	var pe *portfolio.Error
	if errors.As(err, &pe) {
		return err
	}
	msg := err.Error()
	if i := strings.Index(msg, "\n"); i > 0 {
		msg = msg[:i]
	}
	msg = strings.TrimPrefix(msg, "Invalid Input Error: ")
	msg = csvPathRE.ReplaceAllString(msg, "file")
	return &portfolio.Error{Code: portfolio.EINVALID, Message: "the file could not be read as CSV: " + msg}
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// validDelimiter reports whether d is a delimiter analysts' files use.
func validDelimiter(d string) bool {
	switch d {
	case ",", ";", "|", "\t":
		return true
	}
	return false
}

// decodeEntities decodes the HTML entities EU exports leave in names and
// texts (&QUOT;POLIPAK&QUOT;, R&AMP;D), in any case; &amp; goes last, so
// that "&amp;quot;" becomes "&quot;" as written. Cells without '&' skip it.
func decodeEntities(c string) string {
	e := c
	for _, r := range [][2]string{{"&quot;", `"`}, {"&#34;", `"`}, {"&apos;", "'"}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"},
		{"&nbsp;", " "}, {"&amp;", "&"}} {
		e = fmt.Sprintf(`regexp_replace(%s, %s, %s, 'gi')`, e, sqlString(r[0]), sqlString(r[1]))
	}
	return fmt.Sprintf(`CASE WHEN contains(%[1]s, '&') THEN %[2]s ELSE %[1]s END`, c, e)
}

// lineColumn returns the staging view's expression for the line of each
// record, and creates the table of drifts it needs when there are any.
func lineColumn(ctx context.Context, db *sql.DB, table string, headerRow int, drifts []decode.Drift) (string, string, error) {
	base := fmt.Sprintf("r.__rec + %d", headerRow+1)
	if len(drifts) == 0 {
		return base + " AS line", "", nil
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+table+` (__rec BIGINT, __delta BIGINT)`); err != nil {
		return "", "", fmt.Errorf("ingest: line table: %w", err)
	}
	for start := 0; start < len(drifts); start += 500 {
		end := min(start+500, len(drifts))
		var vals []string
		var args []any
		for _, d := range drifts[start:end] {
			vals = append(vals, "(?, ?)")
			args = append(args, d.Rec, d.Delta)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO `+table+` VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return "", "", fmt.Errorf("ingest: line table: %w", err)
		}
	}
	// Each record takes the drift of the last break at or before it.
	join := fmt.Sprintf(" ASOF LEFT JOIN %s l ON r.__rec >= l.__rec", table)
	return base + " + coalesce(l.__delta, 0) AS line", join, nil
}
