package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
)

// snapSchema names the DuckDB schema holding a snapshot's frozen tables.
func snapSchema(id int64) string { return fmt.Sprintf("snap_%d", id) }

// frozenTables are the tables a snapshot copies into its schema, in copy
// order. Every one of them is read through an unqualified name by the store
// and the metrics, so putting the snapshot's schema first on the search
// path makes every read see the frozen copy. Tables not listed (import
// batches, sources, snapshots, decisions) stay live: they are not part of a
// portfolio's state.
var frozenTables = []string{"mission", "scheme", "term", "geo_area", "organisation", "project",
	"project_term", "project_org", "signal", "signal_term", "signal_project"}

// AsOf returns a store that reads the portfolio as it was when the snapshot
// was taken: it runs on one dedicated connection whose search path puts the
// schema snap_<id> before main, so every read method (and every analytic
// query, begira_scope included: a table macro binds its table names where
// it is called) sees the frozen tables. Call release when done; it restores
// the connection before returning it to the pool. Writes made through the
// returned store reach the live tables (the frozen ones have no write path).
//
// DB() of the returned store is still the live pool: code running its own
// queries must use Querier().
func (s *Store) AsOf(ctx context.Context, snapshotID int64) (as *Store, release func(), err error) {
	if _, err := s.Snapshot(ctx, snapshotID); err != nil {
		return nil, nil, err
	}
	conn, err := s.pool.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("store: as of snapshot %d: %w", snapshotID, err)
	}
	if err := setSearchPath(ctx, conn, snapshotID); err != nil {
		releaseConn(conn)
		return nil, nil, fmt.Errorf("store: as of snapshot %d: %w", snapshotID, err)
	}
	var once sync.Once
	release = func() { once.Do(func() { releaseConn(conn) }) }
	return &Store{db: conn, pool: s.pool, path: s.path, catalog: s.catalog, now: s.now, heavy: s.heavy}, release, nil
}

// setSearchPath makes unqualified names resolve in the snapshot's schema
// first. The setting belongs to the connection (or transaction's
// connection) q runs on, not to the transaction: it must be reset by hand.
func setSearchPath(ctx context.Context, q Querier, snapshotID int64) error {
	_, err := q.ExecContext(ctx, fmt.Sprintf(`SET search_path = '%s,main'`, snapSchema(snapshotID)))
	return err
}

// releaseConn resets the search path and returns conn to the pool; a
// connection whose path cannot be reset is discarded, so that no later
// reader of the pool sees a snapshot's tables by surprise.
func releaseConn(conn *sql.Conn) {
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, `RESET search_path`); err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	conn.Close()
}
