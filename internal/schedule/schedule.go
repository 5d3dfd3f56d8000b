package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/begira/begira/internal/portfolio"
)

// JobFunc does a job's work for one run and says what it produced (JSON,
// or text that is stored as a JSON string).
type JobFunc func(ctx context.Context) (detail string, err error)

// JobRecorder stores job runs; *store.Store satisfies it. A recorder that
// also has AbandonJobRuns and LatestJobRuns (the store has) lets Start mark
// runs cut short by a crash as failed and show each job's last run.
type JobRecorder interface {
	StartJobRun(ctx context.Context, r portfolio.JobRun) (int64, error)
	FinishJobRun(ctx context.Context, id int64, finishedAt time.Time, status, errText string, detail json.RawMessage) error
}

type abandoner interface {
	AbandonJobRuns(ctx context.Context, at time.Time) (int64, error)
}

type latestRuns interface {
	LatestJobRuns(ctx context.Context) ([]portfolio.JobRun, error)
}

// Entry is a scheduled job as the jobs page shows it.
type Entry struct {
	Job      string            `json:"job"`
	Mission  string            `json:"mission,omitempty"`
	Spec     string            `json:"spec"`
	Timezone string            `json:"timezone"`
	Next     time.Time         `json:"next"` // zero when the spec never fires again
	Running  bool              `json:"running"`
	Last     *portfolio.JobRun `json:"last,omitempty"`
}

// Scheduler runs registered jobs on their schedules.
type Scheduler struct {
	clock Clock
	rec   JobRecorder
	log   *slog.Logger

	mu      sync.Mutex // guards everything below and every job's next, last and running
	idle    *sync.Cond // signalled when active drops
	jobs    map[jobKey]*job
	active  int // runs in progress, scheduled or manual
	started bool
	jobCtx  context.Context // the context scheduled runs get
	cancel  context.CancelFunc
	done    chan struct{} // closed when the loop returns
	wake    chan struct{}
}

// jobKey names a job: the same job (say, snapshot) runs once per mission.
type jobKey struct{ job, mission string }

// job is one registered job and its state.
type job struct {
	jobKey
	spec  string
	loc   *time.Location
	sched cron.Schedule
	fn    JobFunc

	next    time.Time // zero when the spec never fires again
	last    *portfolio.JobRun
	running bool // a run is in progress: another is skipped, not queued
}

// Parser is how Begira reads schedules: five fields (minute first), six
// with seconds first, descriptors such as @daily and "@every 2s", each
// optionally prefixed by CRON_TZ=<zone>.
var Parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// New returns a Scheduler reading time from clock and recording runs with
// st. log may be nil.
func New(clock Clock, st JobRecorder, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{clock: clock, rec: st, log: log, jobs: map[jobKey]*job{}, wake: make(chan struct{}, 1)}
	s.idle = sync.NewCond(&s.mu)
	return s
}

// ParseSpec parses a schedule the way the Scheduler does. The error is an
// EINVALID naming the job and the spec.
func ParseSpec(job, mission, spec string) (sched cron.Schedule, err error) {
	// cron's parser slices out of range on a CRON_TZ prefix with nothing
	// after it: a bad spec must be an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("%v", r)
		}
		if err != nil {
			where := fmt.Sprintf("job %q", job)
			if mission != "" {
				where += fmt.Sprintf(" of mission %q", mission)
			}
			err = portfolio.Errorf(portfolio.EINVALID,
				"schedule of %s: %q is not a valid cron spec (%v); examples: \"0 7 * * 1\", \"@every 2h\", \"CRON_TZ=Europe/Madrid 30 6 * * *\"",
				where, spec, err)
		}
	}()
	return Parser.Parse(spec)
}

// Add registers fn as job of mission (mission "" for a job of the whole
// server) on spec, evaluated in loc unless the spec names its own CRON_TZ
// (loc nil means UTC). A job may be added before or after Start.
func (s *Scheduler) Add(name, mission, spec string, loc *time.Location, fn JobFunc) error {
	if name == "" || fn == nil {
		return portfolio.Errorf(portfolio.EINVALID, "a scheduled job needs a name and a function")
	}
	sched, err := ParseSpec(name, mission, spec)
	if err != nil {
		return err
	}
	if loc == nil {
		loc = time.UTC
	}
	j := &job{jobKey: jobKey{name, mission}, spec: spec, loc: loc, sched: sched, fn: fn}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.jobs[j.jobKey]; dup {
		return portfolio.Errorf(portfolio.ECONFLICT, "job %q of mission %q is already scheduled", name, mission)
	}
	j.next = j.nextAfter(s.clock.Now())
	s.jobs[j.jobKey] = j
	if s.started {
		s.signal()
	}
	return nil
}

// nextAfter is the first activation after t in the job's time zone.
func (j *job) nextAfter(t time.Time) time.Time {
	return j.sched.Next(t.In(j.loc))
}

// Start runs the loop until ctx ends or Stop is called. Scheduled runs
// get ctx (cancelled when the server shuts down, not by Stop).
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return
	}
	s.started = true
	s.jobCtx = ctx
	loopCtx, cancel := context.WithCancel(ctx)
	s.cancel, s.done = cancel, make(chan struct{})
	s.mu.Unlock()

	now := s.clock.Now()
	if a, ok := s.rec.(abandoner); ok {
		if n, err := a.AbandonJobRuns(ctx, now); err != nil {
			s.log.Error("marking interrupted job runs failed", "error", err)
		} else if n > 0 {
			s.log.Warn("job runs interrupted by the last shutdown marked failed", "runs", n)
		}
	}
	var latest []portfolio.JobRun
	if l, ok := s.rec.(latestRuns); ok {
		var err error
		if latest, err = l.LatestJobRuns(ctx); err != nil {
			s.log.Error("loading the last job runs failed", "error", err)
		}
	}
	s.mu.Lock()
	for _, j := range s.jobs {
		j.next = j.nextAfter(now)
	}
	for i := range latest {
		if j, ok := s.jobs[jobKey{latest[i].Job, latest[i].Mission}]; ok {
			r := latest[i]
			j.last = &r
		}
	}
	s.mu.Unlock()
	go s.loop(loopCtx)
}

// Running reports whether the loop is running (readiness).
func (s *Scheduler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

func (s *Scheduler) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// loop launches the due jobs, then waits on the clock for the next one
// (or for a job added or removed).
func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.done)
	for {
		now := s.clock.Now()
		var earliest time.Time
		s.mu.Lock()
		for _, j := range s.jobs {
			if j.next.IsZero() {
				continue // the spec never fires again (say, 30 February)
			}
			if !j.next.After(now) {
				j.next = j.nextAfter(now)
				s.active++
				go func() {
					defer s.ended()
					s.invoke(s.jobCtx, j, portfolio.JobTriggerSchedule) // the outcome is its job_run row
				}()
			}
			if !j.next.IsZero() && (earliest.IsZero() || j.next.Before(earliest)) {
				earliest = j.next
			}
		}
		s.mu.Unlock()
		var timer <-chan time.Time
		if !earliest.IsZero() {
			timer = s.clock.After(earliest.Sub(now))
		}
		select {
		case <-ctx.Done():
			return
		case <-timer:
		case <-s.wake:
		}
	}
}

func (s *Scheduler) ended() {
	s.mu.Lock()
	s.active--
	s.idle.Broadcast()
	s.mu.Unlock()
}

// Stop ends the loop and returns a context that is done when every run in
// progress has finished (runs are not cancelled).
func (s *Scheduler) Stop() context.Context {
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel()
	}
	loopDone := s.done
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		if loopDone != nil {
			<-loopDone
		}
		s.mu.Lock()
		for s.active > 0 {
			s.idle.Wait()
		}
		s.mu.Unlock()
		cancel()
	}()
	return ctx
}

// RunNow runs a registered job at once, outside its schedule (trigger
// "manual"), and waits for it: the jobs page's "run now" and the CLI. A
// run skipped because the job is already running is an ECONFLICT.
func (s *Scheduler) RunNow(ctx context.Context, job, mission string) (portfolio.JobRun, error) {
	return s.Invoke(ctx, job, mission, portfolio.JobTriggerManual)
}

// Invoke runs a registered job at once with the given trigger (manual,
// startup) and waits for it. The error is the job's own, a "panic: …"
// error, or ECONFLICT when the run was skipped.
func (s *Scheduler) Invoke(ctx context.Context, job, mission, trigger string) (portfolio.JobRun, error) {
	s.mu.Lock()
	j, ok := s.jobs[jobKey{job, mission}]
	if !ok {
		s.mu.Unlock()
		return portfolio.JobRun{}, portfolio.Errorf(portfolio.ENOTFOUND, "no job %q is scheduled for mission %q", job, mission)
	}
	s.active++
	s.mu.Unlock()
	defer s.ended()
	return s.invoke(ctx, j, trigger)
}

// invoke runs j once unless it is running already, in which case the run
// is recorded as skipped: runs of one job never overlap (a slow pull is
// not started again on top of itself) and never queue up.
func (s *Scheduler) invoke(ctx context.Context, j *job, trigger string) (portfolio.JobRun, error) {
	if portfolio.ActorFrom(ctx) == "system" {
		// What a job changes is recorded in the audit log as the job's.
		ctx = portfolio.WithActor(ctx, portfolio.Actor("schedule:"+j.job))
	}
	s.mu.Lock()
	busy := j.running
	j.running = true
	s.mu.Unlock()
	if busy {
		return s.skip(ctx, j, trigger)
	}
	return s.execute(ctx, j, trigger)
}

// execute records a run around the job's function. A panic is recovered,
// logged with its stack and recorded as a failed run: the scheduler goes on
// and the next activation runs the job again.
func (s *Scheduler) execute(ctx context.Context, j *job, trigger string) (run portfolio.JobRun, err error) {
	run = portfolio.JobRun{Job: j.job, Mission: j.mission, Trigger: trigger, StartedAt: s.clock.Now().UTC(), Status: portfolio.JobRunning}
	rctx, cancel := recordContext(ctx)
	id, rerr := s.rec.StartJobRun(rctx, run)
	cancel()
	if rerr != nil {
		s.log.Error("recording a job run failed", "job", j.job, "mission", j.mission, "error", rerr)
	}
	run.ID = id

	returned := false
	defer func() {
		if returned {
			return
		}
		// The job panicked, or called runtime.Goexit (which goes on
		// unwinding after this): either way the run ends here, failed.
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
			s.log.Error("job panicked; the scheduler goes on", "job", j.job, "mission", j.mission, "error", err, "stack", string(debug.Stack()))
		} else {
			err = errors.New("the job exited without returning")
		}
		run = s.finish(ctx, j, run, portfolio.JobFailed, err.Error(), "")
	}()
	detail, err := j.fn(ctx)
	returned = true
	if err != nil {
		s.log.Error("job failed", "job", j.job, "mission", j.mission, "trigger", trigger, "error", err)
		return s.finish(ctx, j, run, portfolio.JobFailed, err.Error(), detail), err
	}
	s.log.Info("job ran", "job", j.job, "mission", j.mission, "trigger", trigger, "detail", detail)
	return s.finish(ctx, j, run, portfolio.JobOK, "", detail), nil
}

// finish records the end of a run, makes it the job's last run and marks
// the job as no longer running, in that order: once Entries shows the job
// idle, its run is in the database.
func (s *Scheduler) finish(ctx context.Context, j *job, run portfolio.JobRun, status, errText, detail string) portfolio.JobRun {
	now := s.clock.Now().UTC()
	run.FinishedAt, run.Status, run.Error = &now, status, errText
	if detail != "" {
		run.Detail = json.RawMessage(detail)
	}
	if run.ID != 0 {
		rctx, cancel := recordContext(ctx)
		if err := s.rec.FinishJobRun(rctx, run.ID, now, status, errText, run.Detail); err != nil {
			s.log.Error("recording the end of a job run failed", "job", j.job, "mission", j.mission, "error", err)
		}
		cancel()
	}
	if !json.Valid(run.Detail) {
		b, _ := json.Marshal(detail)
		run.Detail = b
	}
	last := run
	s.mu.Lock()
	j.last, j.running = &last, false
	s.mu.Unlock()
	return run
}

// skip records a run refused because the job is still running, and
// returns it with an ECONFLICT.
func (s *Scheduler) skip(ctx context.Context, j *job, trigger string) (portfolio.JobRun, error) {
	now := s.clock.Now().UTC()
	run := portfolio.JobRun{Job: j.job, Mission: j.mission, Trigger: trigger, StartedAt: now, FinishedAt: &now,
		Status: portfolio.JobSkipped, Error: "skipped: the previous run is still running"}
	rctx, cancel := recordContext(ctx)
	id, err := s.rec.StartJobRun(rctx, run)
	cancel()
	if err != nil {
		s.log.Error("recording a skipped job run failed", "job", j.job, "mission", j.mission, "error", err)
	}
	run.ID = id
	s.log.Warn("job skipped: the previous run is still running", "job", j.job, "mission", j.mission, "trigger", trigger)
	last := run
	s.mu.Lock()
	j.last = &last
	s.mu.Unlock()
	return run, portfolio.Errorf(portfolio.ECONFLICT, "job %q of mission %q is still running; this run was skipped", j.job, j.mission)
}

// recordContext outlives the job's context: the outcome of a run cut
// short by a shutdown must still be written.
func recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// Entries lists the registered jobs by mission and job.
func (s *Scheduler) Entries() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Entry, 0, len(s.jobs))
	for _, j := range s.jobs {
		en := Entry{Job: j.job, Mission: j.mission, Spec: j.spec, Timezone: j.loc.String(), Next: j.next, Running: j.running}
		if !en.Next.IsZero() {
			en.Next = en.Next.In(j.loc)
		}
		if j.last != nil {
			last := *j.last
			en.Last = &last
		}
		out = append(out, en)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Mission != out[b].Mission {
			return out[a].Mission < out[b].Mission
		}
		return out[a].Job < out[b].Job
	})
	return out
}

// RemoveMission unschedules every job of a mission (a run in progress
// finishes) and returns how many there were: a mission document applied
// again is planned afresh.
func (s *Scheduler) RemoveMission(mission string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	removed := 0
	for k := range s.jobs {
		if k.mission == mission {
			delete(s.jobs, k)
			removed++
		}
	}
	if s.started {
		s.signal()
	}
	return removed
}
