package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/begira/begira/internal/store"
)

// ensureDBDir creates the directory of the database file when it is
// missing, so that the binary started outside a checkout (where the default
// data/ does not exist) opens a fresh database instead of stopping with
// DuckDB's "No such file or directory". It logs the absolute path either
// way: an administrator should never have to guess where the data went.
func ensureDBDir(path string, log *slog.Logger) error {
	if path == store.Memory {
		log.Info("database", "path", path, "note", "in memory: nothing is kept after the server stops")
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("database path %s: %w", path, err)
	}
	dir := filepath.Dir(abs)
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create the database directory %s: %w", dir, err)
		}
		log.Info("created the database directory", "dir", dir)
	} else if err != nil {
		return fmt.Errorf("database directory %s: %w", dir, err)
	}
	log.Info("database", "path", abs)
	return nil
}
