package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// TestRecoverMarksInterruptedImportsFailed: an import left "running" by a
// crash is marked failed at the next start.
func TestRecoverMarksInterruptedImportsFailed(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	var id int64
	if err := e.st.DB().QueryRowContext(ctx, `INSERT INTO import_batch (mission_id, kind, filename, sha256, mode, dialect, status)
		VALUES (?, 'projects', 'x.csv', '', 'append', '{}', 'running') RETURNING id`, e.m.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	n, err := e.ing.Recover(ctx)
	if err != nil || n != 1 {
		t.Fatalf("recovered %d, %v; want 1", n, err)
	}
	b, err := e.ing.Batch(ctx, id)
	if err != nil || b.Status != "failed" {
		t.Errorf("status %q (%v), want failed", b.Status, err)
	}
}

// stagedTables counts the staging tables and views of batch id.
func stagedTables(tb testing.TB, e *env, id int64) int {
	tb.Helper()
	var n int
	err := e.st.DB().QueryRow(`SELECT (SELECT count(*) FROM duckdb_tables() WHERE (database_name = 'begira_staging' OR schema_name = 'staging') AND starts_with(table_name, ? || '_'))
		+ (SELECT count(*) FROM duckdb_views() WHERE (database_name = 'begira_staging' OR schema_name = 'staging') AND view_name = ?)`,
		fmt.Sprintf("stg_%d", id), fmt.Sprintf("stg_%d", id)).Scan(&n)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestDiscardDropsTheStagedFile: a discarded preview loses its staged rows
// but stays in the history with its rejects; it can be neither committed
// nor discarded again, and the audit log names who gave it up.
func TestDiscardDropsTheStagedFile(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := portfolio.WithActor(context.Background(), "user:ane")
	b := e.mustPreview(t, e.req(e.write(t, "p.csv", "ext_ref,title,pillars,level,status\nA-1,One,adaptation,community,active\nA-2,Two,nowhere,community,active\n"), "projects", "append"))
	if n := stagedTables(t, e, b.ID); n == 0 {
		t.Fatal("a preview has no staging tables: the test would prove nothing")
	}
	got, err := e.ing.Discard(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != portfolio.ImportDiscarded || got.RowsRejected != 1 || len(got.Rejects) != 1 || got.Rejects[0].Line != 3 {
		t.Errorf("discarded batch %+v: want status discarded with its reject on line 3", got)
	}
	if n := stagedTables(t, e, b.ID); n != 0 {
		t.Errorf("%d staging tables left after discard", n)
	}
	if _, err := e.ing.Commit(ctx, b.ID, true); portfolio.ErrorCode(err) != portfolio.ECONFLICT {
		t.Errorf("commit of a discarded import: %v, want a conflict", err)
	}
	if _, err := e.ing.Discard(ctx, b.ID); portfolio.ErrorCode(err) != portfolio.ECONFLICT {
		t.Errorf("second discard: %v, want a conflict", err)
	}
	var n int
	e.st.DB().QueryRow(`SELECT count(*) FROM project`).Scan(&n)
	if n != 0 {
		t.Errorf("%d projects stored by a discarded import", n)
	}
	es, err := e.st.AuditLog(ctx, store.AuditFilter{Action: "import.discard"})
	if err != nil || len(es) != 1 || es[0].Actor != "user:ane" || es[0].Target != fmt.Sprintf("import:%d", b.ID) {
		t.Errorf("audit rows %+v (%v), want one import.discard by user:ane", es, err)
	}
}

// TestStalePreviewsAreDiscarded: a preview nobody committed within the TTL
// loses its staged rows at the next start (Recover) or the next preview; a
// recent one is kept and still commits.
func TestStalePreviewsAreDiscarded(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	now := fixedNow
	e.ing = ingest.New(e.st, func() time.Time { return now })
	e.ing.TempDir = e.dir
	e.ing.PreviewTTL = time.Hour
	csv := func(ref string) string {
		return e.write(t, ref+".csv", "ext_ref,title,pillars,level,status\n"+ref+",One,adaptation,community,active\n")
	}
	old := e.mustPreview(t, e.req(csv("A-1"), "projects", "append"))
	now = now.Add(50 * time.Minute)
	recent := e.mustPreview(t, e.req(csv("A-2"), "projects", "append"))
	now = now.Add(20 * time.Minute) // old is 70 min old, recent 20

	n, err := e.ing.Recover(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Recover ended %d batches (%v), want 1", n, err)
	}
	if b, _ := e.ing.Batch(ctx, old.ID); b.Status != portfolio.ImportDiscarded || stagedTables(t, e, old.ID) != 0 {
		t.Errorf("stale preview: status %q with %d staging tables, want discarded with none", b.Status, stagedTables(t, e, old.ID))
	}
	if b, _ := e.ing.Batch(ctx, recent.ID); b.Status != portfolio.ImportPreviewed || stagedTables(t, e, recent.ID) == 0 {
		t.Errorf("recent preview: status %q, want previewed with its staging", b.Status)
	}

	// Later, the next preview sweeps the one that went stale meanwhile.
	now = now.Add(time.Hour)
	e.mustPreview(t, e.req(csv("A-3"), "projects", "append"))
	if b, _ := e.ing.Batch(ctx, recent.ID); b.Status != portfolio.ImportDiscarded || stagedTables(t, e, recent.ID) != 0 {
		t.Errorf("preview gone stale: status %q, want discarded by the next preview", b.Status)
	}
}

// TestPreviewWhoseStagingIsGone: a preview whose staged file was lost (the
// staging database deleted while the server was stopped, or a preview
// taken before an upgrade) is refused at commit with a message saying to
// upload again, and the next start discards it.
func TestPreviewWhoseStagingIsGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, path := fileEnv(t, "b.duckdb")
	b := e.mustPreview(t, e.req(e.write(t, "p.csv", "ext_ref,title,pillars,level,status\nA-1,One,adaptation,community,active\n"), "projects", "append"))
	e.st.Close()
	if err := os.Remove(path + ".staging"); err != nil {
		t.Fatalf("the pending preview's staging database: %v", err)
	}

	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ing := ingest.New(st, fixedClock)
	_, err = ing.Commit(ctx, b.ID, false)
	if portfolio.ErrorCode(err) != portfolio.ECONFLICT || !strings.Contains(portfolio.ErrorMessage(err), "Upload the file again") {
		t.Errorf("commit without staging: %v, want a conflict saying to upload again", err)
	}
	if n, err := ing.Recover(ctx); err != nil || n != 1 {
		t.Errorf("Recover ended %d batches (%v), want the orphaned preview", n, err)
	}
	if got, _ := ing.Batch(ctx, b.ID); got.Status != portfolio.ImportDiscarded {
		t.Errorf("orphaned preview is %q, want discarded", got.Status)
	}
}

// fileEnv is mustEnv over a database file called name, which it returns.
func fileEnv(t *testing.T, name string) (*env, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), name)
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := missionfile.Parse([]byte(miniMission))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, ing: ingest.New(st, fixedClock), dir: t.TempDir()}
	e.ing.TempDir = e.dir
	e.m, _ = st.Mission(ctx, m.Slug)
	return e, path
}

// TestImportIntoADatabaseNamedStaging: the tables of a preview and of a
// commit are named so that no database file name can make them ambiguous
// (a file staging.duckdb is the catalog "staging"); append, upsert and
// rollback all work there.
func TestImportIntoADatabaseNamedStaging(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"staging.duckdb", "stage.duckdb", "temp_db.duckdb"} {
		t.Run(name, func(t *testing.T) {
			e, _ := fileEnv(t, name)
			defer e.st.Close()
			csv := e.write(t, "p.csv", "ext_ref,title,pillars,level,status,lead_org\nA-1,One,adaptation,community,active,Kooperatiba\n")
			e.mustCommit(t, e.mustPreview(t, e.req(csv, "projects", "append")).ID, false)
			up := e.mustCommit(t, e.mustPreview(t, e.req(csv, "projects", "upsert")).ID, false)
			if _, err := e.ing.Rollback(context.Background(), up.ID); err != nil {
				t.Fatalf("rollback: %v", err)
			}
			var n int
			e.st.DB().QueryRow(`SELECT count(*) FROM project`).Scan(&n)
			if n != 1 {
				t.Errorf("%d projects, want 1", n)
			}
		})
	}
}

// TestKilledCommitIsDiscardedAtStart: a commit marks its batch before it
// starts; a process killed mid-commit leaves the batch previewed with the
// mark (the transaction is gone), and the next start discards it with its
// staged rows instead of keeping them for a day. A commit that fails
// clears the mark, and a preview never committed keeps its rows.
func TestKilledCommitIsDiscardedAtStart(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	killed := e.mustPreview(t, e.req(e.write(t, "k.csv", "ext_ref,title,pillars,level,status\nK-1,One,adaptation,community,active\n"), "projects", "append"))
	waiting := e.mustPreview(t, e.req(e.write(t, "w.csv", "ext_ref,title,pillars,level,status\nW-1,One,adaptation,community,active\n"), "projects", "append"))
	// What a kill between the mark and the transaction's end leaves behind.
	if _, err := e.st.DB().ExecContext(ctx, `UPDATE import_batch SET commit_started_at = now() WHERE id = ?`, killed.ID); err != nil {
		t.Fatal(err)
	}
	n, err := e.ing.Recover(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Recover ended %d batches (%v), want 1", n, err)
	}
	if b, _ := e.ing.Batch(ctx, killed.ID); b.Status != portfolio.ImportDiscarded || stagedTables(t, e, killed.ID) != 0 {
		t.Errorf("killed commit: status %q with %d staging tables, want discarded with none", b.Status, stagedTables(t, e, killed.ID))
	}
	if b, _ := e.ing.Batch(ctx, waiting.ID); b.Status != portfolio.ImportPreviewed || stagedTables(t, e, waiting.ID) == 0 {
		t.Errorf("waiting preview: status %q, want previewed with its staging", b.Status)
	}
	// A commit that ends normally leaves no mark behind to trip the next start.
	if _, err := e.ing.Commit(portfolio.WithActor(ctx, "user:ane"), waiting.ID, false); err != nil {
		t.Fatal(err)
	}
	if n, err := e.ing.Recover(ctx); err != nil || n != 0 {
		t.Errorf("after a good commit Recover ended %d batches (%v), want 0", n, err)
	}
}

// TestStagingLimit: a preview that would take the staging database past
// its limit is refused with 413's code, naming the limit and what to do,
// and leaves no batch behind; under the limit it goes through.
func TestStagingLimit(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	path := e.write(t, "p.csv", "ext_ref,title,pillars,level,status\nA-1,One,adaptation,community,active\n")
	e.ing.StagingLimit = 10 // bytes: smaller than any file
	_, err := e.ing.Preview(ctx, e.req(path, "projects", "append"))
	if portfolio.ErrorCode(err) != portfolio.ETOOLARGE || !strings.Contains(err.Error(), "staging limit") || !strings.Contains(err.Error(), "--staging-limit-mb") {
		t.Fatalf("got %v, want a 413 naming the staging limit", err)
	}
	var batches int
	e.st.DB().QueryRow(`SELECT count(*) FROM import_batch`).Scan(&batches)
	if batches != 0 {
		t.Errorf("%d batches left by a refused preview", batches)
	}
	e.ing.StagingLimit = 0 // the default, 4 GiB
	e.mustPreview(t, e.req(path, "projects", "append"))
}
