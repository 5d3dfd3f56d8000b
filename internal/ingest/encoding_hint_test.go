package ingest_test

import (
	"context"
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

// A file that mixes encodings (UTF-8 rows, then a row saved by a
// Windows-1252 program) was detected as Windows-1252 and its UTF-8 rows
// stored as "AÃ±o uno" without a word: the preview warns, naming a line
// and an example.
func TestMixedEncodingsWarn(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := e.write(t, "mixed.csv", "ext_ref;title\nMX-1;Año uno\nMX-2;Señal dos\nMX-3;A\xf1o tres\n")
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	var w *portfolio.ImportWarning
	for i := range b.Warnings {
		if b.Warnings[i].Code == ingest.WarnEncoding {
			w = &b.Warnings[i]
		}
	}
	if b.Dialect.Encoding != "windows-1252" || w == nil || w.Count != 2 || len(w.Lines) != 1 || w.Lines[0] != 2 ||
		!strings.Contains(w.Message, "mixes encodings") || !strings.Contains(w.Examples[0], "AÃ±o uno") {
		t.Fatalf("encoding %s, warnings %+v", b.Dialect.Encoding, b.Warnings)
	}
	// A file all in Windows-1252 is read without a warning.
	b = e.mustPreview(t, e.req(e.write(t, "w.csv", "ext_ref;title\nW-1;A\xf1o \x80\n"), ingest.KindProjects, ingest.ModeAppend))
	if b.Dialect.Encoding != "windows-1252" || len(b.Warnings) != 0 {
		t.Errorf("encoding %s, warnings %+v", b.Dialect.Encoding, b.Warnings)
	}
}

// A UTF-8 file read as UTF-16, as a wrong hint asked, has headers in other
// letters: the refusal lists them and said nothing of the encoding. It
// names the encoding it was read in and points at detection.
func TestWrongEncodingHintRefusalNamesIt(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	r := e.req(e.write(t, "utf8.csv", "ext_ref,title\nP-1,Uno\nP-2,Dos\n"), ingest.KindProjects, ingest.ModeAppend)
	r.Dialect.Encoding = "utf-16le"
	_, err := e.ing.Preview(context.Background(), r)
	if portfolio.ErrorCode(err) != portfolio.EINVALID || !strings.Contains(err.Error(), "read as utf-16le, as asked") {
		t.Fatalf("preview: %v, want a refusal naming the encoding asked", err)
	}
}
