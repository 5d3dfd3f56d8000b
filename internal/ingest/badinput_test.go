package ingest_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// zipBomb writes a workbook whose one sheet inflates honestly to 600 MiB of
// zeros: streamed through the fastest deflate level it is under a megabyte
// and takes a fraction of a second to write.
func zipBomb(tb testing.TB, path string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, err := zw.Create(n)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, "<x/>")
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		tb.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 600 {
		if _, err := w.Write(zeros); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
}

// corruptZip is the start of a real ZIP archive cut short.
func corruptZip(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} {
		w, _ := zw.Create(n)
		io.WriteString(w, strings.Repeat("<row><c><v>1</v></c></row>", 200))
	}
	zw.Close()
	b := buf.Bytes()
	return b[:len(b)/2]
}

func TestPreviewBadInput(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	// Something committed first, so that "unchanged" is not "still empty".
	e.mustImport(t, "ok.csv", ingest.KindProjects, ingest.ModeAppend,
		"ext_ref,title,pillars,lead_org\nOK-1,Kept,adaptation,Alpha Coop\nOK-2,Kept too,social_cohesion,Beta SL\n")
	e.mustImport(t, "s.csv", ingest.KindSignals, ingest.ModeAppend,
		"ext_ref,headline,observed_at,projects\nS-1,Seen,2025-01-01,OK-1\n")

	header := "ext_ref,title,budget_total_eur\n"
	tests := []struct {
		name     string
		filename string
		fixture  string // in testdata/bad, instead of body
		body     []byte
		file     func(tb testing.TB, path string) // writes the file instead of body
		dialect  portfolio.Dialect
		want     []string // substrings of the message
	}{
		{name: "empty file", fixture: "empty.csv", want: []string{"the file is empty"}},
		{name: "only blank lines", body: []byte("\n\n  \n"), want: []string{"the file is empty"}},
		{name: "header only", fixture: "header_only.csv", want: []string{"the file has a header but no data rows"}},
		{name: "PDF named .csv", fixture: "report.pdf.csv", want: []string{"this is a PDF document, not a CSV file"}},
		{name: "PNG named .csv", fixture: "logo.png.csv", want: []string{"binary data"}},
		{name: "damaged XLSX named .csv", body: corruptZip(t), want: []string{"not a readable XLSX workbook"}},
		{name: "10 MB single line", body: bytes.Repeat([]byte("abcdefghij"), 1<<20),
			want: []string{"line 1 is longer than", "is it really a CSV file"}},
		{name: "10 MB single line of fields", body: bytes.Repeat([]byte("abcdefghi,"), 1<<20),
			want: []string{"line 1 has more than 1,000 fields"}},
		{name: "a long line after good ones", body: []byte(header + "A-1,One,1\n" + strings.Repeat("x", 3<<20) + "\n"),
			want: []string{"line 3 is longer than"}},
		{name: "a header of 5,000 columns", body: []byte(strings.Repeat("col,", 4999) + "col\n" + strings.Repeat("1,", 4999) + "1\n"),
			want: []string{"line 1 has more than 1,000 fields"}},
		{name: "unterminated quote", fixture: "unterminated_quote.csv", want: []string{"line 3", "quote", "never closed"}},
		{name: "unterminated quote, delimiter given", body: []byte(header + "A-1,One,1\nA-2,\"Two,2\nA-3,Three,3\n"),
			dialect: portfolio.Dialect{Delimiter: ","}, want: []string{"line 3", "never closed"}},
		{name: "text after a closing quote", body: []byte(header + "A-1,\"One\" more,1\nA-2,Two,2\n"),
			want: []string{"line 2", "quote"}},
		{name: "a row with more fields than the header", fixture: "ragged_more.csv",
			want: []string{"line 3 has 4 fields", "the header (line 1) has 3"}},
		{name: "a row with fewer fields than the header", fixture: "ragged_fewer.csv",
			want: []string{"line 3 has 2 fields", "the header (line 1) has 3"}},
		{name: "ragged rows, semicolons", body: []byte("ext_ref;title;budget_total_eur\nA-1;One;1\nA-2;Two;2;x;y\n"),
			want: []string{"line 3 has 5 fields", "the header (line 1) has 3"}},
		{name: "ragged rows after 30,000 good ones", body: []byte(header + strings.Repeat("A,B,1\n", 30000) + "A-2,Two\n"),
			want: []string{"line 30002 has 2 fields", "the header (line 1) has 3"}},
		{name: "ragged row below title rows", body: []byte("Report\n\n" + header + "A-1,One,1\nA-2,Two,2,3\n"),
			dialect: portfolio.Dialect{HeaderRow: 3}, want: []string{"line 5 has 4 fields", "the header (line 3) has 3"}},
		{name: "a date format that is not one", body: []byte("ext_ref,title,start_date\nA-1,One,2024-01-01\n"),
			dialect: portfolio.Dialect{DateFormat: "%Q/%m"}, want: []string{`date_format "%Q/%m"`, "dd/mm/yyyy"}},
		{name: "header_row beyond the end of the file", body: []byte(header + "A-1,One,1\n"),
			dialect: portfolio.Dialect{HeaderRow: 1000}, want: []string{"header_row 1000", "the file has 2 lines"}},
		{name: "NUL bytes in the middle", fixture: "nul_bytes.csv", want: []string{"binary data", "NUL bytes at byte 46"}},
		{name: "zip bomb .xlsx", filename: "bomb.xlsx", file: zipBomb,
			want: []string{"refused as a possible zip bomb"}},
		{name: "corrupted .xlsx", filename: "broken.xlsx", body: corruptZip(t),
			want: []string{"not a readable XLSX workbook"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := cmpOr(tt.filename, "bad.csv")
			path := filepath.Join(t.TempDir(), name)
			switch {
			case tt.fixture != "":
				path = filepath.Join(filepath.Dir(path), tt.fixture)
				if err := os.WriteFile(path, mustReadBad(t, tt.fixture), 0o600); err != nil {
					t.Fatal(err)
				}
			case tt.file != nil:
				tt.file(t, path)
			default:
				if err := os.WriteFile(path, tt.body, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			before := counts(t, e.st)
			r := e.req(path, ingest.KindProjects, ingest.ModeAppend)
			r.Dialect = tt.dialect
			b, err := e.ing.Preview(ctx, r)
			if err == nil {
				t.Fatalf("preview: got batch %d (%d rows, rejects %+v), want an error", b.ID, b.RowsTotal, b.Rejects)
			}
			if code := portfolio.ErrorCode(err); code != portfolio.EINVALID {
				t.Errorf("code = %s, want EINVALID (error %v)", code, err)
			}
			msg := portfolio.ErrorMessage(err)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, os.TempDir()) || strings.Contains(msg, "Original Line") {
				t.Errorf("message %q leaks paths or DuckDB internals", msg)
			}
			if len(msg) > 400 {
				t.Errorf("message is %d bytes long, want a readable sentence: %.400q", len(msg), msg)
			}
			assertCounts(t, counts(t, e.st), before)
			assertNoStaging(t, e)
			var status string
			if err := e.st.DB().QueryRow(`SELECT status FROM import_batch ORDER BY id DESC LIMIT 1`).Scan(&status); err != nil {
				t.Fatal(err)
			}
			if status != portfolio.ImportFailed {
				t.Errorf("last batch status = %q, want failed", status)
			}
		})
	}
}

// assertNoStaging fails when a staging table is left behind.
func assertNoStaging(tb testing.TB, e *env) {
	tb.Helper()
	var n int
	if err := e.st.DB().QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE database_name = 'begira_staging' OR schema_name = 'staging'`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	if n != 0 {
		tb.Errorf("%d staging tables left behind, want none", n)
	}
}

// mustReadBad reads a fixture of testdata/bad.
func mustReadBad(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bad", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
