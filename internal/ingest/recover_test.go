package ingest_test

import (
	"context"
	"testing"
)

// TestRecoverMarksInterruptedImportsFailed: an import left "running" by a
// crash is marked failed at the next start.
func TestRecoverMarksInterruptedImportsFailed(t *testing.T) {
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
