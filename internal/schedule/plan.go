package schedule

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// Job names. Pull jobs are JobPullPrefix + the source slug; prune is a job
// of the whole server (mission "").
const (
	JobRecompute  = portfolio.JobRecompute
	JobSnapshot   = portfolio.JobSnapshot
	JobDigest     = portfolio.JobDigest
	JobPullPrefix = portfolio.JobPullPrefix
	JobPrune      = "prune"
	JobBackup     = "backup"
)

// Retention defaults: job_run rows older than DefaultJobRunsKeepDays are
// pruned daily at 03:30 UTC (UTC has no DST hour to fall into).
const (
	DefaultJobRunsKeepDays = 90
	DefaultPruneSpec       = "30 3 * * *"
	// DefaultBackupSpec takes the daily backup after the prune.
	DefaultBackupSpec = "45 3 * * *"
)

// Off is the spec that switches a job off: --schedule snapshot=off.
const Off = "off"

// Planned is one job to register: what, for which mission, when, and in
// which time zone its spec is read.
type Planned struct {
	Job      string
	Mission  string // "" for prune
	Spec     string
	Location *time.Location
}

// Plan merges the schedules of the mission documents with the overrides
// (--schedule JOB=SPEC, BEGIRA_SCHEDULE_<JOB>). Per mission, later wins:
// a source's own schedule, then the document's schedules.pull_<source>;
// for any job, an override. An override of recompute, snapshot or digest
// applies to every mission, declared or not; an override of pull_<source>
// to every mission with that source (with a url); an override of prune to
// the server's prune job. The spec "off" drops a job. The result is sorted
// by mission and job.
func Plan(missions []*portfolio.Mission, overrides map[string]string) []Planned {
	var out []Planned
	for _, m := range missions {
		loc, err := time.LoadLocation(m.Timezone)
		if err != nil || m.Timezone == "" {
			loc = time.UTC
		}
		specs := map[string]string{}
		pulled := map[string]bool{}
		for _, src := range m.Sources {
			if src.URL == "" {
				continue
			}
			pulled[JobPullPrefix+src.Slug] = true
			if src.Schedule != "" {
				specs[JobPullPrefix+src.Slug] = src.Schedule
			}
		}
		for job, spec := range m.Schedules {
			specs[job] = spec
		}
		for job, spec := range overrides {
			if job == JobRecompute || job == JobSnapshot || job == JobDigest || pulled[job] {
				specs[job] = spec
			}
		}
		for job, spec := range specs {
			if spec = strings.TrimSpace(spec); spec != "" && spec != Off {
				out = append(out, Planned{Job: job, Mission: m.Slug, Spec: spec, Location: loc})
			}
		}
	}
	prune := DefaultPruneSpec
	if spec, ok := overrides[JobPrune]; ok {
		prune = strings.TrimSpace(spec)
	}
	if prune != "" && prune != Off {
		out = append(out, Planned{Job: JobPrune, Spec: prune, Location: time.UTC})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Mission != out[j].Mission {
			return out[i].Mission < out[j].Mission
		}
		return out[i].Job < out[j].Job
	})
	return out
}

// EnvPrefix names the environment variables that override schedules:
// BEGIRA_SCHEDULE_SNAPSHOT="@every 2s", BEGIRA_SCHEDULE_PULL_OPENDATA=@hourly.
const EnvPrefix = "BEGIRA_SCHEDULE_"

// ParseOverrides reads schedule overrides from the environment (entries
// KEY=VALUE, as os.Environ returns them) and from repeated --schedule
// JOB=SPEC flags, which win. Job names and specs are checked: an unknown job
// or a bad spec is an EINVALID naming the flag or variable.
func ParseOverrides(flags, environ []string) (map[string]string, error) {
	out := map[string]string{}
	var problems []string
	set := func(where, job, spec string) {
		job, spec = strings.TrimSpace(job), strings.TrimSpace(spec)
		if err := checkOverride(job, spec); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", where, err))
			return
		}
		out[job] = spec
	}
	for _, kv := range environ {
		name, spec, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		set(name, strings.ToLower(strings.TrimPrefix(name, EnvPrefix)), spec)
	}
	for _, f := range flags {
		job, spec, ok := strings.Cut(f, "=")
		if !ok {
			problems = append(problems, fmt.Sprintf("--schedule %q: want JOB=SPEC, e.g. --schedule \"snapshot=0 7 * * 1\"", f))
			continue
		}
		set(fmt.Sprintf("--schedule %s", job), job, spec)
	}
	if len(problems) > 0 {
		return nil, &portfolio.Error{Code: portfolio.EINVALID, Message: strings.Join(problems, "; "), Details: problems}
	}
	return out, nil
}

func checkOverride(job, spec string) error {
	known := []string{JobRecompute, JobSnapshot, JobDigest, JobPrune, JobBackup}
	if !slices.Contains(known, job) &&
		!(strings.HasPrefix(job, JobPullPrefix) && portfolio.ValidSlug(strings.TrimPrefix(job, JobPullPrefix))) {
		return fmt.Errorf("unknown job %q (known: recompute, snapshot, digest, prune, backup, pull_<source>)", job)
	}
	if spec == Off {
		return nil
	}
	if _, err := ParseSpec(job, "", spec); err != nil {
		return errors.New(portfolio.ErrorMessage(err))
	}
	return nil
}

// Jobs are the plain methods behind each job name, as the CLI could also
// call them; Register wraps them without adding logic. A nil field leaves
// the job unscheduled (logged).
type Jobs struct {
	Recompute func(ctx context.Context, mission string) (string, error)
	Snapshot  func(ctx context.Context, mission string) (string, error)
	Digest    func(ctx context.Context, mission string) (string, error)
	Pull      func(ctx context.Context, mission, source string) (string, error)
	Prune     func(ctx context.Context) (string, error)
	Backup    func(ctx context.Context) (string, error)
}

// func returns the JobFunc of a planned job, or nil.
func (j Jobs) fn(p Planned) JobFunc {
	mission := p.Mission
	switch {
	case p.Job == JobRecompute && j.Recompute != nil:
		return func(ctx context.Context) (string, error) { return j.Recompute(ctx, mission) }
	case p.Job == JobSnapshot && j.Snapshot != nil:
		return func(ctx context.Context) (string, error) { return j.Snapshot(ctx, mission) }
	case p.Job == JobDigest && j.Digest != nil:
		return func(ctx context.Context) (string, error) { return j.Digest(ctx, mission) }
	case p.Job == JobPrune && j.Prune != nil:
		return j.Prune
	case p.Job == JobBackup && j.Backup != nil:
		return j.Backup
	case strings.HasPrefix(p.Job, JobPullPrefix) && j.Pull != nil:
		source := strings.TrimPrefix(p.Job, JobPullPrefix)
		return func(ctx context.Context) (string, error) { return j.Pull(ctx, mission, source) }
	}
	return nil
}

// ServerJob plans a job of the whole server (no mission) on spec, unless
// an override (--schedule JOB=SPEC, BEGIRA_SCHEDULE_<JOB>) replaces it or
// switches it off. Plan itself plans the prune; the backup is planned by
// whoever can take one (a server with a database file).
func ServerJob(job, spec string, overrides map[string]string) (Planned, bool) {
	if o, ok := overrides[job]; ok {
		spec = strings.TrimSpace(o)
	}
	if spec == "" || spec == Off {
		return Planned{}, false
	}
	return Planned{Job: job, Spec: spec, Location: time.UTC}, true
}

// Register adds every planned job to s. A job without a function is
// skipped with a warning; invalid specs are all reported in one error, and
// the valid jobs are registered anyway.
func (s *Scheduler) Register(plan []Planned, jobs Jobs) error {
	var errs []error
	for _, p := range plan {
		fn := jobs.fn(p)
		if fn == nil {
			s.log.Warn("scheduled job has no implementation; not scheduled", "job", p.Job, "mission", p.Mission, "spec", p.Spec)
			continue
		}
		if err := s.Add(p.Job, p.Mission, p.Spec, p.Location, fn); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Pruner deletes old job runs; *store.Store satisfies it.
type Pruner interface {
	PruneJobRuns(ctx context.Context, olderThan time.Time) (int64, error)
}

// PruneJob is the prune job: it deletes the job_run rows that started more
// than keepDays days ago (keepDays ≤ 0 means DefaultJobRunsKeepDays).
// Snapshots are never pruned.
func PruneJob(p Pruner, clock Clock, keepDays int) func(ctx context.Context) (string, error) {
	if keepDays <= 0 {
		keepDays = DefaultJobRunsKeepDays
	}
	return func(ctx context.Context) (string, error) {
		before := clock.Now().UTC().AddDate(0, 0, -keepDays)
		n, err := p.PruneJobRuns(ctx, before)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(`{"job_runs_deleted":%d,"older_than":%q}`, n, before.Format(time.RFC3339)), nil
	}
}
