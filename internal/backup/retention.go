package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// namePrefix starts the name of every backup directory the server makes;
// only those are ever removed by retention.
const namePrefix = "begira-"

// Name is the directory name of a backup taken at t: sorting the names
// sorts the backups by time.
func Name(t time.Time) string { return namePrefix + t.UTC().Format("20060102T150405.000Z") }

// Scheduled takes a backup into a new directory under root and then keeps
// the newest keep backups of root, removing older ones. Directories that
// are not Begira backups are left alone.
func Scheduled(ctx context.Context, src Source, root, version string, keep int, now time.Time) (string, *Manifest, []string, error) {
	dir := filepath.Join(root, Name(now))
	m, err := Take(ctx, src, dir, version, now)
	if err != nil {
		return "", nil, nil, err
	}
	removed, err := Prune(root, keep)
	return dir, m, removed, err
}

// Prune removes all but the newest keep backups of root and returns the
// removed directories. Only complete backups (with a manifest) count
// towards keep, and only directories named like the server's are touched.
func Prune(root string, keep int) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("backup: prune %s: %w", root, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), namePrefix) {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, e.Name(), ManifestFile)); err == nil {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var removed []string
	for len(names) > keep {
		dir := filepath.Join(root, names[0])
		if err := os.RemoveAll(dir); err != nil {
			return removed, fmt.Errorf("backup: remove %s: %w", dir, err)
		}
		removed = append(removed, dir)
		names = names[1:]
	}
	return removed, nil
}
