package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func TestPickEncoding(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, accept string
		br, gz       bool
		want         string
	}{
		{"none asked", "", true, true, ""},
		{"a browser", "gzip, deflate, br, zstd", true, true, "br"},
		{"gzip only", "gzip", true, true, "gzip"},
		{"br refused with q=0", "br;q=0, gzip", true, true, "gzip"},
		{"both refused", "br;q=0, gzip; q=0", true, true, ""},
		{"no brotli copy", "br, gzip", false, true, "gzip"},
		{"wildcard", "*", true, true, "br"},
		{"wildcard but br refused", "*, br;q=0", true, true, "gzip"},
		{"identity only", "identity", true, true, ""},
		{"upper case", "GZIP", false, true, "gzip"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := pickEncoding(c.accept, c.br, c.gz); got != c.want {
				t.Errorf("pickEncoding(%q) = %q, want %q", c.accept, got, c.want)
			}
		})
	}
}

// TestPrecompressedCopiesAreCurrent fails when a static file changed
// without `go generate ./internal/web`: every compressible file of more
// than 1 kB has a brotli and a gzip copy, and both decode to the file.
func TestPrecompressedCopiesAreCurrent(t *testing.T) {
	t.Parallel()
	tab := assets()
	if len(tab.byName) == 0 {
		t.Fatal("no static assets embedded")
	}
	for name, a := range tab.byName {
		compressible := strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".css") || strings.HasSuffix(name, ".svg")
		if compressible && len(a.raw) > 1024 && (a.br == nil || a.gz == nil) {
			t.Errorf("%s has no precompressed copy: run go generate ./internal/web", name)
		}
		if a.br != nil {
			if got, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(a.br))); !bytes.Equal(got, a.raw) {
				t.Errorf("%s.br does not decode to %s: run go generate ./internal/web", name, name)
			}
		}
		if a.gz != nil {
			zr, err := gzip.NewReader(bytes.NewReader(a.gz))
			if err != nil {
				t.Fatalf("%s.gz: %v", name, err)
			}
			if got, _ := io.ReadAll(zr); !bytes.Equal(got, a.raw) {
				t.Errorf("%s.gz does not decode to %s: run go generate ./internal/web", name, name)
			}
		}
	}
	// A copy without its original would be served under no name.
	fs.WalkDir(staticAssets, "static", func(p string, d fs.DirEntry, err error) error {
		if orig, ok := strings.CutSuffix(p, ".br"); ok {
			if _, err := fs.Stat(staticAssets, orig); err != nil {
				t.Errorf("%s has no original", p)
			}
		}
		return nil
	})
}

// TestPackedPagesFollowTheirView: a refreshed view (other bytes under the
// same key) is compressed again; the same view and reader hit the copy.
func TestPackedPagesFollowTheirView(t *testing.T) {
	t.Parallel()
	p := newPackedPages(time.Now)
	page1 := []byte("<p>before</p>" + string(viewerMarker) + "<p>one</p>")
	page2 := []byte("<p>before</p>" + string(viewerMarker) + "<p>two</p>")
	body, hit, err := p.get("k", "gzip", page1, []byte("ane"))
	if err != nil || hit {
		t.Fatalf("first get: hit %v, err %v", hit, err)
	}
	if got := decodeGzip(t, body); got != "<p>before</p>ane<p>one</p>" {
		t.Errorf("decoded %q", got)
	}
	if _, hit, _ := p.get("k", "gzip", page1, []byte("ane")); !hit {
		t.Error("same view and reader: want a hit")
	}
	if _, hit, _ := p.get("k", "gzip", page1, []byte("jon")); hit {
		t.Error("another reader: want a miss")
	}
	body, hit, _ = p.get("k", "gzip", page2, []byte("ane"))
	if hit || decodeGzip(t, body) != "<p>before</p>ane<p>two</p>" {
		t.Errorf("refreshed view: hit %v, decoded %q", hit, decodeGzip(t, body))
	}
}

func decodeGzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(zr)
	return string(out)
}
