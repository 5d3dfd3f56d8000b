package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/begira/begira/internal/portfolio"
)

// Options tune the DuckDB instance. Zero values take safe defaults.
type Options struct {
	// MemoryLimit is a DuckDB size such as "2GB"; DuckDB's own default is
	// 80% of RAM, too greedy for a server that shares its host.
	MemoryLimit string
	// Threads caps DuckDB's worker threads; 0 means 2.
	Threads int
	// Now is the clock of audit rows, sessions and lockouts (time.Now when nil).
	Now func() time.Time
}

// Querier is what read paths need: the pool, one dedicated connection (a
// store as of a snapshot, see AsOf) or a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is an open Begira database.
type Store struct {
	// db runs every read: the pool, or for a store as of a snapshot one
	// connection whose search path puts the snapshot's frozen tables first.
	db Querier
	// pool is the connection pool: transactions, DB() and Close.
	pool *sql.DB
	path string
	// catalog is the main database's name as a quoted identifier (DuckDB
	// names a database after its file): see Catalog.
	catalog string
	// probe serialises readiness probes: concurrent probes would conflict
	// on the catalog entry they create and report a healthy store as down.
	probe sync.Mutex
	now   func() time.Time
	// heavy is shared by the stores as of a snapshot made from this one.
	heavy *heavyGate
}

// Memory is the path that opens a private in-memory database.
const Memory = ":memory:"

// Open opens (creating if needed) the DuckDB file at path and applies pending
// migrations. A file held by another process yields an ECONFLICT error
// naming the file and the holder.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	// duckdb-go opens the database file in sql.Open (its OpenConnector), so
	// a lock held by another process surfaces here, not in PingContext.
	db, err := sql.Open("duckdb", dsn(path, opt))
	if err != nil {
		return nil, openError(path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	s := &Store{db: db, pool: db, path: path, now: now, heavy: &heavyGate{}}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.attachStaging(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// dsn builds the connection string. Extension auto-install and auto-load are
// off: on an intranet that drops packets a query touching an unbundled
// extension would otherwise hang on a download.
func dsn(path string, opt Options) string {
	q := url.Values{}
	threads := opt.Threads
	if threads <= 0 {
		threads = 2
	}
	q.Set("threads", fmt.Sprint(threads))
	mem := opt.MemoryLimit
	if mem == "" {
		mem = "1GB"
	}
	q.Set("memory_limit", mem)
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	if path == Memory {
		path = ""
	}
	return path + "?" + q.Encode()
}

var lockPID = regexp.MustCompile(`PID (\d+)`)

// openError turns DuckDB's lock failure into a message an operator can act on.
func openError(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		holder := "another process"
		if m := lockPID.FindStringSubmatch(msg); m != nil {
			holder = "process " + m[1]
		}
		return portfolio.Errorf(portfolio.ECONFLICT,
			"database file %s is locked by %s: DuckDB lets only one process open a file for writing. "+
				"Stop the server holding it, or go through that server's API", path, holder)
	}
	return fmt.Errorf("store: open %s: %w", path, err)
}

// Close closes the database, flushing the write-ahead log, and deletes
// the staging database when no import preview is pending.
func (s *Store) Close() error {
	reclaim := s.releaseStaging()
	err := s.pool.Close()
	if reclaim {
		if rerr := removeStaging(stagingPath(s.path)); err == nil {
			err = rerr
		}
	}
	return err
}

// Catalog is the main database's name, quoted, for the rare statement
// that must name it: a file called staging.duckdb makes "staging.t"
// ambiguous between the schema and the database.
func (s *Store) Catalog() string { return s.catalog }

// Path returns the database file path (":memory:" for in-memory).
func (s *Store) Path() string { return s.path }

// DB exposes the pool for the packages that run embedded analytic queries.
// It always reads the live tables: read through Querier to honour AsOf.
func (s *Store) DB() *sql.DB { return s.pool }

// Querier is what the store reads through: the pool, or for a store as of a
// snapshot its dedicated connection. Packages running their own read-only
// queries (metrics) should use it so that they see what the store sees.
func (s *Store) Querier() Querier { return s.db }

// Ping checks that the database answers, has its migrations and accepts
// writes (a probe table created in a transaction that is rolled back).
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.pool.QueryRowContext(ctx, `SELECT count(*) FROM schema_migration`).Scan(&n); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if n == 0 {
		return errors.New("store: ping: no migrations applied")
	}
	s.probe.Lock()
	defer s.probe.Unlock()
	tx, err := s.pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE readyz_probe (x INTEGER)`); err != nil {
		return fmt.Errorf("store: ping: not writable: %w", err)
	}
	return nil
}

// inTx runs fn in a transaction, committing on success.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// InTx runs fn in one transaction; other packages (ingest) use it to make a
// whole batch land or none of it.
func (s *Store) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error { return s.inTx(ctx, fn) }
