package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// The import batch records: what the import pipeline (internal/ingest)
// read, how, and what came of it. The pipeline's own statements (staging,
// validation, commit) live with it; the records' reads and writes live
// here.

// ImportFilter selects import batches. Zero fields select everything.
type ImportFilter struct {
	MissionID     int64
	Status        string
	CreatedBefore time.Time
	// Unstaged keeps the batches whose staged file is gone from the
	// staging database (previewed before an upgrade, or cleared).
	Unstaged bool
	// CommitStarted keeps the batches whose commit started and neither
	// ended nor failed: the process died committing them.
	CommitStarted bool
	// Newest lists newest first (the history pages); otherwise oldest
	// first (the housekeeping that ends batches one by one).
	Newest bool
	Limit  int
}

// importColumns are the columns an import batch is read with, in
// scanImport's order.
const importColumns = `b.id, m.slug, b.kind, b.mode, b.filename, b.sha256, b.status, b.dialect, b.columns,
	coalesce(b.warnings, '[]'), coalesce(b.sample, '[]'), coalesce(b.skip_invalid, false),
	b.rows_total, b.rows_ok, b.rows_rejected, coalesce(b.rows_flagged, 0), b.created_by, b.created_at, b.committed_at, b.rolled_back_at`

func scanImport(r rowScanner) (*portfolio.ImportBatch, error) {
	b := &portfolio.ImportBatch{}
	var dialect, cols, warnings, sample string
	err := r.Scan(&b.ID, &b.Mission, &b.Kind, &b.Mode, &b.Filename, &b.SHA256, &b.Status, &dialect, &cols, &warnings, &sample, &b.SkipInvalid,
		&b.RowsTotal, &b.RowsOK, &b.RowsRejected, &b.RowsFlagged, &b.CreatedBy, &b.CreatedAt, &b.CommittedAt, &b.RolledBackAt)
	if err != nil {
		return nil, err
	}
	json.Unmarshal([]byte(dialect), &b.Dialect)
	json.Unmarshal([]byte(cols), &b.Columns)
	json.Unmarshal([]byte(warnings), &b.Warnings)
	json.Unmarshal([]byte(sample), &b.Sample)
	return b, nil
}

// ImportBatch loads a recorded batch, without its rejects (see
// ImportRejects).
func (s *Store) ImportBatch(ctx context.Context, id int64) (*portfolio.ImportBatch, error) {
	b, err := scanImport(s.db.QueryRowContext(ctx, `SELECT `+importColumns+`
		FROM import_batch b JOIN mission m ON m.id = b.mission_id WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "import %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: import %d: %w", id, err)
	}
	return b, nil
}

// ImportBatches lists the batches f selects, in one query, without their
// rejects.
func (s *Store) ImportBatches(ctx context.Context, f ImportFilter) ([]portfolio.ImportBatch, error) {
	var where []string
	var args []any
	if f.MissionID != 0 {
		where, args = append(where, `b.mission_id = ?`), append(args, f.MissionID)
	}
	if f.Status != "" {
		where, args = append(where, `b.status = ?`), append(args, f.Status)
	}
	if !f.CreatedBefore.IsZero() {
		where, args = append(where, `b.created_at < ?`), append(args, f.CreatedBefore)
	}
	if f.CommitStarted {
		where = append(where, `b.commit_started_at IS NOT NULL`)
	}
	if f.Unstaged {
		where = append(where, `b.id NOT IN (SELECT TRY_CAST(substr(view_name, 5) AS BIGINT) FROM duckdb_views()
			WHERE database_name = ? AND starts_with(view_name, 'stg_'))`)
		args = append(args, StagingCatalog)
	}
	q := `SELECT ` + importColumns + ` FROM import_batch b JOIN mission m ON m.id = b.mission_id`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	if f.Newest {
		q += ` ORDER BY b.id DESC`
	} else {
		q += ` ORDER BY b.id`
	}
	if f.Limit > 0 {
		q, args = q+` LIMIT ?`, append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: imports: %w", err)
	}
	defer rows.Close()
	out := []portfolio.ImportBatch{}
	for rows.Next() {
		b, err := scanImport(rows)
		if err != nil {
			return nil, fmt.Errorf("store: imports: %w", err)
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// ImportRejects lists a batch's rejects in file order; limit ≤ 0 means all.
func (s *Store) ImportRejects(ctx context.Context, id int64, limit int) ([]portfolio.ImportReject, error) {
	q := `SELECT line, column_name, coalesce(value, ''), reason, coalesce(code, '') FROM import_reject WHERE batch_id = ? ORDER BY line, column_name`
	args := []any{id}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: import rejects: %w", err)
	}
	defer rows.Close()
	out := []portfolio.ImportReject{}
	for rows.Next() {
		var r portfolio.ImportReject
		if err := rows.Scan(&r.Line, &r.Column, &r.Value, &r.Reason, &r.Code); err != nil {
			return nil, fmt.Errorf("store: import rejects: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddImportRejects records rejects of batch id one by one (the few cells
// the pipeline refuses outside its set-based checks).
func (s *Store) AddImportRejects(ctx context.Context, id int64, rejects []portfolio.ImportReject) error {
	for _, r := range rejects {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO import_reject (batch_id, line, column_name, value, reason, code) VALUES (?, ?, ?, ?, ?, ?)`,
			id, r.Line, r.Column, r.Value, r.Reason, r.Code); err != nil {
			return fmt.Errorf("store: import rejects: %w", err)
		}
	}
	return nil
}

// CreateImportBatch records b, a batch of the mission missionID (usually
// running, its sha256 still empty), with its audit entry, and sets b.ID.
func (s *Store) CreateImportBatch(ctx context.Context, missionID int64, b *portfolio.ImportBatch) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO import_batch (mission_id, kind, filename, sha256, mode, dialect, status, created_by, created_at, skip_invalid)
			VALUES (?, ?, ?, ?, ?, '{}', ?, ?, ?, ?) RETURNING id`,
			missionID, b.Kind, b.Filename, b.SHA256, b.Mode, b.Status, b.CreatedBy, b.CreatedAt, b.SkipInvalid).Scan(&b.ID)
		if err != nil {
			return fmt.Errorf("store: new import: %w", err)
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "import.upload", Mission: b.Mission, Target: fmt.Sprintf("import:%d", b.ID),
			After: Summary(map[string]any{"kind": b.Kind, "mode": b.Mode, "filename": b.Filename})})
	})
}

// SaveImportBatch writes what a preview found out about b: its status,
// hash, dialect, columns, warnings, counts and sample.
func (s *Store) SaveImportBatch(ctx context.Context, b *portfolio.ImportBatch) error {
	dialect, _ := json.Marshal(b.Dialect)
	cols, _ := json.Marshal(b.Columns)
	warnings := b.Warnings
	if warnings == nil {
		warnings = []portfolio.ImportWarning{}
	}
	w, _ := json.Marshal(warnings)
	sample, _ := json.Marshal(b.Sample)
	_, err := s.db.ExecContext(ctx, `
		UPDATE import_batch SET status = ?, sha256 = ?, dialect = ?, columns = ?, warnings = ?, rows_total = ?, rows_ok = ?, rows_rejected = ?,
		       rows_flagged = ?, sample = ?
		WHERE id = ?`, b.Status, b.SHA256, string(dialect), string(cols), string(w), b.RowsTotal, b.RowsOK, b.RowsRejected, b.RowsFlagged,
		string(sample), b.ID)
	if err != nil {
		return fmt.Errorf("store: save import: %w", err)
	}
	return nil
}

// SetImportSHA256 records the hash of batch id's file.
func (s *Store) SetImportSHA256(ctx context.Context, id int64, sum string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE import_batch SET sha256 = ? WHERE id = ?`, sum, id); err != nil {
		return fmt.Errorf("store: import hash: %w", err)
	}
	return nil
}

// SetImportSource records that batch id was pulled from source sourceID.
func (s *Store) SetImportSource(ctx context.Context, id, sourceID int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE import_batch SET source_id = ? WHERE id = ?`, sourceID, id); err != nil {
		return fmt.Errorf("store: import source: %w", err)
	}
	return nil
}

// FailImport marks batch id failed.
func (s *Store) FailImport(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE import_batch SET status = ? WHERE id = ?`, portfolio.ImportFailed, id); err != nil {
		return fmt.Errorf("store: fail import %d: %w", id, err)
	}
	return nil
}

// MarkCommitStarted records that batch id's commit started at at, outside
// the commit's transaction so that the mark outlives a process killed
// mid-commit (ImportFilter.CommitStarted finds it at the next start);
// ClearCommitStarted takes it back when the commit fails.
func (s *Store) MarkCommitStarted(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE import_batch SET commit_started_at = ? WHERE id = ?`, at.UTC(), id); err != nil {
		return fmt.Errorf("store: mark commit %d started: %w", id, err)
	}
	return nil
}

// ClearCommitStarted: see MarkCommitStarted.
func (s *Store) ClearCommitStarted(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE import_batch SET commit_started_at = NULL WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: clear commit %d started: %w", id, err)
	}
	return nil
}

// MarkImportCommitted marks batch id committed at at, inside the commit's
// transaction.
func (s *Store) MarkImportCommitted(ctx context.Context, tx *sql.Tx, id int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE import_batch SET status = ?, committed_at = ? WHERE id = ?`, portfolio.ImportCommitted, at.UTC(), id)
	if err != nil {
		return fmt.Errorf("store: mark import %d committed: %w", id, err)
	}
	return nil
}

// MarkImportRolledBack marks batch id rolled back at at, inside the
// rollback's transaction.
func (s *Store) MarkImportRolledBack(ctx context.Context, tx *sql.Tx, id int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE import_batch SET status = ?, rolled_back_at = ? WHERE id = ?`, portfolio.ImportRolledBack, at.UTC(), id)
	if err != nil {
		return fmt.Errorf("store: mark import %d rolled back: %w", id, err)
	}
	return nil
}

// MarkImportDiscarded marks the previewed batch id discarded, inside tx.
// A batch whose status changed meanwhile (a commit won the race) is
// refused.
func (s *Store) MarkImportDiscarded(ctx context.Context, tx *sql.Tx, id int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE import_batch SET status = ? WHERE id = ? AND status = ?`,
		portfolio.ImportDiscarded, id, portfolio.ImportPreviewed)
	if err != nil {
		return fmt.Errorf("store: discard import %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return portfolio.Errorf(portfolio.ECONFLICT, "import %d changed meanwhile; reload it", id)
	}
	return nil
}
