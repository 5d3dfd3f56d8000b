package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/begira/begira/internal/backup"
	"github.com/begira/begira/internal/config"
	"github.com/begira/begira/internal/schedule"
	"github.com/begira/begira/internal/store"
)

// backupRoot is where the server's backups go: --backup-dir, else
// backups/ beside the database file.
func backupRoot(cfg config.Serve) string {
	if cfg.BackupDir != "" {
		return cfg.BackupDir
	}
	abs, err := filepath.Abs(cfg.DB)
	if err != nil {
		abs = cfg.DB
	}
	return filepath.Join(filepath.Dir(abs), "backups")
}

// backupJob is the scheduled "backup" job (also POST /api/v1/backups): a
// consistent copy of the running database into a new dated directory,
// then retention. Nil for an in-memory database, which has no file.
func backupJob(cfg config.Serve, st *store.Store) func(ctx context.Context) (string, error) {
	if cfg.DB == store.Memory {
		return nil
	}
	root := backupRoot(cfg)
	return func(ctx context.Context) (string, error) {
		dir, m, removed, err := backup.Scheduled(ctx, st, root, version, cfg.BackupKeep, time.Now())
		if err != nil {
			return "", err
		}
		b, _ := json.Marshal(map[string]any{"dir": dir, "files": m.Files, "tables": len(m.Tables), "removed": removed})
		return string(b), nil
	}
}

// planBackup adds the daily backup to the plan when the server can take one.
func planBackup(plan []schedule.Planned, jobs schedule.Jobs, overrides map[string]string) []schedule.Planned {
	if jobs.Backup == nil {
		return plan
	}
	if p, ok := schedule.ServerJob(schedule.JobBackup, schedule.DefaultBackupSpec, overrides); ok {
		plan = append(plan, p)
	}
	return plan
}

// backupCmd backs up a stopped server's database: the same copy the
// running server's backup job takes (DuckDB lets one process open the
// file, so with the server running, use POST /api/v1/backups instead).
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB(), "DuckDB database file (default $BEGIRA_DB, else data/begira.duckdb)")
	out := fs.String("out", "", "new or empty directory that receives the backup")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: begira backup --db PATH --out DIR")
		return 2
	}
	if _, err := os.Stat(*db); err != nil {
		fmt.Fprintf(stderr, "begira backup: %s: no such database file\n", *db)
		return 2
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		printError(stderr, "begira backup", err)
		return 2
	}
	defer st.Close()
	start := time.Now()
	m, err := backup.Take(ctx, st, *out, version, time.Now())
	if err != nil {
		printError(stderr, "begira backup", err)
		return 1
	}
	fmt.Fprintf(stdout, "backup of %s written to %s: %d tables, %s (sha256 %s), %s\n", *db, *out, len(m.Tables),
		byteSize(m.Files[0].Size), m.Files[0].SHA256, time.Since(start).Round(time.Millisecond))
	return 0
}

// restoreCmd checks a backup against its manifest and restores it into a
// new database file, then checks every table's row count.
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "backup directory (with manifest.json)")
	db := fs.String("db", "", "new database file to restore into (must not exist)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *from == "" || *db == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: begira restore --from DIR --db NEWPATH")
		return 2
	}
	m, err := backup.Restore(*from, *db)
	if err != nil {
		printError(stderr, "begira restore", err)
		return 1
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		printError(stderr, "begira restore", err)
		return 1
	}
	counts, err := st.TableCounts(ctx)
	st.Close()
	if err == nil {
		err = backup.CheckTables(m, counts)
	}
	if err != nil {
		// A database that does not match its backup must not be mistaken
		// for a good one.
		os.Remove(*db)
		os.Remove(*db + ".wal")
		printError(stderr, "begira restore", err)
		return 1
	}
	fmt.Fprintf(stdout, "restored %s (taken %s by begira %s from %s) into %s: checksums and %d tables' row counts match\n",
		*from, m.CreatedAt.Format(time.RFC3339), m.Version, m.Source, *db, len(m.Tables))
	return 0
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d kB", (n+999)/1000)
}
