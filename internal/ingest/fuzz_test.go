package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// fuzzEnv is shared by every input of a fuzzing process: opening a store
// per input would leave no time for the inputs.
var fuzzEnv struct {
	once sync.Once
	e    *env
}

// FuzzPreview feeds arbitrary bytes to the whole preview: transcoding,
// DuckDB's reader, detection and validation, with arbitrary date formats
// and header rows as overrides. Whatever the bytes, Preview
// must not panic, and must either refuse the file with a message meant for
// the analyst (never an internal error) or record a batch whose counts add
// up.
//
//	go test -run '^$' -fuzz FuzzPreview -fuzztime 60s ./internal/ingest/
func FuzzPreview(f *testing.F) {
	for _, dir := range []string{"dialect", "bad"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, uint8(0), "", uint8(0))
		}
	}
	f.Add([]byte("name;actor_type;founded_year\nFundación Ekin;Fundación;1999\n"), uint8(1), "", uint8(0))
	f.Add([]byte("ext_ref,headline,observed_at,novelty,projects\nS-1,Seen,2025-01-01,9,P-1|P-2\n"), uint8(2), "%d/%m/%Y", uint8(0))
	f.Add([]byte("\xff\xfee\x00x\x00t\x00_\x00r\x00e\x00f\x00,\x00t\x00\n\x00"), uint8(0), "", uint8(1))
	f.Add([]byte("ext_ref,title\n\"A\"\"1\",\"multi\nline\"\n"), uint8(0), "%Y.%m.%d", uint8(2))

	kinds := []string{ingest.KindProjects, ingest.KindOrganisations, ingest.KindSignals}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8, dateFormat string, headerRow uint8) {
		fuzzEnv.once.Do(func() {
			// The store outlives this first input's test: it is closed
			// when the fuzzing process exits.
			fuzzEnv.e = mustEnv(&keepAlive{T: t})
		})
		e := fuzzEnv.e
		path := filepath.Join(t.TempDir(), "fuzz.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r := e.req(path, kinds[int(kind)%len(kinds)], ingest.ModeAppend)
		r.Dialect.DateFormat, r.Dialect.HeaderRow = dateFormat, int(headerRow%6)
		b, err := e.ing.Preview(context.Background(), r)
		if err != nil {
			if code := portfolio.ErrorCode(err); code == portfolio.EINTERNAL {
				t.Fatalf("internal error for %q (date_format %q, header_row %d): %v", data, dateFormat, r.Dialect.HeaderRow, err)
			}
			if portfolio.ErrorMessage(err) == "" {
				t.Fatalf("empty message for %q: %v", data, err)
			}
			return
		}
		if b.Status != portfolio.ImportPreviewed {
			t.Errorf("status %q, want previewed", b.Status)
		}
		if b.RowsOK+b.RowsRejected != b.RowsTotal || b.RowsOK < 0 || b.RowsRejected < 0 {
			t.Errorf("rows ok %d + rejected %d != total %d", b.RowsOK, b.RowsRejected, b.RowsTotal)
		}
		if int64(len(b.Rejects)) < min(b.RowsRejected, 1) {
			t.Errorf("%d rows rejected but no reject listed", b.RowsRejected)
		}
		for _, rj := range b.Rejects {
			if rj.Line <= int64(b.Dialect.HeaderRow) || rj.Reason == "" {
				t.Errorf("reject %+v: want a line below the header (line %d) and a reason", rj, b.Dialect.HeaderRow)
			}
		}
	})
}

// keepAlive is a testing.TB whose cleanups never run: the fuzz store is
// opened by the first input and used by all the others.
type keepAlive struct{ *testing.T }

func (k *keepAlive) Cleanup(func())  {}
func (k *keepAlive) TempDir() string { d, _ := os.MkdirTemp("", "begira-fuzz-"); return d }
func (k *keepAlive) Helper()         {}
