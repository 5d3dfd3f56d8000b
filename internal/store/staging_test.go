package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// TestStagingDatabaseLivesWhilePreviewsPend: what previews stage goes to a
// file of its own next to the database; it outlives a restart while a
// preview is pending and is deleted, with the space it took, once none is.
func TestStagingDatabaseLivesWhilePreviewsPend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.duckdb")
	staging := path + ".staging"
	open := func() *store.Store {
		t.Helper()
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	exists := func() bool {
		_, err := os.Stat(staging)
		return err == nil
	}

	st := open()
	if !exists() {
		t.Fatalf("%s not created at open", staging)
	}
	mustExec(t, st, `CREATE TABLE `+store.StagingCatalog+`.stg_1_raw AS SELECT range AS i FROM range(100000)`)
	mustExec(t, st, `INSERT INTO import_batch (mission_id, kind, filename, sha256, mode, dialect, status)
		VALUES (1, 'projects', 'p.csv', '', 'append', '{}', 'previewed')`)
	var mainTables int
	st.DB().QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE database_name = 'b' AND table_name = 'stg_1_raw'`).Scan(&mainTables)
	if mainTables != 0 {
		t.Error("the staged table landed in the main database")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if !exists() {
		t.Fatal("the staging database was deleted while a preview was pending")
	}

	st = open()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM ` + store.StagingCatalog + `.stg_1_raw`).Scan(&n); err != nil || n != 100000 {
		t.Fatalf("after a restart the pending preview's table has %d rows (%v), want 100000", n, err)
	}
	mustExec(t, st, `UPDATE import_batch SET status = 'committed'`)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if exists() {
		t.Error("the staging database outlived the last pending preview")
	}
	// Reopened, it starts empty.
	st = open()
	defer st.Close()
	if err := st.DB().QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE database_name = ?`, store.StagingCatalog).Scan(&n); err != nil || n != 0 {
		t.Errorf("fresh staging database holds %d tables (%v), want none", n, err)
	}
}

func mustExec(t *testing.T, st *store.Store, q string) {
	t.Helper()
	if _, err := st.DB().Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestStagingBesideADatabaseNamedStage: the staging database's name does
// not collide with a database file called stage.duckdb (or staging).
func TestStagingBesideADatabaseNamedStage(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"stage.duckdb", "staging.duckdb"} {
		st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), name), store.Options{})
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		mustExec(t, st, `CREATE TABLE `+store.StagingCatalog+`.stg_1_raw AS SELECT 1 AS i`)
		st.Close()
	}
	// The one name that cannot work is refused plainly.
	_, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.StagingCatalog+".duckdb"), store.Options{})
	if portfolio.ErrorCode(err) != portfolio.EINVALID || !strings.Contains(portfolio.ErrorMessage(err), "rename the file") {
		t.Errorf("open %s.duckdb: %v, want EINVALID asking to rename the file", store.StagingCatalog, err)
	}
}
