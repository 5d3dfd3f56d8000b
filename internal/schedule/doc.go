// Package schedule runs Begira's recurring jobs (recompute, snapshot,
// digest, pull_<source>, prune) on cron schedules, each in its mission's
// time zone, and records every run as a job_run row.
//
// It holds no business logic: a job is a plain method of another package
// (snapshot.Service.Take, pull.Puller.PullSource, store.PruneJobRuns, …)
// that the CLI can also run once, registered here under a name and a spec.
//
// From robfig/cron v3 only the spec parser and Schedule.Next are used. The
// rest is a loop: the Scheduler keeps a map of jobs, each with its next
// activation and one running flag; it starts the jobs that are due, then
// waits on its Clock for the earliest next one. A run of a job that is
// still running is recorded as skipped, never queued. A panic is recovered
// around the job's function, logged with its stack and recorded as a
// failed run, and the running flag is cleared on every way out, so the next
// activation runs the job again.
//
// cron.Cron's own loop is not used because it reads the wall clock
// (time.Now and time.NewTimer), which a test cannot drive: a test of a
// daily schedule would have to wait a day. The Scheduler takes a Clock
// instead; tests use FakeClock and Advance it.
package schedule
