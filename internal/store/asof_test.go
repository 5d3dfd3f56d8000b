package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// scopeCount counts the projects of begira_scope (default statuses) through
// the store's ScopedQuery: the macro every analytic query starts from.
func scopeCount(t *testing.T, st *store.Store, m *portfolio.Mission) int64 {
	t.Helper()
	rows, err := st.ScopedQuery(context.Background(), `SELECT count(*) FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)`, m.ID, portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// mustTakeSnapshot freezes m with one figure, the projects in scope counted
// through the frozen store inside the snapshot's transaction.
func mustTakeSnapshot(t *testing.T, st *store.Store, m *portfolio.Mission, at time.Time) *portfolio.Snapshot {
	t.Helper()
	sn, err := st.TakeSnapshot(context.Background(), store.SnapshotRequest{
		Mission: m, TakenAt: at, Trigger: portfolio.TriggerManual, Label: "test",
		Compute: func(ctx context.Context, frozen *store.Store, fm *portfolio.Mission) ([]portfolio.SnapshotMetric, error) {
			n := float64(scopeCount(t, frozen, fm))
			return []portfolio.SnapshotMetric{{Code: "P", Dims: map[string]string{"z": "1", "a": "2"}, Value: &n, N: 1}, {Code: "Q", N: 0}}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return sn
}

// TestAsOfBindsMacroAtCallTime proves that begira_scope, a table macro
// created in main, binds "project" where it is called: with the snapshot's
// schema first on the search path it reads the frozen copy.
func TestAsOfBindsMacroAtCallTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	sn := mustTakeSnapshot(t, st, m, at)
	if sn.Metrics != 2 || !sn.TakenAt.Equal(at) || sn.Projects != 7 || sn.Signals != 3 {
		t.Errorf("snapshot: got %+v", sn)
	}
	figures, err := st.SnapshotMetrics(ctx, sn.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	five := 5.0
	want := []portfolio.SnapshotMetric{{Code: "P", Dims: map[string]string{"a": "2", "z": "1"}, Value: &five, N: 1}, {Code: "Q", Dims: map[string]string{}}}
	if !reflect.DeepEqual(figures, want) {
		t.Errorf("figures: got %+v, want %+v", figures, want)
	}
	frozenCoverage, err := st.Coverage(ctx, m, "pillar", "level", portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}

	MustImport(t, st, m.Slug, ingest.KindProjects, "ext_ref,title,pillars,level,stage,status\nP8,New,adaptation,regulation,pilot,active\n")
	if got := scopeCount(t, st, m); got != 6 {
		t.Fatalf("live scope: got %d projects, want 6", got)
	}
	as, release, err := st.AsOf(ctx, sn.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if got := scopeCount(t, as, m); got != 5 {
		t.Errorf("begira_scope as of the snapshot: got %d projects, want the 5 frozen ones", got)
	}
	// The pool is untouched while the frozen connection is held.
	if got := scopeCount(t, st, m); got != 6 {
		t.Errorf("live scope while a store as of a snapshot is open: got %d, want 6", got)
	}
	got, err := as.Coverage(ctx, m, "pillar", "level", portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, frozenCoverage) {
		t.Errorf("coverage as of the snapshot:\ngot  %v\nwant %v", got, frozenCoverage)
	}
	var n int64
	if err := as.Querier().QueryRowContext(ctx, `SELECT count(*) FROM project`).Scan(&n); err != nil || n != 7 {
		t.Errorf("Querier as of the snapshot: got %d projects (%v), want 7", n, err)
	}
}

// TestAsOfReleaseRestoresConnection runs on a pool of one connection, so
// the connection AsOf used is the one the next live read gets.
func TestAsOfReleaseRestoresConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)
	sn := mustTakeSnapshot(t, st, m, time.Now())
	MustImport(t, st, m.Slug, ingest.KindProjects, "ext_ref,title,status\nP8,New,active\n")
	st.DB().SetMaxOpenConns(1)
	as, release, err := st.AsOf(ctx, sn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := scopeCount(t, as, m); got != 5 {
		t.Errorf("as of: got %d, want 5", got)
	}
	release()
	release() // idempotent
	if got := scopeCount(t, st, m); got != 6 {
		t.Errorf("live after release: got %d, want 6", got)
	}
	_, _, err = st.AsOf(ctx, 999)
	if portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("as of an unknown snapshot: got %v, want ENOTFOUND", err)
	}
}

// TestTakeSnapshotFailureLeavesNothing: a failed computation rolls the
// whole snapshot back (rows and schema) and leaves the connection clean.
func TestTakeSnapshotFailureLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)
	st.DB().SetMaxOpenConns(1)
	boom := errors.New("boom")
	_, err := st.TakeSnapshot(ctx, store.SnapshotRequest{Mission: m, TakenAt: time.Now(), Trigger: portfolio.TriggerManual,
		Compute: func(context.Context, *store.Store, *portfolio.Mission) ([]portfolio.SnapshotMetric, error) {
			return nil, boom
		}})
	if !errors.Is(err, boom) {
		t.Fatalf("take: got %v, want boom", err)
	}
	var rows, schemas int64
	err = st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM snapshot) + (SELECT count(*) FROM snapshot_project)
		+ (SELECT count(*) FROM snapshot_metric) + (SELECT count(*) FROM snapshot_org),
		(SELECT count(*) FROM duckdb_schemas() WHERE schema_name LIKE 'snap\_%' ESCAPE '\')`).Scan(&rows, &schemas)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 0 || schemas != 0 {
		t.Errorf("after a failed snapshot: %d snapshot rows and %d snap_ schemas, want none", rows, schemas)
	}
	if got := scopeCount(t, st, m); got != 5 {
		t.Errorf("live scope on the same connection: got %d, want 5", got)
	}
}

// TestAsOfFileDatabase: snapshots outlive a restart, and the search path
// resolves snap_<id> in a file database's catalog (named after the file).
func TestAsOfFileDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "main.duckdb")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := MustApply(t, st, testMission())
	MustImport(t, st, m.Slug, ingest.KindProjects, projectsCSV)
	sn := mustTakeSnapshot(t, st, m, time.Now())
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = MustOpenFile(t, path)
	MustImport(t, st, m.Slug, ingest.KindProjects, "ext_ref,title,status\nP8,New,active\n")
	as, release, err := st.AsOf(ctx, sn.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if got := scopeCount(t, as, m); got != 5 {
		t.Errorf("as of the snapshot after a restart: got %d, want 5", got)
	}
	if got := scopeCount(t, st, m); got != 6 {
		t.Errorf("live after a restart: got %d, want 6", got)
	}
}
