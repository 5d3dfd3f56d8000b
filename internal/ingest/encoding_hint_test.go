package ingest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// A wrong encoding hint was obeyed without a word: the preview warns,
// with an example, when the text it yields holds U+FFFD, C1 controls or
// UTF-8 read as single bytes.
func TestWrongEncodingHintWarns(t *testing.T) {
	t.Parallel()
	path, _ := filepath.Abs(filepath.Join("..", "decode", "testdata", "encoding", "utf8.csv"))
	for _, enc := range []string{"iso-8859-1", "windows-1252"} {
		e := mustEnv(t)
		r := e.req(path, ingest.KindOrganisations, ingest.ModeAppend)
		r.Dialect.Encoding = enc
		b := e.mustPreview(t, r)
		var w *portfolio.ImportWarning
		for i := range b.Warnings {
			if b.Warnings[i].Code == ingest.WarnEncoding {
				w = &b.Warnings[i]
			}
		}
		if w == nil || len(w.Lines) != 1 || len(w.Examples) != 1 || !strings.Contains(w.Message, "read as "+enc) {
			t.Errorf("%s: warnings %+v, want encoding_suspect with a line and an example", enc, b.Warnings)
		}
	}
	e := mustEnv(t)
	b := e.mustPreview(t, e.req(path, ingest.KindOrganisations, ingest.ModeAppend))
	if len(b.Warnings) != 0 {
		t.Errorf("detected encoding: warnings %+v, want none", b.Warnings)
	}
}
