package ingest_test

import (
	"context"
	"testing"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// TestCommitAndItsAuditRowLandTogether: with the audit log unwritable the
// commit fails and no row lands; once it can be written, the commit and
// its record (who, counts) land together, and so does the rollback.
func TestCommitAndItsAuditRowLandTogether(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := portfolio.WithActor(context.Background(), "user:ane")
	b, err := e.ing.Preview(ctx, e.req(e.write(t, "p.csv", "ext_ref,title,pillars,level,status\nA-1,One,adaptation,community,active\n"), "projects", "append"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.DB().Exec(`ALTER TABLE audit_log RENAME TO audit_log_hidden`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ing.Commit(ctx, b.ID, false); err == nil {
		t.Fatal("commit succeeded without its audit row")
	}
	if _, err := e.st.DB().Exec(`ALTER TABLE audit_log_hidden RENAME TO audit_log`); err != nil {
		t.Fatal(err)
	}
	var n int
	e.st.DB().QueryRow(`SELECT count(*) FROM project`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d projects stored by a commit whose audit row failed", n)
	}
	if got, _ := e.ing.Batch(ctx, b.ID); got.Status != "previewed" {
		t.Fatalf("batch %s, want still previewed", got.Status)
	}
	if _, err := e.ing.Commit(ctx, b.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ing.Rollback(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	es, err := e.st.AuditLog(ctx, store.AuditFilter{Action: "import."})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range es {
		if x.Actor != "user:ane" || x.Target == "" {
			t.Errorf("row %+v: want actor user:ane and a target", x)
		}
		got = append(got, x.Action)
	}
	if want := []string{"import.rollback", "import.commit", "import.upload"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("audit actions %v, want %v", got, want)
	}
}
