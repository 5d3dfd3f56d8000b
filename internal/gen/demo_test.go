package gen

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/begira/begira/data"
)

// The embedded demo is what WriteDemo writes: the committed CSV files are
// generated, never edited by hand, and the demo tells its story (every
// check of the summary passes).
func TestWriteDemoReproducesTheEmbeddedDemo(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := WriteDemo(dir, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "[ok  ]") || strings.Contains(out.String(), "[FAIL]") {
		t.Errorf("the summary's checks:\n%s", out.String())
	}
	for _, name := range []string{"municipalities.csv", "organisations.csv", "projects.csv", "signals.csv"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := fs.ReadFile(data.Demo, "demo/"+name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from data/demo/%s: run go generate ./data", name, name)
		}
	}
	// A second run writes the same bytes (the generator's state is reset).
	again := t.TempDir()
	if err := WriteDemo(again, io.Discard); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "projects.csv"))
	b, _ := os.ReadFile(filepath.Join(again, "projects.csv"))
	if !bytes.Equal(a, b) {
		t.Error("a second run wrote other projects")
	}
}
