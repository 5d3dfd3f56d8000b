// Package schedule runs Begira's recurring jobs (recompute, snapshot,
// digest, pull_<source>, prune) on cron schedules, each in its mission's
// time zone, and records every run as a job_run row.
//
// It is a thin wrapper over robfig/cron v3 and holds no business logic:
// a job is a plain method of another package (snapshot.Service.Take,
// pull.Puller.PullSource, store.PruneJobRuns, …) that the CLI can also
// run once, registered here under a name and a spec.
//
// From cron we reuse the spec parser, Schedule.Next and the JobWrapper
// chain: every job is wrapped as
//
//	cron.NewChain(cron.SkipIfStillRunning(l), cron.Recover(l)).Then(job)
//
// with Skip outermost. In the other order a job that panics once never
// hands back Skip's token and is skipped for ever after; here a panic is
// recovered inside Skip, recorded as a failed run, and the next tick runs
// the job again.
//
// The loop that decides when to run is ours rather than cron.Cron's:
// cron.Cron reads the wall clock (time.Now and time.NewTimer), which a test
// cannot drive, so a test of a daily schedule would have to wait a day. The
// Scheduler takes a Clock instead; tests use FakeClock and Advance it.
package schedule
