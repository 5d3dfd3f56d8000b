package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// StartJobRun records a run and returns its id. The status defaults to
// running; a skipped run is recorded whole, with its status and finish time.
// A run someone asked for (manual) is also written to the audit log, in the
// same transaction; scheduled runs have this table as their record.
func (s *Store) StartJobRun(ctx context.Context, r portfolio.JobRun) (int64, error) {
	if r.Status == "" {
		r.Status = portfolio.JobRunning
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO job_run (job, mission, trigger, started_at, finished_at, status, error, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.Job, nullIfEmpty(r.Mission), r.Trigger, r.StartedAt.UTC(), utcOrNull(r.FinishedAt), r.Status,
			nullIfEmpty(r.Error), detailJSON(r.Detail)).Scan(&id)
		if err != nil {
			return fmt.Errorf("store: start job run %s: %w", r.Job, err)
		}
		if r.Trigger != portfolio.JobTriggerManual {
			return nil
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "job.run", Mission: r.Mission, Target: fmt.Sprintf("job_run:%d", id),
			After: Summary(map[string]string{"job": r.Job, "status": r.Status})})
	})
	return id, err
}

// FinishJobRun records the end of a run: its status (ok or failed), the
// error text of a failure and what it produced.
func (s *Store) FinishJobRun(ctx context.Context, id int64, finishedAt time.Time, status, errText string, detail json.RawMessage) error {
	res, err := s.db.ExecContext(ctx, `
		UPDATE job_run SET finished_at = ?, status = ?, error = ?, detail = ? WHERE id = ?`,
		finishedAt.UTC(), status, nullIfEmpty(errText), detailJSON(detail), id)
	if err != nil {
		return fmt.Errorf("store: finish job run %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return portfolio.Errorf(portfolio.ENOTFOUND, "job run %d not found", id)
	}
	return nil
}

// JobRuns lists recorded runs, newest first; limit ≤ 0 means all.
func (s *Store) JobRuns(ctx context.Context, limit int) ([]portfolio.JobRun, error) {
	q := jobRunSelect + ` ORDER BY started_at DESC, id DESC`
	var args []any
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	return s.queryJobRuns(ctx, q, args...)
}

// LatestJobRuns returns the newest run of every job and mission, so that
// a restarted scheduler can show when each job last ran.
func (s *Store) LatestJobRuns(ctx context.Context) ([]portfolio.JobRun, error) {
	return s.queryJobRuns(ctx, jobRunSelect+`
		QUALIFY row_number() OVER (PARTITION BY job, coalesce(mission, '') ORDER BY started_at DESC, id DESC) = 1
		ORDER BY job, mission`)
}

// AbandonJobRuns marks the runs still "running" as failed: called when the
// scheduler starts, they were cut short by a crash or a kill.
func (s *Store) AbandonJobRuns(ctx context.Context, at time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE job_run SET status = 'failed', finished_at = ?, error = 'interrupted: the server stopped while the job ran'
		WHERE status = 'running'`, at.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: abandon job runs: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// PruneJobRuns deletes the finished runs that started before olderThan and
// returns how many went. Running rows are kept whatever their age.
func (s *Store) PruneJobRuns(ctx context.Context, olderThan time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM job_run WHERE started_at < ? AND status <> 'running'`, olderThan.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: prune job runs: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: prune job runs: %w", err)
	}
	return n, nil
}

// jobRunSelect reads mission and error as they are, NULL included: with
// coalesce(mission, ”) DuckDB 1.5 was seen, rarely, to hand the driver a
// NULL while the prune job deleted rows concurrently.
const jobRunSelect = `
	SELECT id, job, mission, trigger, started_at, finished_at, status, error, detail
	FROM job_run`

func (s *Store) queryJobRuns(ctx context.Context, q string, args ...any) ([]portfolio.JobRun, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: job runs: %w", err)
	}
	defer rows.Close()
	out := []portfolio.JobRun{}
	for rows.Next() {
		var r portfolio.JobRun
		var finished sql.NullTime
		var mission, errText, detail sql.NullString
		if err := rows.Scan(&r.ID, &r.Job, &mission, &r.Trigger, &r.StartedAt, &finished, &r.Status, &errText, &detail); err != nil {
			return nil, fmt.Errorf("store: job runs: %w", err)
		}
		r.Mission, r.Error = mission.String, errText.String
		r.StartedAt = r.StartedAt.UTC()
		if finished.Valid {
			t := finished.Time.UTC()
			r.FinishedAt = &t
		}
		if detail.Valid && detail.String != "" {
			r.Detail = json.RawMessage(detail.String)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// detailJSON stores a run's detail as JSON: text that is not JSON is kept
// as a JSON string rather than refused, since a run's outcome must land.
func detailJSON(d json.RawMessage) any {
	if len(d) == 0 {
		return nil
	}
	if json.Valid(d) {
		return string(d)
	}
	b, _ := json.Marshal(string(d))
	return string(b)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func utcOrNull(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
