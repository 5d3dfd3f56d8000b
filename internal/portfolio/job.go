package portfolio

import (
	"encoding/json"
	"time"
)

// Job run statuses.
const (
	JobRunning = "running"
	JobOK      = "ok"
	JobFailed  = "failed"
	JobSkipped = "skipped"
)

// Job run triggers.
const (
	JobTriggerSchedule = "schedule"
	JobTriggerManual   = "manual"
	JobTriggerStartup  = "startup"
)

// JobRun is one run of a scheduled job as recorded in job_run.
type JobRun struct {
	ID         int64      `json:"id"`
	Job        string     `json:"job"`
	Mission    string     `json:"mission,omitempty"` // "" for jobs of the whole server (prune)
	Trigger    string     `json:"trigger"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Status     string     `json:"status"`
	Error      string     `json:"error,omitempty"`
	// Detail says what the run produced (a snapshot id, a batch and its
	// counts, rows pruned), as JSON.
	Detail json.RawMessage `json:"detail,omitempty"`
}
