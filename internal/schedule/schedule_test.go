package schedule_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
	"github.com/begira/begira/internal/store"
)

// t0 is the fake clock's start: Saturday 28 March 2026, 10:00 UTC, the day
// before Europe/Madrid moves to summer time.
var t0 = time.Date(2026, 3, 28, 10, 0, 0, 0, time.UTC)

var madrid = mustLocation("Europe/Madrid")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// lockedBuffer collects the scheduler's log.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// harness is a scheduler on a fake clock recording into a real store.
type harness struct {
	st    *store.Store
	clock *schedule.FakeClock
	s     *schedule.Scheduler
	log   *lockedBuffer
}

func mustHarness(tb testing.TB) *harness {
	tb.Helper()
	st, err := store.Open(context.Background(), store.Memory, store.Options{})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	h := &harness{st: st, clock: schedule.NewFakeClock(t0), log: &lockedBuffer{}}
	h.s = schedule.New(h.clock, st, slog.New(slog.NewTextHandler(h.log, nil)))
	tb.Cleanup(func() {
		select {
		case <-h.s.Stop().Done():
		case <-time.After(5 * time.Second):
			tb.Errorf("scheduler did not stop")
		}
		st.Close()
	})
	return h
}

func (h *harness) mustAdd(tb testing.TB, job, spec string, loc *time.Location, fn schedule.JobFunc) {
	tb.Helper()
	if err := h.s.Add(job, "m", spec, loc, fn); err != nil {
		tb.Fatalf("add %s: %v", job, err)
	}
}

// tick waits until the scheduler waits on the fake clock, then moves it.
func (h *harness) tick(tb testing.TB, d time.Duration) {
	tb.Helper()
	if !h.clock.BlockUntil(1, 5*time.Second) {
		tb.Fatalf("the scheduler is not waiting on the clock")
	}
	h.clock.Advance(d)
}

// runs returns the recorded runs, oldest first.
func (h *harness) runs(tb testing.TB) []portfolio.JobRun {
	tb.Helper()
	runs, err := h.st.JobRuns(context.Background(), 0)
	if err != nil {
		tb.Fatal(err)
	}
	for i, j := 0, len(runs)-1; i < j; i, j = i+1, j-1 {
		runs[i], runs[j] = runs[j], runs[i]
	}
	return runs
}

// statuses lists the recorded runs as "status" or "status@offset from t0".
func (h *harness) statuses(tb testing.TB) string {
	var out []string
	for _, r := range h.runs(tb) {
		out = append(out, r.Status+"@"+r.StartedAt.Sub(t0).String())
	}
	return strings.Join(out, " ")
}

// waitFor polls cond on the wall clock: runs finish on goroutines of their
// own. It never waits for scheduled time, which the fake clock provides.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitStatuses waits until the recorded runs read want. When none of them
// is still running it also waits for every entry to have ended its run: a
// run is recorded as ended just before the job's running flag is cleared,
// and a tick in between would be skipped as an overlap.
func (h *harness) waitStatuses(tb testing.TB, want string) {
	tb.Helper()
	waitFor(tb, "runs "+want, func() bool { return h.statuses(tb) == want })
	if !strings.Contains(want, portfolio.JobRunning) {
		waitFor(tb, "the runs' end", func() bool {
			for _, e := range h.s.Entries() {
				if e.Running {
					return false
				}
			}
			return true
		})
	}
}

func TestScheduleEveryTwoSecondsOnFakeClock(t *testing.T) {
	t.Parallel()
	h := mustHarness(t)
	var n atomic.Int32
	h.mustAdd(t, "snapshot", "@every 2s", madrid, func(ctx context.Context) (string, error) {
		return `{"snapshot":` + string(rune('0'+n.Add(1))) + `}`, nil
	})
	h.s.Start(context.Background())
	if e := h.s.Entries(); len(e) != 1 || !e[0].Next.Equal(t0.Add(2*time.Second)) || e[0].Timezone != "Europe/Madrid" {
		t.Fatalf("entries before any run: %+v, want next at t0+2s", e)
	}
	h.tick(t, time.Second)
	if got := h.clock.Waiters(); got != 1 || n.Load() != 0 {
		t.Fatalf("at t0+1s: %d waiters and %d runs, want the loop still waiting and no run", got, n.Load())
	}
	h.clock.Advance(time.Second)
	h.waitStatuses(t, "ok@2s")
	h.tick(t, 2*time.Second)
	h.waitStatuses(t, "ok@2s ok@4s")

	runs := h.runs(t)
	if r := runs[1]; r.Job != "snapshot" || r.Mission != "m" || r.Trigger != portfolio.JobTriggerSchedule || string(r.Detail) != `{"snapshot":2}` {
		t.Errorf("second run: %+v", r)
	}
	waitFor(t, "next at t0+6s", func() bool {
		e := h.s.Entries()[0]
		return e.Next.Equal(t0.Add(6*time.Second)) && e.Last != nil && e.Last.ID == runs[1].ID && !e.Running
	})
	if !h.s.Running() {
		t.Errorf("Running() = false, want true")
	}
}

func TestSchedulePanickingJobRunsAgainOnNextTick(t *testing.T) {
	t.Parallel()
	h := mustHarness(t)
	var calls atomic.Int32
	h.mustAdd(t, "recompute", "@every 2s", madrid, func(ctx context.Context) (string, error) {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return "recomputed", nil
	})
	h.s.Start(context.Background())
	h.tick(t, 2*time.Second)
	h.waitStatuses(t, "failed@2s")
	if r := h.runs(t)[0]; r.Error != "panic: boom" || r.FinishedAt == nil {
		t.Errorf("panicked run: error %q finished %v, want \"panic: boom\" and a finish time", r.Error, r.FinishedAt)
	}
	h.tick(t, 2*time.Second)
	h.waitStatuses(t, "failed@2s ok@4s")
	if r := h.runs(t)[1]; string(r.Detail) != `"recomputed"` {
		t.Errorf("detail of a text result: got %s, want it as a JSON string", r.Detail)
	}
	if log := h.log.String(); !strings.Contains(log, "job panicked") || !strings.Contains(log, "goroutine") {
		t.Errorf("the panic was not logged with its stack:\n%s", log)
	}
	if !h.s.Running() {
		t.Errorf("the scheduler stopped after a panic")
	}
}

func TestScheduleSkipsOverlappingRun(t *testing.T) {
	t.Parallel()
	h := mustHarness(t)
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	var calls atomic.Int32
	h.mustAdd(t, "pull_feed", "@every 2s", madrid, func(ctx context.Context) (string, error) {
		started <- struct{}{}
		if calls.Add(1) == 1 {
			<-release
		}
		return "", nil
	})
	h.s.Start(context.Background())
	h.tick(t, 2*time.Second)
	<-started
	h.tick(t, 2*time.Second)
	h.waitStatuses(t, "running@2s skipped@4s")
	// The skip is recorded in the database, then on the entry.
	waitFor(t, "the entry running with a skipped last run", func() bool {
		e := h.s.Entries()[0]
		return e.Running && e.Last != nil && e.Last.Status == portfolio.JobSkipped
	})
	// A manual run meanwhile is skipped too, and says so.
	run, err := h.s.RunNow(context.Background(), "pull_feed", "m")
	if portfolio.ErrorCode(err) != portfolio.ECONFLICT || run.Status != portfolio.JobSkipped || run.Trigger != portfolio.JobTriggerManual {
		t.Errorf("manual run during the slow run: %+v, %v, want a skipped manual run and ECONFLICT", run, err)
	}
	close(release)
	h.waitStatuses(t, "ok@2s skipped@4s skipped@4s")
	// The running flag is cleared: the next tick runs.
	h.tick(t, 2*time.Second)
	h.waitStatuses(t, "ok@2s skipped@4s skipped@4s ok@6s")
	if got := calls.Load(); got != 2 {
		t.Errorf("the job ran %d times, want 2", got)
	}
}

func TestScheduleMissionTimeZoneAcrossDST(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, spec string
		loc        *time.Location
		start      time.Time
		want       []time.Time // the next activations, in UTC
	}{
		{"spring forward in Madrid", "0 7 * * *", madrid, t0, []time.Time{
			time.Date(2026, 3, 29, 5, 0, 0, 0, time.UTC), // 07:00 CEST
			time.Date(2026, 3, 30, 5, 0, 0, 0, time.UTC),
		}},
		{"day before, still winter", "0 7 * * *", madrid, time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC), []time.Time{
			time.Date(2026, 3, 28, 6, 0, 0, 0, time.UTC), // 07:00 CET
			time.Date(2026, 3, 29, 5, 0, 0, 0, time.UTC),
		}},
		{"fall back in Madrid", "30 6 * * *", madrid, time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC), []time.Time{
			time.Date(2026, 10, 25, 5, 30, 0, 0, time.UTC), // 06:30 CET
			time.Date(2026, 10, 26, 5, 30, 0, 0, time.UTC),
		}},
		{"CRON_TZ wins over the mission's zone", "CRON_TZ=UTC 0 7 * * *", madrid, t0, []time.Time{
			time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC),
		}},
		{"weekly on Monday", "0 7 * * 1", madrid, t0, []time.Time{
			time.Date(2026, 3, 30, 5, 0, 0, 0, time.UTC),
			time.Date(2026, 4, 6, 5, 0, 0, 0, time.UTC),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mustHarness(t)
			h.clock.Advance(tc.start.Sub(t0))
			h.mustAdd(t, "snapshot", tc.spec, tc.loc, func(ctx context.Context) (string, error) { return "", nil })
			h.s.Start(context.Background())
			for i, want := range tc.want {
				if next := h.s.Entries()[0].Next; !next.Equal(want) {
					t.Fatalf("next activation %d: got %v, want %v", i+1, next.UTC(), want)
				}
				h.tick(t, want.Sub(h.clock.Now()))
				waitFor(t, "the run at "+want.String(), func() bool {
					runs := h.runs(t)
					return len(runs) == i+1 && runs[i].Status == portfolio.JobOK && runs[i].StartedAt.Equal(want)
				})
				// Until the run has fully ended, the next activation would
				// be skipped as overlapping it.
				waitFor(t, "the run's end", func() bool { return !h.s.Entries()[0].Running })
				waitFor(t, "the next activation", func() bool { return h.s.Entries()[0].Next.After(want) })
			}
		})
	}
}

func TestScheduleRefusesInvalidSpecs(t *testing.T) {
	t.Parallel()
	h := mustHarness(t)
	noop := func(ctx context.Context) (string, error) { return "", nil }
	for _, spec := range []string{"0 25 * * *", "every day", "@every", "@every 2x", "CRON_TZ=Mars/Base 0 7 * * *", "CRON_TZ=UTC", ""} {
		err := h.s.Add("snapshot", "gipuzkoa", spec, madrid, noop)
		msg := portfolio.ErrorMessage(err)
		if portfolio.ErrorCode(err) != portfolio.EINVALID || !strings.Contains(msg, `job "snapshot" of mission "gipuzkoa"`) || !strings.Contains(msg, spec) {
			t.Errorf("spec %q: got %v, want EINVALID naming the job and the spec", spec, err)
		}
	}
	h.mustAdd(t, "snapshot", "@daily", madrid, noop)
	if err := h.s.Add("snapshot", "m", "@hourly", madrid, noop); portfolio.ErrorCode(err) != portfolio.ECONFLICT {
		t.Errorf("the same job twice: got %v, want ECONFLICT", err)
	}
}

func TestScheduleStopWaitsForRunningJob(t *testing.T) {
	t.Parallel()
	h := mustHarness(t)
	release := make(chan struct{})
	started := make(chan struct{})
	h.mustAdd(t, "snapshot", "@every 2s", madrid, func(ctx context.Context) (string, error) {
		close(started)
		<-release
		return "", ctx.Err()
	})
	h.s.Start(context.Background())
	h.tick(t, 2*time.Second)
	<-started
	stopped := h.s.Stop()
	select {
	case <-stopped.Done():
		t.Fatal("Stop returned while a job was running")
	default:
	}
	close(release)
	select {
	case <-stopped.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return after the job ended")
	}
	if got := h.statuses(t); got != "ok@2s" {
		t.Errorf("runs: got %s, want the interrupted-by-nothing run ok", got)
	}
	if h.s.Running() {
		t.Errorf("Running() = true after Stop")
	}
	// After Stop no tick runs the job again.
	h.clock.Advance(time.Minute)
	if got := h.statuses(t); got != "ok@2s" {
		t.Errorf("runs after Stop and a minute: %s", got)
	}
}

func TestScheduleRunNowWithoutStart(t *testing.T) {
	t.Parallel()
	h := mustHarness(t)
	h.mustAdd(t, "snapshot", "0 7 * * 1", madrid, func(ctx context.Context) (string, error) { return `{"snapshot":12}`, nil })
	boom := errors.New("HTTP 500 from the portal")
	h.mustAdd(t, "pull_feed", "@hourly", madrid, func(ctx context.Context) (string, error) { return "", boom })

	run, err := h.s.RunNow(context.Background(), "snapshot", "m")
	if err != nil || run.Status != portfolio.JobOK || run.Trigger != portfolio.JobTriggerManual || string(run.Detail) != `{"snapshot":12}` || run.ID == 0 {
		t.Errorf("manual snapshot: %+v, %v", run, err)
	}
	run, err = h.s.Invoke(context.Background(), "pull_feed", "m", portfolio.JobTriggerStartup)
	if !errors.Is(err, boom) || run.Status != portfolio.JobFailed || run.Error != boom.Error() || run.Trigger != portfolio.JobTriggerStartup {
		t.Errorf("failing pull: %+v, %v, want the job's error recorded", run, err)
	}
	if _, err := h.s.RunNow(context.Background(), "digest", "m"); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("unknown job: got %v, want ENOTFOUND", err)
	}
	entries := h.s.Entries()
	if len(entries) != 2 || entries[0].Job != "pull_feed" || entries[1].Job != "snapshot" ||
		entries[1].Last == nil || entries[1].Last.Status != portfolio.JobOK || entries[0].Last.Status != portfolio.JobFailed {
		t.Errorf("entries: %+v", entries)
	}
	if want := time.Date(2026, 3, 30, 7, 0, 0, 0, madrid); !entries[1].Next.Equal(want) || entries[1].Next.Location() != madrid {
		t.Errorf("next snapshot: got %v, want %v in the mission's zone", entries[1].Next, want)
	}
}

func TestScheduleStartMarksInterruptedRunsAndLoadsLastRuns(t *testing.T) {
	t.Parallel()
	h := mustHarness(t)
	ctx := context.Background()
	if _, err := h.st.StartJobRun(ctx, portfolio.JobRun{Job: "snapshot", Mission: "m", Trigger: portfolio.JobTriggerSchedule, StartedAt: t0.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	h.mustAdd(t, "snapshot", "@daily", madrid, func(ctx context.Context) (string, error) { return "", nil })
	h.s.Start(ctx)
	runs := h.runs(t)
	if len(runs) != 1 || runs[0].Status != portfolio.JobFailed || !strings.Contains(runs[0].Error, "interrupted") {
		t.Errorf("a run left running by a crash: %+v, want failed as interrupted", runs)
	}
	if e := h.s.Entries()[0]; e.Last == nil || e.Last.ID != runs[0].ID {
		t.Errorf("entry's last run after a restart: %+v, want the interrupted run", e.Last)
	}
}

func TestSchedulePruneJobRemovesOldRunsOnly(t *testing.T) {
	t.Parallel()
	h := mustHarness(t)
	ctx := context.Background()
	for _, age := range []int{200, 91, 89, 1} {
		at := t0.AddDate(0, 0, -age)
		if _, err := h.st.StartJobRun(ctx, portfolio.JobRun{Job: "recompute", Mission: "m", Trigger: portfolio.JobTriggerSchedule,
			StartedAt: at, FinishedAt: &at, Status: portfolio.JobOK}); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.s.Add(schedule.JobPrune, "", schedule.DefaultPruneSpec, time.UTC, schedule.PruneJob(h.st, h.clock, 0)); err != nil {
		t.Fatal(err)
	}
	h.s.Start(ctx)
	at := time.Date(2026, 3, 29, 3, 30, 0, 0, time.UTC)
	if next := h.s.Entries()[0].Next; !next.Equal(at) {
		t.Fatalf("next prune: got %v, want %v", next, at)
	}
	h.tick(t, at.Sub(t0))
	waitFor(t, "the prune run", func() bool {
		runs := h.runs(t)
		return len(runs) == 3 && runs[2].Job == schedule.JobPrune && runs[2].Status == portfolio.JobOK
	})
	runs := h.runs(t)
	if !strings.Contains(string(runs[2].Detail), `"job_runs_deleted":2`) {
		t.Errorf("prune detail: %s, want 2 rows deleted", runs[2].Detail)
	}
	for _, r := range runs[:2] {
		if r.StartedAt.Before(t0.AddDate(0, 0, -90)) {
			t.Errorf("a run of %v survived the prune", r.StartedAt)
		}
	}
}
