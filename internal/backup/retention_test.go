package backup

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestPruneKeepsTheNewest: retention removes the oldest complete backups
// beyond keep, and never touches an incomplete one or a foreign directory.
func TestPruneKeepsTheNewest(t *testing.T) {
	root := t.TempDir()
	t0 := time.Date(2026, 12, 1, 3, 45, 0, 0, time.UTC)
	var names []string
	for i := range 4 {
		n := Name(t0.AddDate(0, 0, i))
		names = append(names, n)
		os.MkdirAll(filepath.Join(root, n), 0o750)
		os.WriteFile(filepath.Join(root, n, ManifestFile), []byte("{}"), 0o640)
	}
	incomplete := Name(t0.AddDate(0, 0, -1)) // older than all, but no manifest
	os.MkdirAll(filepath.Join(root, incomplete), 0o750)
	os.MkdirAll(filepath.Join(root, "keep-me"), 0o750)

	removed, err := Prune(root, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(root, names[0]), filepath.Join(root, names[1])}
	if !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	for _, n := range []string{names[2], names[3], incomplete, "keep-me"} {
		if _, err := os.Stat(filepath.Join(root, n)); err != nil {
			t.Errorf("%s was removed: %v", n, err)
		}
	}
}

// TestVerifyNamesTheDamage: a manifest that points outside the backup or
// a file that changed is refused, naming the file.
func TestVerifyNamesTheDamage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, DatabaseFile), []byte("data"), 0o640)
	f, err := checksum(dir, DatabaseFile)
	if err != nil {
		t.Fatal(err)
	}
	write := func(files string) {
		os.WriteFile(filepath.Join(dir, ManifestFile), []byte(`{"format":1,"files":`+files+`}`), 0o640)
	}
	write(`[{"name":"begira.duckdb","size":4,"sha256":"` + f.SHA256 + `"}]`)
	if _, err := Verify(dir); err != nil {
		t.Fatalf("a good backup: %v", err)
	}
	write(`[{"name":"../etc/passwd","size":4,"sha256":"x"}]`)
	if _, err := Verify(dir); err == nil {
		t.Error("a manifest naming a file outside the backup was accepted")
	}
	os.WriteFile(filepath.Join(dir, DatabaseFile), []byte("dat4"), 0o640)
	write(`[{"name":"begira.duckdb","size":4,"sha256":"` + f.SHA256 + `"}]`)
	if _, err := Verify(dir); err == nil {
		t.Error("a changed file was accepted")
	}
}
