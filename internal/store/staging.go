package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

// StagingCatalog is the name the staging database is attached under.
//
// Import previews stage whole files: large tables (a million rows take
// about 700 MB) that live from the upload to the commit. Written into the
// main file they would leave it grown for good, since DuckDB reuses freed
// blocks but never shrinks a file. They go to a database of their own
// instead, the file PATH.staging next to the main one, which is deleted
// whenever no preview is pending: at Open and at Close.
const StagingCatalog = "begira_staging"

// stagingPath is the staging database of the database at path.
func stagingPath(path string) string {
	if path == Memory {
		return Memory
	}
	return path + ".staging"
}

// attachStaging attaches the staging database, deleting it first when no
// preview is pending (batches still running belong to a process that
// died: their staged tables are garbage).
func (s *Store) attachStaging(ctx context.Context) error {
	var main string
	if err := s.pool.QueryRowContext(ctx, `SELECT current_database()`).Scan(&main); err != nil {
		return fmt.Errorf("store: current database: %w", err)
	}
	s.catalog = `"` + strings.ReplaceAll(main, `"`, `""`) + `"`
	if main == StagingCatalog {
		// DuckDB names a database after its file.
		return portfolio.Errorf(portfolio.EINVALID, "the database file %s cannot be used: Begira attaches its import staging as %q; rename the file",
			s.path, StagingCatalog)
	}
	p := stagingPath(s.path)
	if p != Memory {
		pending, err := s.pendingPreviews(ctx, "previewed")
		if err != nil {
			return err
		}
		if pending == 0 {
			if err := removeStaging(p); err != nil {
				return err
			}
		}
	}
	if _, err := s.pool.ExecContext(ctx, `ATTACH '`+strings.ReplaceAll(p, "'", "''")+`' AS `+StagingCatalog); err != nil {
		return fmt.Errorf("store: attach staging database %s: %w", p, err)
	}
	return nil
}

// pendingPreviews counts the import batches in the given statuses.
func (s *Store) pendingPreviews(ctx context.Context, statuses ...string) (int, error) {
	var n int
	err := s.pool.QueryRowContext(ctx, `SELECT count(*) FROM import_batch WHERE list_contains(?::VARCHAR[], status)`, statuses).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: pending previews: %w", err)
	}
	return n, nil
}

// releaseStaging detaches the staging database before the store closes
// and reports whether its file can go: only when no preview is pending or
// running. On any doubt it keeps the file.
func (s *Store) releaseStaging() bool {
	if s.path == Memory {
		return false
	}
	ctx := context.Background()
	pending, err := s.pendingPreviews(ctx, "previewed", "running")
	if err != nil || pending > 0 {
		return false
	}
	_, err = s.pool.ExecContext(ctx, `DETACH `+StagingCatalog)
	return err == nil
}

// removeStaging deletes a staging database file and its write-ahead log.
func removeStaging(p string) error {
	for _, f := range []string{p, p + ".wal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("store: remove staging database: %w", err)
		}
	}
	return nil
}
