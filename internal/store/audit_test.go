package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// hideAuditLog makes every audit write fail until the test ends (or the
// returned function runs): what a change does when its record cannot be
// written shows whether both share one transaction.
func hideAuditLog(t *testing.T, st *store.Store) func() {
	t.Helper()
	if _, err := st.DB().Exec(`ALTER TABLE audit_log RENAME TO audit_log_hidden`); err != nil {
		t.Fatal(err)
	}
	restore := func() {
		if _, err := st.DB().Exec(`ALTER TABLE audit_log_hidden RENAME TO audit_log`); err != nil {
			t.Fatal(err)
		}
	}
	return restore
}

// TestAuditSharesTheChangesTransaction: a change whose audit row cannot be
// written does not happen; one that happens has its row, naming who, what
// and the state before and after.
func TestAuditSharesTheChangesTransaction(t *testing.T) {
	t.Parallel()
	ctx := portfolio.WithActor(context.Background(), "user:alice")
	st := MustOpen(t)
	if _, err := st.ApplyMission(ctx, testMission()); err != nil {
		t.Fatal(err)
	}
	renamed := testMission()
	renamed.Title.EN = "Renamed"

	restore := hideAuditLog(t, st)
	if _, err := st.ApplyMission(ctx, renamed); err == nil {
		t.Fatal("apply succeeded without its audit row")
	}
	if err := st.CreateUser(ctx, &portfolio.User{Username: "bob", PasswordHash: "x"}, false); err == nil {
		t.Fatal("user created without its audit row")
	}
	restore()
	if m, _ := st.Mission(ctx, "testmission"); m.Title.EN == "Renamed" {
		t.Error("the mission changed although its audit row failed")
	}
	if _, err := st.UserByName(ctx, "bob"); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("the user exists although its audit row failed: %v", err)
	}

	if _, err := st.ApplyMission(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	es, err := st.AuditLog(ctx, store.AuditFilter{Action: "mission.apply"})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		t.Fatalf("%d mission.apply rows, want 2 (create, rename): %+v", len(es), es)
	}
	last := es[0]
	if last.Actor != "user:alice" || last.Mission != "testmission" || !strings.Contains(last.Before, `"title":"`+testMission().Title.EN+`"`) ||
		!strings.Contains(last.After, `"title":"Renamed"`) {
		t.Errorf("audit row %+v: want alice, before the old title, after the new", last)
	}
	if es[1].Before != "" {
		t.Errorf("the creation's before = %q, want empty", es[1].Before)
	}
}

// TestAuditClock: rows carry the store's clock and no actor reads as
// "system".
func TestAuditClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	st, err := store.Open(context.Background(), store.Memory, store.Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.ApplyMission(context.Background(), testMission()); err != nil {
		t.Fatal(err)
	}
	es, _ := st.AuditLog(context.Background(), store.AuditFilter{})
	if len(es) != 1 || !es[0].At.Equal(at) || es[0].Actor != "system" {
		t.Errorf("rows %+v, want one at %s by system", es, at)
	}
}

// TestManualJobRunsAreAudited: a run someone asked for is in the audit
// log with who asked; scheduled runs are only in the job runs.
func TestManualJobRunsAreAudited(t *testing.T) {
	t.Parallel()
	st := MustOpen(t)
	ctx := portfolio.WithActor(context.Background(), "user:ane")
	mustStartJobRun(t, st, portfolio.JobRun{Job: "snapshot", Mission: "m", Trigger: portfolio.JobTriggerManual, StartedAt: time.Now()})
	mustStartJobRun(t, st, portfolio.JobRun{Job: "snapshot", Mission: "m", Trigger: portfolio.JobTriggerSchedule, StartedAt: time.Now()})
	if _, err := st.StartJobRun(ctx, portfolio.JobRun{Job: "digest", Mission: "m", Trigger: portfolio.JobTriggerManual, StartedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	es, _ := st.AuditLog(ctx, store.AuditFilter{Action: "job."})
	if len(es) != 2 || es[0].Actor != "user:ane" || !strings.Contains(es[0].After, `"job":"digest"`) || es[1].Actor != "system" {
		t.Errorf("job audit rows %+v, want the two manual runs (digest by ane, snapshot by system)", es)
	}
}
