package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// The import records: created, saved, listed by typed filters (one query
// for a whole list) and moved through their statuses at the caller's
// clock.
func TestImportBatchRecords(t *testing.T) {
	ctx := context.Background()
	st := MustOpen(t)
	m := MustApply(t, st, testMission())
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var ids []int64
	for i := range 3 {
		b := &portfolio.ImportBatch{Mission: m.Slug, Kind: "projects", Mode: "append", Filename: "p.csv",
			Status: portfolio.ImportRunning, CreatedBy: "ana", CreatedAt: t0.Add(time.Duration(i) * time.Hour)}
		if err := st.CreateImportBatch(ctx, m.ID, b); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	b, err := st.ImportBatch(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	b.Status, b.SHA256, b.RowsTotal, b.RowsOK, b.RowsRejected = portfolio.ImportPreviewed, "abc", 3, 2, 1
	b.Dialect.Delimiter = ";"
	b.Columns = []portfolio.ImportColumn{{Header: "Ref", Field: "ext_ref"}}
	if err := st.SaveImportBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := st.AddImportRejects(ctx, ids[0], []portfolio.ImportReject{{Line: 3, Column: "Ref", Value: "", Reason: "empty", Code: "required"}}); err != nil {
		t.Fatal(err)
	}
	got, err := st.ImportBatch(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != portfolio.ImportPreviewed || got.SHA256 != "abc" || got.RowsOK != 2 || got.Dialect.Delimiter != ";" ||
		len(got.Columns) != 1 || got.Mission != m.Slug || !got.CreatedAt.Equal(t0) {
		t.Fatalf("saved batch: %+v", got)
	}
	rej, err := st.ImportRejects(ctx, ids[0], 0)
	if err != nil || len(rej) != 1 || rej[0].Line != 3 || rej[0].Code != "required" {
		t.Fatalf("rejects %+v, %v", rej, err)
	}

	list, err := st.ImportBatches(ctx, store.ImportFilter{MissionID: m.ID, Newest: true, Limit: 2})
	if err != nil || len(list) != 2 || list[0].ID != ids[2] || list[1].ID != ids[1] {
		t.Fatalf("newest two: %+v, %v", list, err)
	}
	list, err = st.ImportBatches(ctx, store.ImportFilter{Status: portfolio.ImportRunning, CreatedBefore: t0.Add(90 * time.Minute)})
	if err != nil || len(list) != 1 || list[0].ID != ids[1] {
		t.Fatalf("running before 10:30: %+v, %v", list, err)
	}
	// No staging view was ever made for these: all previewed ones are unstaged.
	list, err = st.ImportBatches(ctx, store.ImportFilter{Status: portfolio.ImportPreviewed, Unstaged: true})
	if err != nil || len(list) != 1 || list[0].ID != ids[0] {
		t.Fatalf("unstaged previews: %+v, %v", list, err)
	}

	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	err = st.InTx(ctx, func(tx *sql.Tx) error { return st.MarkImportCommitted(ctx, tx, ids[0], at) })
	if err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx *sql.Tx) error { return st.MarkImportDiscarded(ctx, tx, ids[0]) })
	if portfolio.ErrorCode(err) != portfolio.ECONFLICT {
		t.Fatalf("discarding a committed batch: %v", err)
	}
	err = st.InTx(ctx, func(tx *sql.Tx) error { return st.MarkImportRolledBack(ctx, tx, ids[0], at.Add(time.Hour)) })
	if err != nil {
		t.Fatal(err)
	}
	got, _ = st.ImportBatch(ctx, ids[0])
	if got.Status != portfolio.ImportRolledBack || got.CommittedAt == nil || !got.CommittedAt.Equal(at) ||
		got.RolledBackAt == nil || !got.RolledBackAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("committed then rolled back at the given clock: %+v", got)
	}
	if _, err := st.ImportBatch(ctx, 999); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Fatalf("missing batch: %v", err)
	}
}

// A saved mapping is read back for the source's next file.
func TestSourceMappingSavedFromAnUpload(t *testing.T) {
	ctx := context.Background()
	st := MustOpen(t)
	m := MustApply(t, st, testMission())
	if got, err := st.SourceMapping(ctx, m.ID, "monthly"); err != nil || got != nil {
		t.Fatalf("unknown source: %v, %v", got, err)
	}
	if err := st.SaveSourceMapping(ctx, m.ID, "monthly", map[string]string{"Kodea": "ext_ref"}); err != nil {
		t.Fatal(err)
	}
	got, err := st.SourceMapping(ctx, m.ID, "monthly")
	if err != nil || got["Kodea"] != "ext_ref" {
		t.Fatalf("saved mapping: %v, %v", got, err)
	}
}

// A scoped query spells its placeholders' types out: the text runs as
// written, in the DuckDB CLI too; one that does not is refused, not
// rewritten.
func TestScopedQueryRefusesUntypedScope(t *testing.T) {
	ctx := context.Background()
	st := MustOpen(t)
	m := MustApply(t, st, testMission())
	_, err := st.ScopedQuery(ctx, `SELECT count(*) FROM begira_scope($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, m.ID, portfolio.Scope{})
	if err == nil || !strings.Contains(err.Error(), "types") {
		t.Fatalf("untyped scope: %v", err)
	}
	rows, err := st.ScopedQuery(ctx, `SELECT count(*) FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)`, m.ID, portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
}
