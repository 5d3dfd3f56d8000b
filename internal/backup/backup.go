package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// DatabaseFile is the copy's name inside a backup directory.
const DatabaseFile = "begira.duckdb"

// ManifestFile describes the backup; restore reads it first.
const ManifestFile = "manifest.json"

// Format is the manifest's version; restore refuses others.
const Format = 1

// Manifest says what a backup holds and how to check it.
type Manifest struct {
	Format    int              `json:"format"`
	CreatedAt time.Time        `json:"created_at"`
	Version   string           `json:"begira_version"`
	Source    string           `json:"source"`
	Files     []File           `json:"files"`
	Tables    map[string]int64 `json:"tables"`
}

// File is one file of a backup with its checksum.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Source is the database being backed up (the store).
type Source interface {
	CopyTo(ctx context.Context, path string) (map[string]int64, error)
	Path() string
}

// Take writes a backup of src into dir, which must not exist or be empty.
// A failed backup removes what it wrote.
func Take(ctx context.Context, src Source, dir, version string, now time.Time) (m *Manifest, err error) {
	if err := emptyDir(dir); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.Remove(filepath.Join(dir, DatabaseFile))
			os.Remove(filepath.Join(dir, DatabaseFile+".wal"))
			os.Remove(dir)
		}
	}()
	db := filepath.Join(dir, DatabaseFile)
	tables, err := src.CopyTo(ctx, db)
	if err != nil {
		return nil, err
	}
	// DETACH checkpoints the copy; a .wal left behind would mean it did not.
	if _, err := os.Stat(db + ".wal"); err == nil {
		return nil, fmt.Errorf("backup: %s.wal was left behind: the copy is not checkpointed", db)
	}
	f, err := checksum(dir, DatabaseFile)
	if err != nil {
		return nil, err
	}
	m = &Manifest{Format: Format, CreatedAt: now.UTC(), Version: version, Source: src.Path(), Files: []File{f}, Tables: tables}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeSynced(filepath.Join(dir, ManifestFile), append(body, '\n')); err != nil {
		return nil, err
	}
	return m, nil
}

// Verify reads dir's manifest and checks every file against it. The error
// names the file that does not match and why.
func Verify(dir string) (*Manifest, error) {
	body, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, portfolio.Errorf(portfolio.EINVALID, "%s is not a Begira backup: %s is missing or unreadable", dir, ManifestFile)
	}
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, portfolio.Errorf(portfolio.EINVALID, "%s: %s is not valid JSON: %v", dir, ManifestFile, err)
	}
	if m.Format != Format {
		return nil, portfolio.Errorf(portfolio.EINVALID, "%s: backup format %d, this Begira reads format %d", dir, m.Format, Format)
	}
	if len(m.Files) == 0 {
		return nil, portfolio.Errorf(portfolio.EINVALID, "%s: the manifest lists no file", dir)
	}
	for _, want := range m.Files {
		if want.Name != filepath.Base(want.Name) {
			return nil, portfolio.Errorf(portfolio.EINVALID, "%s: the manifest names %q outside the backup", dir, want.Name)
		}
		got, err := checksum(dir, want.Name)
		if err != nil {
			return nil, portfolio.Errorf(portfolio.EINVALID, "%s: %s is missing or unreadable", dir, want.Name)
		}
		if got.Size != want.Size || got.SHA256 != want.SHA256 {
			return nil, portfolio.Errorf(portfolio.EINVALID, "%s: %s does not match the manifest (size %d, want %d; sha256 %s, want %s): the backup is damaged",
				dir, want.Name, got.Size, want.Size, got.SHA256, want.SHA256)
		}
	}
	return &m, nil
}

// Restore verifies the backup in dir and copies its database to dbPath,
// which must not exist yet. The caller then opens dbPath and checks its
// row counts with CheckTables.
func Restore(dir, dbPath string) (*Manifest, error) {
	m, err := Verify(dir)
	if err != nil {
		return nil, err
	}
	for _, p := range []string{dbPath, dbPath + ".wal"} {
		if _, err := os.Stat(p); err == nil {
			return nil, portfolio.Errorf(portfolio.ECONFLICT, "%s exists: restore writes a new database only, never over one", p)
		}
	}
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o750); err != nil {
		return nil, err
	}
	tmp := dbPath + ".restoring"
	if err := copyFile(filepath.Join(dir, DatabaseFile), tmp); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return m, nil
}

// CheckTables compares a restored database's row counts with the manifest.
func CheckTables(m *Manifest, got map[string]int64) error {
	var problems []string
	for t, n := range m.Tables {
		// A newer Begira may have applied migrations on opening the copy.
		if g := got[t]; t == "main.schema_migration" && g >= n {
			continue
		}
		if g, ok := got[t]; !ok {
			problems = append(problems, fmt.Sprintf("table %s is missing", t))
		} else if g != n {
			problems = append(problems, fmt.Sprintf("table %s has %d rows, the backup had %d", t, g, n))
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		return &portfolio.Error{Code: portfolio.EINVALID, Message: "the restored database differs from its backup: " + strings.Join(problems, "; "), Details: problems}
	}
	return nil
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o750)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return portfolio.Errorf(portfolio.ECONFLICT, "%s is not empty: a backup goes into a new or empty directory", dir)
	}
	return nil
}

func checksum(dir, name string) (File, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, err
	}
	return File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func writeSynced(path string, body []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(body); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
