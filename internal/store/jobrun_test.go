package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// jobClock is the start of the job run tests.
var jobClock = time.Date(2026, 3, 28, 9, 0, 0, 0, time.UTC)

func mustStartJobRun(tb testing.TB, st *store.Store, r portfolio.JobRun) int64 {
	tb.Helper()
	id, err := st.StartJobRun(context.Background(), r)
	if err != nil {
		tb.Fatalf("start job run: %v", err)
	}
	return id
}

func TestJobRunLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	id := mustStartJobRun(t, st, portfolio.JobRun{Job: "snapshot", Mission: "m", Trigger: portfolio.JobTriggerSchedule, StartedAt: jobClock})
	runs, err := st.JobRuns(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Status != portfolio.JobRunning || runs[0].FinishedAt != nil || !runs[0].StartedAt.Equal(jobClock) {
		t.Fatalf("after start: got %+v, want one running row started at %v", runs, jobClock)
	}
	if err := st.FinishJobRun(ctx, id, jobClock.Add(3*time.Second), portfolio.JobOK, "", json.RawMessage(`{"snapshot":7}`)); err != nil {
		t.Fatal(err)
	}
	done := time.Now()
	mustStartJobRun(t, st, portfolio.JobRun{Job: "snapshot", Mission: "m", Trigger: portfolio.JobTriggerManual,
		StartedAt: jobClock.Add(time.Minute), FinishedAt: &done, Status: portfolio.JobSkipped})
	failed := mustStartJobRun(t, st, portfolio.JobRun{Job: "prune", Trigger: portfolio.JobTriggerStartup, StartedAt: jobClock.Add(2 * time.Minute)})
	if err := st.FinishJobRun(ctx, failed, jobClock.Add(3*time.Minute), portfolio.JobFailed, "panic: boom", json.RawMessage("not json")); err != nil {
		t.Fatal(err)
	}

	runs, err = st.JobRuns(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, r.Job+"/"+r.Status+"/"+r.Trigger)
	}
	want := []string{"prune/failed/startup", "snapshot/skipped/manual", "snapshot/ok/schedule"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("runs newest first: got %v, want %v", got, want)
	}
	if runs[0].Mission != "" || runs[0].Error != "panic: boom" || string(runs[0].Detail) != `"not json"` {
		t.Errorf("failed run: mission %q error %q detail %s, want no mission, the panic and the text as a JSON string",
			runs[0].Mission, runs[0].Error, runs[0].Detail)
	}
	if ok := runs[2]; string(ok.Detail) != `{"snapshot":7}` || ok.FinishedAt == nil || !ok.FinishedAt.Equal(jobClock.Add(3*time.Second)) {
		t.Errorf("ok run: detail %s finished %v", ok.Detail, ok.FinishedAt)
	}
	if limited, _ := st.JobRuns(ctx, 2); len(limited) != 2 || limited[0].ID != runs[0].ID {
		t.Errorf("limit 2: got %d runs", len(limited))
	}
	latest, err := st.LatestJobRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || latest[0].Job != "prune" || latest[1].Job != "snapshot" || latest[1].Status != portfolio.JobSkipped {
		t.Errorf("latest runs: got %+v, want prune and the skipped snapshot", latest)
	}
	if err := st.FinishJobRun(ctx, 999, jobClock, portfolio.JobOK, "", nil); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("finish an unknown run: got %v, want ENOTFOUND", err)
	}
	if b, _ := json.Marshal(runs[2]); !json.Valid(b) {
		t.Errorf("a run does not marshal to JSON: %s", b)
	}
}

func TestPruneJobRunsRemovesOldRowsOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	finished := func(at time.Time) *time.Time { return &at }
	old := jobClock.AddDate(0, 0, -100)
	mustStartJobRun(t, st, portfolio.JobRun{Job: "recompute", Mission: "m", Trigger: portfolio.JobTriggerSchedule, StartedAt: old, FinishedAt: finished(old), Status: portfolio.JobOK})
	mustStartJobRun(t, st, portfolio.JobRun{Job: "recompute", Mission: "m", Trigger: portfolio.JobTriggerSchedule, StartedAt: old, FinishedAt: finished(old), Status: portfolio.JobFailed})
	mustStartJobRun(t, st, portfolio.JobRun{Job: "pull_x", Mission: "m", Trigger: portfolio.JobTriggerSchedule, StartedAt: old}) // still running
	recent := jobClock.AddDate(0, 0, -10)
	mustStartJobRun(t, st, portfolio.JobRun{Job: "recompute", Mission: "m", Trigger: portfolio.JobTriggerSchedule, StartedAt: recent, FinishedAt: finished(recent), Status: portfolio.JobOK})

	n, err := st.PruneJobRuns(ctx, jobClock.AddDate(0, 0, -90))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("pruned %d rows, want 2", n)
	}
	runs, _ := st.JobRuns(ctx, 0)
	if len(runs) != 2 || !runs[0].StartedAt.Equal(recent) || runs[1].Status != portfolio.JobRunning {
		t.Errorf("left: %+v, want the recent run and the running one", runs)
	}
}

func TestAbandonJobRunsFailsRunningRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	mustStartJobRun(t, st, portfolio.JobRun{Job: "snapshot", Mission: "m", Trigger: portfolio.JobTriggerSchedule, StartedAt: jobClock})
	n, err := st.AbandonJobRuns(ctx, jobClock.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("abandon: got %d, %v, want 1 row", n, err)
	}
	runs, _ := st.JobRuns(ctx, 0)
	if runs[0].Status != portfolio.JobFailed || runs[0].Error == "" || runs[0].FinishedAt == nil {
		t.Errorf("abandoned run: %+v, want failed with a reason", runs[0])
	}
}
