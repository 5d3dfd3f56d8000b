package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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
	clock  Clock
	rec    JobRecorder
	log    *slog.Logger
	parser cron.Parser

	mu      sync.Mutex
	idle    *sync.Cond // signalled when active drops
	entries []*entry
	active  int // runs in progress, scheduled or manual
	started bool
	jobCtx  context.Context // the context scheduled runs get
	cancel  context.CancelFunc
	done    chan struct{} // closed when the loop returns
	wake    chan struct{}
}

// entry is one registered job. next, last and running are guarded by the
// Scheduler's mu; cur by gate.
type entry struct {
	job, mission, spec string
	loc                *time.Location
	sched              cron.Schedule
	fn                 JobFunc
	wrapped            cron.Job

	next    time.Time
	last    *portfolio.JobRun
	running int

	// gate hands one invocation's trigger and context to the wrapped job:
	// it is held from before the chain is entered until the job takes its
	// invocation (or Skip decides to skip it), so two invocations never mix.
	gate sync.Mutex
	cur  *invocation
}

type invocation struct {
	ctx     context.Context
	trigger string
	taken   bool
	run     portfolio.JobRun
	err     error
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
	s := &Scheduler{clock: clock, rec: st, log: log, parser: Parser, wake: make(chan struct{}, 1)}
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
func (s *Scheduler) Add(job, mission, spec string, loc *time.Location, fn JobFunc) error {
	if job == "" || fn == nil {
		return portfolio.Errorf(portfolio.EINVALID, "a scheduled job needs a name and a function")
	}
	sched, err := ParseSpec(job, mission, spec)
	if err != nil {
		return err
	}
	if loc == nil {
		loc = time.UTC
	}
	e := &entry{job: job, mission: mission, spec: spec, loc: loc, sched: sched, fn: fn}
	e.wrapped = cron.NewChain(
		cron.SkipIfStillRunning(skipRecorder{s, e}),
		cron.Recover(panicLogger{s.log, e}),
	).Then(cron.FuncJob(func() { s.execute(e) }))

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.entries {
		if x.job == job && x.mission == mission {
			return portfolio.Errorf(portfolio.ECONFLICT, "job %q of mission %q is already scheduled", job, mission)
		}
	}
	e.next = e.nextAfter(s.clock.Now())
	s.entries = append(s.entries, e)
	if s.started {
		s.signal()
	}
	return nil
}

// nextAfter is the first activation after t in the entry's time zone.
func (e *entry) nextAfter(t time.Time) time.Time {
	return e.sched.Next(t.In(e.loc))
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
	for _, e := range s.entries {
		e.next = e.nextAfter(now)
		for i := range latest {
			if latest[i].Job == e.job && latest[i].Mission == e.mission {
				r := latest[i]
				e.last = &r
			}
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

// loop launches the due jobs, then waits on the clock for the next one.
func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.done)
	for {
		now := s.clock.Now()
		var due []*entry
		var earliest time.Time
		s.mu.Lock()
		for _, e := range s.entries {
			if e.next.IsZero() {
				continue // the spec never fires again (say, 30 February)
			}
			if !e.next.After(now) {
				due = append(due, e)
				e.next = e.nextAfter(now)
			}
			if !e.next.IsZero() && (earliest.IsZero() || e.next.Before(earliest)) {
				earliest = e.next
			}
		}
		for _, e := range due {
			s.active++
			go func() {
				defer s.ended()
				s.invoke(s.jobCtx, e, portfolio.JobTriggerSchedule)
			}()
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
	var e *entry
	for _, x := range s.entries {
		if x.job == job && x.mission == mission {
			e = x
		}
	}
	if e == nil {
		s.mu.Unlock()
		return portfolio.JobRun{}, portfolio.Errorf(portfolio.ENOTFOUND, "no job %q is scheduled for mission %q", job, mission)
	}
	s.active++
	s.mu.Unlock()
	defer s.ended()
	inv := s.invoke(ctx, e, trigger)
	return inv.run, inv.err
}

// invoke passes one invocation through the entry's cron chain.
func (s *Scheduler) invoke(ctx context.Context, e *entry, trigger string) *invocation {
	if portfolio.ActorFrom(ctx) == "system" {
		// What a job changes is recorded in the audit log as the job's.
		ctx = portfolio.WithActor(ctx, portfolio.Actor("schedule:"+e.job))
	}
	inv := &invocation{ctx: ctx, trigger: trigger}
	e.gate.Lock()
	e.cur = inv
	e.wrapped.Run()
	if !inv.taken {
		// Skip refused the run (skipRecorder recorded it) and the gate
		// is still ours.
		e.cur = nil
		e.gate.Unlock()
		return inv
	}
	// The entry stops running only now, once SkipIfStillRunning has its
	// token back: an activation due the moment Running turns false is
	// not skipped.
	s.mu.Lock()
	e.running--
	s.mu.Unlock()
	return inv
}

// execute is the innermost job of the chain: it records the run around the
// job's function. A panic is recorded as a failed run and passed on to
// cron.Recover, which logs it with its stack and swallows it.
func (s *Scheduler) execute(e *entry) {
	inv := e.cur
	inv.taken = true
	e.cur = nil
	e.gate.Unlock()

	run := portfolio.JobRun{Job: e.job, Mission: e.mission, Trigger: inv.trigger, StartedAt: s.clock.Now().UTC(), Status: portfolio.JobRunning}
	s.mu.Lock()
	e.running++
	s.mu.Unlock()
	rctx, cancel := recordContext(inv.ctx)
	id, err := s.rec.StartJobRun(rctx, run)
	cancel()
	if err != nil {
		s.log.Error("recording a job run failed", "job", e.job, "mission", e.mission, "error", err)
	}
	run.ID = id

	returned := false
	defer func() {
		if returned {
			return
		}
		r := recover()
		if r == nil {
			// runtime.Goexit: nothing to pass on to cron.Recover.
			inv.err = errors.New("the job exited without returning")
			s.finish(e, inv, &run, portfolio.JobFailed, inv.err.Error(), "")
			return
		}
		inv.err = fmt.Errorf("panic: %v", r)
		s.finish(e, inv, &run, portfolio.JobFailed, inv.err.Error(), "")
		panic(r)
	}()
	detail, err := e.fn(inv.ctx)
	returned = true
	if err != nil {
		inv.err = err
		s.log.Error("job failed", "job", e.job, "mission", e.mission, "trigger", inv.trigger, "error", err)
		s.finish(e, inv, &run, portfolio.JobFailed, err.Error(), detail)
		return
	}
	s.log.Info("job ran", "job", e.job, "mission", e.mission, "trigger", inv.trigger, "detail", detail)
	s.finish(e, inv, &run, portfolio.JobOK, "", detail)
}

func (s *Scheduler) finish(e *entry, inv *invocation, run *portfolio.JobRun, status, errText, detail string) {
	now := s.clock.Now().UTC()
	run.FinishedAt, run.Status, run.Error = &now, status, errText
	if detail != "" {
		run.Detail = json.RawMessage(detail)
	}
	if run.ID != 0 {
		rctx, cancel := recordContext(inv.ctx)
		if err := s.rec.FinishJobRun(rctx, run.ID, now, status, errText, run.Detail); err != nil {
			s.log.Error("recording the end of a job run failed", "job", e.job, "mission", e.mission, "error", err)
		}
		cancel()
	}
	if !json.Valid(run.Detail) {
		b, _ := json.Marshal(detail)
		run.Detail = b
	}
	inv.run = *run
	last := *run
	s.mu.Lock()
	e.last = &last
	s.mu.Unlock()
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
	out := make([]Entry, 0, len(s.entries))
	for _, e := range s.entries {
		en := Entry{Job: e.job, Mission: e.mission, Spec: e.spec, Timezone: e.loc.String(), Next: e.next, Running: e.running > 0}
		if !en.Next.IsZero() {
			en.Next = en.Next.In(e.loc)
		}
		if e.last != nil {
			last := *e.last
			en.Last = &last
		}
		out = append(out, en)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Mission != out[j].Mission {
			return out[i].Mission < out[j].Mission
		}
		return out[i].Job < out[j].Job
	})
	return out
}

// skipRecorder is the logger of an entry's SkipIfStillRunning wrapper,
// which logs only when it skips a run: it records the skipped run.
type skipRecorder struct {
	s *Scheduler
	e *entry
}

// Info is called by SkipIfStillRunning, synchronously, when it skips the
// invocation that holds the entry's gate.
func (r skipRecorder) Info(msg string, _ ...any) {
	s, e := r.s, r.e
	inv := e.cur
	now := s.clock.Now().UTC()
	run := portfolio.JobRun{Job: e.job, Mission: e.mission, Trigger: inv.trigger, StartedAt: now, FinishedAt: &now,
		Status: portfolio.JobSkipped, Error: "skipped: the previous run is still running"}
	rctx, cancel := recordContext(inv.ctx)
	id, err := s.rec.StartJobRun(rctx, run)
	cancel()
	if err != nil {
		s.log.Error("recording a skipped job run failed", "job", e.job, "mission", e.mission, "error", err)
	}
	run.ID = id
	inv.run = run
	inv.err = portfolio.Errorf(portfolio.ECONFLICT, "job %q of mission %q is still running; this run was skipped", e.job, e.mission)
	s.log.Warn("job skipped: the previous run is still running", "job", e.job, "mission", e.mission, "trigger", inv.trigger)
	last := run
	s.mu.Lock()
	e.last = &last
	s.mu.Unlock()
}

// Error is never called by SkipIfStillRunning.
func (r skipRecorder) Error(err error, msg string, kv ...any) {
	r.s.log.Error(msg, append([]any{"job", r.e.job, "mission", r.e.mission, "error", err}, kv...)...)
}

// panicLogger is the logger of cron.Recover.
type panicLogger struct {
	log *slog.Logger
	e   *entry
}

func (l panicLogger) Info(msg string, kv ...any) {
	l.log.Debug(msg, append([]any{"job", l.e.job, "mission", l.e.mission}, kv...)...)
}

func (l panicLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("job panicked; the scheduler goes on", append([]any{"job", l.e.job, "mission", l.e.mission, "error", err}, kv...)...)
}

// RemoveMission unschedules every job of a mission (a run in progress
// finishes) and returns how many there were: a mission document applied
// again is planned afresh.
func (s *Scheduler) RemoveMission(mission string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.entries[:0]
	removed := 0
	for _, e := range s.entries {
		if e.mission == mission {
			removed++
			continue
		}
		kept = append(kept, e)
	}
	s.entries = kept
	if s.started {
		s.signal()
	}
	return removed
}
