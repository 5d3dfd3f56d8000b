// Package docs_test keeps the documentation in docs/ true to the code.
package docs_test

import (
	"errors"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// packageHeading is a paragraph's heading in ARCHITECTURE.md: "### internal/store".
var packageHeading = regexp.MustCompile(`(?m)^### (\S+)\s*$`)

// TestArchitectureNamesEveryPackage: every package under internal/ and cmd/
// has a paragraph in ARCHITECTURE.md, and every paragraph names a package
// that exists.
func TestArchitectureNamesEveryPackage(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for _, m := range packageHeading.FindAllSubmatch(doc, -1) {
		described[string(m[1])] = true
	}
	root := ".."
	var packages []string
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			if name := d.Name(); name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if isPackage(t, path) {
				rel, _ := filepath.Rel(root, path)
				packages = append(packages, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(packages) < 10 {
		t.Fatalf("found only %d packages under internal/ and cmd/: %v", len(packages), packages)
	}
	for _, p := range packages {
		if !described[p] {
			t.Errorf("package %s has no paragraph in docs/ARCHITECTURE.md: add a \"### %s\" heading with a paragraph saying what it provides, and place it in the picture", p, p)
		}
	}
	for p := range described {
		if slices.Contains(packages, p) {
			continue
		}
		if isPackage(t, filepath.Join(root, filepath.FromSlash(p))) {
			continue // a package outside internal/ and cmd/ (dashboards, data)
		}
		t.Errorf("docs/ARCHITECTURE.md has a paragraph \"### %s\", but there is no such package: remove it or rename it", p)
	}
}

// isPackage reports whether dir holds a Go package (a non-test file that
// the default build includes).
func isPackage(t *testing.T, dir string) bool {
	t.Helper()
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return false
	}
	_, err := build.ImportDir(dir, 0)
	var noGo *build.NoGoError
	switch {
	case err == nil:
		return true
	case errors.As(err, &noGo):
		return false
	}
	t.Fatalf("reading %s: %v", dir, err)
	return false
}
