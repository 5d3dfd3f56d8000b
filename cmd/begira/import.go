package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/begira/begira/internal/config"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// importCmd runs the import pipeline on one file. Exit codes: 0 committed
// (or a clean dry run), 1 rows rejected and nothing committed, 2 usage or
// I/O errors.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB(), "DuckDB database file (default $BEGIRA_DB, else data/begira.duckdb)")
	mission := fs.String("mission", "", "mission slug")
	kind := fs.String("kind", "", "projects, organisations or signals")
	mode := fs.String("mode", ingest.ModeAppend, "append, replace or upsert")
	dryRun := fs.Bool("dry-run", false, "validate and preview only; write nothing")
	skipInvalid := fs.Bool("skip-invalid", false, "commit the valid rows even if some are rejected")
	mapping := fs.String("mapping", "", "explicit header mapping: 'Header=field,Other header=field'")
	headerRow := fs.Int("header-row", 0, "line of the header row (when title rows come first)")
	encoding := fs.String("encoding", "", "utf-8, utf-16le, utf-16be, windows-1252 or iso-8859-1 (default: detect)")
	delimiter := fs.String("delimiter", "", ", ; | or tab (default: detect)")
	var decimal, dateFormat columnFlag
	fs.Var(&decimal, "decimal-separator", ". or , for every number column, or COLUMN=S for one (repeatable; default: detect per column)")
	fs.Var(&dateFormat, "date-format", "e.g. dd/mm/yyyy for every date column, or COLUMN=FORMAT for one (repeatable; default: detect per column)")
	quote := fs.String("quote", "", `the quote character, " or none when quotes are text (default: detect)`)
	listSep := fs.String("list-separator", "", "separator of multi-valued cells: | ; , or / (default |, or ; in a |-delimited file)")
	century := fs.String("century", "", "read two-digit years: 1900, 2000 or auto (00-49 → 20xx); default: refuse them")
	sheet := fs.String("sheet", "", "XLSX sheet (default: the first)")
	source := fs.String("source", "", "source slug whose saved mapping applies (and, with --mapping, is saved)")
	memory := fs.String("memory-limit", "500MB", "DuckDB memory limit for this import")
	verbose := fs.Bool("v", false, "log the duration of every step of the pipeline to stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *mission == "" || *kind == "" {
		fmt.Fprintln(stderr, "usage: begira import --db PATH --mission SLUG --kind KIND [--mode append|replace|upsert] [--dry-run] [--skip-invalid] FILE")
		return 2
	}
	m := map[string]string{}
	if *mapping != "" {
		// A header may hold commas ("Importe (€, IVA incluido)=budget_total_eur"):
		// a piece without '=' belongs to the next one.
		pending := ""
		for _, piece := range strings.Split(*mapping, ",") {
			pair := pending + piece
			h, f, ok := strings.Cut(pair, "=")
			if !ok {
				pending = pair + ","
				continue
			}
			pending = ""
			m[strings.TrimSpace(h)] = strings.TrimSpace(f)
		}
		if pending != "" {
			fmt.Fprintf(stderr, "begira import: --mapping %q: each item must be Header=field\n", strings.TrimSuffix(pending, ","))
			return 2
		}
	}
	path, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "begira import:", err)
		return 2
	}
	d := portfolio.Dialect{HeaderRow: *headerRow, Encoding: *encoding, DecimalSeparator: decimal.all, Century: *century, Quote: *quote, ListSeparator: *listSep}
	if d.Delimiter, err = ingest.ParseDelimiter(*delimiter); err == nil {
		d.DateFormat, err = ingest.ParseDateFormat(dateFormat.all)
	}
	formats := map[string]ingest.Format{}
	for col, v := range decimal.columns {
		f := formats[col]
		f.Decimal = v
		formats[col] = f
	}
	for col, v := range dateFormat.columns {
		f := formats[col]
		f.DateFormat = v
		formats[col] = f
	}
	if err != nil {
		printError(stderr, "begira import", err)
		return 2
	}
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintln(stderr, "begira import:", err)
		return 2
	}
	// A batch import runs alone: DuckDB may use most of its memory, but the
	// whole process must stay under 1 GiB (DuckDB's limit excludes Go's
	// heap, the driver's buffers and its own allocations outside the buffer
	// pool). With the uncompressed staging copy, 700MB let the peak reach
	// 1.0–1.15 GiB on 1M rows; 500MB keeps it near 700 MiB at the same CPU
	// time.
	st, err := store.Open(ctx, *db, store.Options{MemoryLimit: *memory})
	if err != nil {
		printError(stderr, "begira import", err)
		return 2
	}
	defer st.Close()
	ing := ingest.New(st, time.Now)
	if _, err := ing.Recover(ctx); err != nil {
		printError(stderr, "begira import", err)
		return 2
	}
	if *verbose {
		ing.Log = config.NewLogger(stderr, "debug", "text")
	}
	if isTerminal(stdout) {
		ing.OnProgress(func(id int64, p portfolio.ImportProgress) {
			if p.Total > 0 {
				fmt.Fprintf(stdout, "\r%-12s %d/%d %s   ", p.Phase, p.Done, p.Total, p.Unit)
			} else {
				fmt.Fprintf(stdout, "\r%-12s …%30s", p.Phase, "")
			}
		})
	}
	b, err := ing.Preview(ctx, ingest.Request{Mission: *mission, Kind: *kind, Mode: *mode, Path: path, Sheet: *sheet,
		Filename: filepath.Base(path), CreatedBy: "cli", Mapping: m, Dialect: d, Formats: formats, Source: *source, SaveMapping: *source != "" && len(m) > 0})
	if isTerminal(stdout) {
		fmt.Fprint(stdout, "\r\033[K")
	}
	if err != nil {
		printError(stderr, "begira import", err)
		return 2
	}
	printBatch(stdout, b)
	var ambiguous []string
	for _, c := range b.Columns {
		if c.Decimal != "" && c.Decided == portfolio.DecidedAmbiguous {
			ambiguous = append(ambiguous, c.Header)
		}
	}
	if *dryRun || len(ambiguous) > 0 || (b.RowsRejected > 0 && !*skipInvalid) {
		// Nothing will commit this preview: its staged copy of the file
		// goes now. The batch and its rejects stay in the history.
		if _, err := ing.Discard(ctx, b.ID); err != nil {
			printError(stderr, "begira import", err)
			return 2
		}
	}
	// A column read both ways holds the commit: a dry run says so too,
	// rather than call the file clean.
	choose := ""
	if len(ambiguous) > 0 {
		choose = fmt.Sprintf("the numbers of %s read both ways; choose, e.g. --decimal-separator '%s=,' (or '%s=.')",
			strings.Join(ambiguous, ", "), ambiguous[0], ambiguous[0])
	}
	if *dryRun {
		switch {
		case b.RowsRejected > 0:
			fmt.Fprintln(stdout, "dry run: nothing written; fix the rejected rows or use --skip-invalid")
			if choose != "" {
				fmt.Fprintln(stdout, "and "+choose)
			}
			return 1
		case choose != "":
			fmt.Fprintln(stdout, "dry run: nothing written; "+choose)
			return 1
		}
		fmt.Fprintln(stdout, "dry run: the file is clean; nothing written")
		return 0
	}
	if choose != "" {
		fmt.Fprintln(stdout, "not committed: "+choose)
		return 1
	}
	if b.RowsRejected > 0 && !*skipInvalid {
		fmt.Fprintf(stdout, "not committed: %d rows rejected (use --skip-invalid to import the %d valid rows)\n", b.RowsRejected, b.RowsOK)
		return 1
	}
	// A kill from here on leaves the whole batch or none of it: the commit
	// is one transaction.
	fmt.Fprintln(stdout, "committing…")
	b, err = ing.Commit(ctx, b.ID, *skipInvalid)
	if err != nil {
		printError(stderr, "begira import", err)
		return 1
	}
	fmt.Fprintf(stdout, "committed batch %d: %d rows\n", b.ID, b.RowsOK)
	return 0
}

// columnFlag is a setting given for every column (S) or for one
// (COLUMN=S, repeatable; COLUMN is a header or a field name).
type columnFlag struct {
	all     string
	columns map[string]string
}

func (f *columnFlag) String() string { return f.all }

func (f *columnFlag) Set(v string) error {
	col, s, ok := strings.Cut(v, "=")
	if !ok {
		f.all = v
		return nil
	}
	if strings.TrimSpace(col) == "" {
		return fmt.Errorf("%q: the column before = is empty", v)
	}
	if f.columns == nil {
		f.columns = map[string]string{}
	}
	f.columns[strings.TrimSpace(col)] = strings.TrimSpace(s)
	return nil
}

// isTerminal reports whether w is a character device (progress is only
// drawn for a person watching, never into a log or a pipe).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func printBatch(w io.Writer, b *portfolio.ImportBatch) {
	d := b.Dialect
	fmt.Fprintf(w, "file %s (sha256 %s…)\n", b.Filename, b.SHA256[:12])
	fmt.Fprintf(w, "dialect: encoding=%s delimiter=%q quote=%q list_separator=%q decimal=%q thousands=%q date=%s header_row=%d",
		d.Encoding, d.Delimiter, d.Quote, d.ListSeparator, d.DecimalSeparator, d.ThousandsSeparator, d.DateFormat, d.HeaderRow)
	if d.Sheet != "" {
		fmt.Fprintf(w, " sheet=%q", d.Sheet)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "columns:")
	var unmapped []string
	for _, c := range b.Columns {
		if c.Field == "" {
			unmapped = append(unmapped, c.Header)
			continue
		}
		how := ""
		switch {
		case c.Decimal != "":
			how = fmt.Sprintf("  (decimal %q, %s)", c.Decimal, c.Decided)
		case c.DateFormat != "":
			how = fmt.Sprintf("  (%s, %s)", c.DateFormat, c.Decided)
		}
		fmt.Fprintf(w, "  %q → %s%s\n", c.Header, c.Field, how)
	}
	for _, warning := range b.Warnings {
		fmt.Fprintf(w, "warning [%s]: %s\n", warning.Code, warning.Message)
	}
	if len(unmapped) > 0 {
		fmt.Fprintf(w, "unmapped columns (ignored): %s\n", strings.Join(unmapped, ", "))
	}
	fmt.Fprintf(w, "rows: %d total, %d ok, %d rejected\n", b.RowsTotal, b.RowsOK, b.RowsRejected)
	for i, r := range b.Rejects {
		if i == 20 {
			fmt.Fprintf(w, "  … and more (%d rejected rows in all)\n", b.RowsRejected)
			break
		}
		fmt.Fprintf(w, "  line %d, column %q, value %q: %s\n", r.Line, r.Column, r.Value, r.Reason)
	}
}
