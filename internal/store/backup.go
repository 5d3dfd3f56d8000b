package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync/atomic"
)

// backupSeq names each attached backup database uniquely: two backups may
// run at once (a scheduled one and the CLI's in a test).
var backupSeq atomic.Int64

// CopyTo writes a consistent copy of the whole database (every schema:
// live tables, snapshots' frozen tables, sequences with their values) into
// a new DuckDB file at path, while the server keeps serving and importing.
// COPY FROM DATABASE runs in one transaction, so it sees the database as of
// one moment: an import committed during the copy is wholly in it or wholly
// out. It returns the row count of every table as copied, for the manifest
// that restore checks.
func (s *Store) CopyTo(ctx context.Context, path string) (map[string]int64, error) {
	if s.path == Memory {
		return nil, fmt.Errorf("store: backup: an in-memory database has no file to back up")
	}
	conn, err := s.pool.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	alias := fmt.Sprintf("begira_backup_%d", backupSeq.Add(1))
	if _, err := conn.ExecContext(ctx, `ATTACH `+quoteLiteral(path)+` AS `+alias); err != nil {
		return nil, fmt.Errorf("store: backup: attach %s: %w", path, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH `+alias)
	var counts map[string]int64
	err = func() error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `COPY FROM DATABASE `+s.catalog+` TO `+alias); err != nil {
			return err
		}
		if counts, err = tableCounts(ctx, tx, strings.Trim(s.catalog, `"`)); err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		return nil, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return counts, nil
}

// TableCounts returns the row count of every table of the database, keyed
// schema.table: restore compares them with the backup's manifest.
func (s *Store) TableCounts(ctx context.Context) (map[string]int64, error) {
	counts, err := tableCounts(ctx, s.pool, strings.Trim(s.catalog, `"`))
	if err != nil {
		return nil, fmt.Errorf("store: table counts: %w", err)
	}
	return counts, nil
}

func tableCounts(ctx context.Context, q Querier, database string) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT schema_name, table_name FROM duckdb_tables()
		WHERE database_name = ? AND NOT temporary ORDER BY schema_name, table_name`, database)
	if err != nil {
		return nil, err
	}
	var names [][2]string
	for rows.Next() {
		var n [2]string
		if err := rows.Scan(&n[0], &n[1]); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, n := range names {
		var c int64
		// Identifiers cannot be placeholders; these come from the catalog.
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(database)+`.`+quoteIdent(n[0])+`.`+quoteIdent(n[1])).Scan(&c); err != nil {
			return nil, err
		}
		counts[n[0]+"."+n[1]] = c
	}
	return counts, nil
}

func quoteIdent(s string) string   { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteLiteral(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

var _ Querier = (*sql.Tx)(nil)
