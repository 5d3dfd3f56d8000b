package ingest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/begira/begira/internal/ingest"
)

// TestPlainFilesAreReadInPlace checks that a UTF-8 file with LF line
// endings is staged from where it lies, without the copy transcoding
// makes: with no directory for copies it still previews and commits its
// rows as written, while the same file with CRLF line endings, which needs
// the copy, cannot.
func TestPlainFilesAreReadInPlace(t *testing.T) {
	e := mustEnv(t)
	e.ing.TempDir = filepath.Join(e.dir, "no-such-directory")
	body := "ext_ref,title,budget_total_eur,status\nP-1,Donostia – Año €,1200.5,activo\nP-2,Bilbo,,\n"
	b := e.mustPreview(t, e.req(e.write(t, "plain.csv", body), ingest.KindProjects, ingest.ModeAppend))
	if b.RowsOK != 2 || b.Dialect.Encoding != "utf-8" {
		t.Fatalf("preview: %d rows ok, encoding %q; want 2 and utf-8 (rejects %+v)", b.RowsOK, b.Dialect.Encoding, b.Rejects)
	}
	e.mustCommit(t, b.ID, false)
	got := storedProjects(t, e.st)
	if p := got["P-1"]; p.Title != "Donostia – Año €" || p.Budget == nil || *p.Budget != 1200.5 || p.Status != "active" {
		t.Errorf("P-1 stored as %v", p)
	}
	if p := got["P-2"]; p.Title != "Bilbo" || p.Budget != nil {
		t.Errorf("P-2 stored as %v", p)
	}

	crlf := e.write(t, "crlf.csv", strings.ReplaceAll(body, "\n", "\r\n"))
	if _, err := e.ing.Preview(context.Background(), e.req(crlf, ingest.KindProjects, ingest.ModeAppend)); err == nil {
		t.Error("a CRLF file previewed without a directory for its copy: this test no longer shows that plain files skip the copy")
	}
}
