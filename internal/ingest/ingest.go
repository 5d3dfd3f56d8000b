package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Modes of commit.
const (
	ModeAppend  = "append"
	ModeReplace = "replace"
	ModeUpsert  = "upsert"
)

// Batch statuses.
const (
	StatusRunning    = "running" // being read and validated; see Batch.Progress
	StatusPreviewed  = "previewed"
	StatusCommitted  = "committed"
	StatusRolledBack = "rolled_back"
	StatusFailed     = "failed"
	StatusDiscarded  = "discarded" // previewed, then given up (see Discard)
)

// Request describes one file to import.
type Request struct {
	Mission   string
	Kind      string
	Mode      string
	Path      string            // the file on disk (uploads are streamed to a temp file first)
	Filename  string            // the name the analyst knows it by
	CreatedBy string            // who uploaded it
	Mapping   map[string]string // explicit header → field
	Dialect   Dialect           // overrides; zero fields are detected
	Sheet     string            // XLSX: the sheet to read ("" = the first)
	// Formats overrides the conventions of single columns, keyed by header
	// or by field name: how a number or date column is written. They win
	// over the file-wide Dialect settings.
	Formats map[string]Format
	// Source names a registered source (e.g. "etorkizuna"): its saved
	// mapping applies when Mapping is empty, and with SaveMapping the
	// mapping used is saved on it for next month's file.
	Source      string
	SaveMapping bool
	// SkipInvalid, given at upload, becomes the default of the commit.
	SkipInvalid bool
}

// Dialect is how a file is written. Zero values mean "detect".
type Dialect struct {
	Encoding           string `json:"encoding"`
	Delimiter          string `json:"delimiter"`
	DecimalSeparator   string `json:"decimal_separator"`
	ThousandsSeparator string `json:"thousands_separator"`
	DateFormat         string `json:"date_format"`
	HeaderRow          int    `json:"header_row"`
	Sheet              string `json:"sheet,omitempty"` // XLSX only
	// Quote is the character that wraps fields holding delimiters, `"`,
	// or "none" when quotes are ordinary text (detected for tab-separated
	// files whose quotes do not wrap whole fields).
	Quote string `json:"quote"`
	// ListSeparator splits multi-valued cells (partners, terms): "|"
	// unless the analyst chooses another.
	ListSeparator string `json:"list_separator"`
	// Century reads two-digit years: "" refuses them, "1900" and "2000"
	// put every one in that century, "auto" reads 00–49 as 20xx and
	// 50–99 as 19xx.
	Century string `json:"century,omitempty"`
}

// Format is how one column is written: its decimal separator (numbers)
// or its date format (dates). Empty means "detect".
type Format struct {
	Decimal    string `json:"decimal,omitempty"`
	DateFormat string `json:"date_format,omitempty"`
}

// Warning is something the preview wants the analyst to look at before
// committing: Code is stable (pages translate it), Message says it in
// English, Column, Lines (the first few), Count and Examples say where.
type Warning struct {
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Column   string   `json:"column,omitempty"`
	Lines    []int64  `json:"lines,omitempty"`
	Count    int64    `json:"count,omitempty"`
	Examples []string `json:"examples,omitempty"`
}

// UnmarshalJSON also reads the plain strings batches recorded before
// warnings had codes.
func (w *Warning) UnmarshalJSON(b []byte) error {
	var text string
	if json.Unmarshal(b, &text) == nil {
		*w = Warning{Code: WarnOther, Message: text}
		return nil
	}
	type plain Warning
	return json.Unmarshal(b, (*plain)(w))
}

// Reject is one refused cell: the line as the analyst sees it in the file
// (1-based, header line included), the column header, the value and why.
type Reject struct {
	Line   int64  `json:"line"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
	Code   string `json:"code"` // stable: pages translate it (see codes.go)
}

// Batch is an import as recorded: what was read, how, and what came of it.
type Batch struct {
	ID           int64       `json:"id"`
	Mission      string      `json:"mission"`
	Kind         string      `json:"kind"`
	Mode         string      `json:"mode"`
	Filename     string      `json:"filename"`
	SHA256       string      `json:"sha256"`
	Status       string      `json:"status"`
	Dialect      Dialect     `json:"dialect"`
	Columns      []Column    `json:"columns"`
	RowsTotal    int64       `json:"rows_total"`
	RowsOK       int64       `json:"rows_ok"`
	RowsRejected int64       `json:"rows_rejected"`
	Rejects      []Reject    `json:"rejects"`
	SkipInvalid  bool        `json:"skip_invalid"`
	Warnings     []Warning   `json:"warnings"`
	RowsFlagged  int64       `json:"rows_flagged"` // rows with a plausibility warning (they still import)
	Sample       []SampleRow `json:"sample"`       // the first rows as they will be stored
	CreatedBy    string      `json:"created_by"`
	CreatedAt    time.Time   `json:"created_at"`
	CommittedAt  *time.Time  `json:"committed_at"`
	RolledBackAt *time.Time  `json:"rolled_back_at"`
	Progress     *Progress   `json:"progress,omitempty"`

	// cells are the sheet cells the preview could not read (formulas
	// without a value): they become rejects once the columns are mapped.
	cells []cellReject
}

// Service runs the pipeline against one store.
type Service struct {
	st       *store.Store
	now      func() time.Time
	progress tracker
	// TempDir holds transcoded copies of files while they are staged
	// ("" = the system's temp directory).
	TempDir string
	// Log receives the duration of every step at debug level (nil: none).
	Log *slog.Logger
	// PreviewTTL is how long an uncommitted preview keeps its staged rows
	// (0: DefaultPreviewTTL).
	PreviewTTL time.Duration
	// StagingLimit caps the staging database, in bytes, with the file being
	// previewed (0: DefaultStagingLimit).
	StagingLimit int64

	mu          sync.Mutex
	onCommitted []func(mission string)
}

// New returns a Service. now is the clock (time.Now in production).
func New(st *store.Store, now func() time.Time) *Service {
	return &Service{st: st, now: now}
}

// OnCommitted registers fn to run after a commit or rollback changed a
// mission's portfolio (caches listen here).
func (s *Service) OnCommitted(fn func(mission string)) {
	s.mu.Lock()
	s.onCommitted = append(s.onCommitted, fn)
	s.mu.Unlock()
}

func (s *Service) notifyCommitted(mission string) {
	s.mu.Lock()
	fns := append([]func(string){}, s.onCommitted...)
	s.mu.Unlock()
	for _, fn := range fns {
		fn(mission)
	}
}

// OnProgress registers fn to receive every progress update (the CLI prints
// them on a terminal). It must return quickly.
func (s *Service) OnProgress(fn func(id int64, p Progress)) {
	s.progress.mu.Lock()
	s.progress.report = fn
	s.progress.mu.Unlock()
}

// maxRejectsShown bounds the rejects returned with a batch; all of them stay
// downloadable.
const maxRejectsShown = 100

// Preview stages and validates a file and records a batch in status
// "previewed". Nothing is written to the portfolio.
func (s *Service) Preview(ctx context.Context, req Request) (*Batch, error) {
	if Fields(req.Kind) == nil {
		return nil, portfolio.Errorf(portfolio.EINVALID, "kind must be projects, organisations or signals, not %q", req.Kind)
	}
	if req.Mode == "" {
		req.Mode = ModeAppend
	}
	if !slices.Contains([]string{ModeAppend, ModeReplace, ModeUpsert}, req.Mode) {
		return nil, portfolio.Errorf(portfolio.EINVALID, "mode must be append, replace or upsert, not %q", req.Mode)
	}
	for h, f := range req.Mapping {
		if !slices.ContainsFunc(Fields(req.Kind), func(x Field) bool { return x.Name == f }) && f != "" {
			return nil, portfolio.Errorf(portfolio.EINVALID, "mapping %q → %q: %q is not a field of %s", h, f, f, req.Kind)
		}
	}
	m, err := s.st.Mission(ctx, req.Mission)
	if err != nil {
		return nil, err
	}
	if req.Mapping, err = s.sourceMapping(ctx, m.ID, req); err != nil {
		return nil, err
	}
	// Each new preview first discards those left uncommitted too long. It
	// is housekeeping: a failure (another preview discarding the same
	// batch) must not refuse this file.
	if _, err := s.discardStale(ctx); err != nil && s.Log != nil {
		s.Log.Warn("discarding stale previews", "error", err)
	}
	if err := s.checkStagingRoom(ctx, req.Path); err != nil {
		return nil, err
	}
	// The file's hash is worked out alongside the preview: it reads the
	// whole file once more, on a core the preview leaves idle much of the
	// time. The batch row gets it when the preview ends, either way.
	hash := make(chan hashed, 1)
	go func() {
		sum, err := fileSHA256(req.Path)
		hash <- hashed{sum, err}
	}()
	b := &Batch{Mission: m.Slug, Kind: req.Kind, Mode: req.Mode, Filename: req.Filename,
		Status: StatusRunning, CreatedBy: req.CreatedBy, CreatedAt: s.now().UTC(), SkipInvalid: req.SkipInvalid}
	if b.ID, err = s.newBatch(ctx, m.ID, b); err != nil {
		<-hash
		return nil, err
	}
	defer s.progress.done(b.ID)
	// Staging reads the whole file into DuckDB: readers that run out of
	// memory meanwhile wait for it (store.Heavy) instead of failing.
	heavy := s.st.Heavy()
	err = s.preview(ctx, m, b, req)
	heavy()
	h := <-hash
	b.SHA256 = h.sum
	if err == nil && h.err != nil {
		err = fmt.Errorf("ingest: %w", h.err)
	}
	if err != nil {
		s.st.DB().ExecContext(ctx, `UPDATE import_batch SET sha256 = ? WHERE id = ?`, b.SHA256, b.ID)
		s.fail(ctx, b.ID)
		return nil, err
	}
	b.Status = StatusPreviewed
	if err := s.saveBatch(ctx, b); err != nil {
		return nil, err
	}
	return s.Batch(ctx, b.ID)
}

// preview runs the steps of Preview after the batch is recorded: decode the
// file to UTF-8 text, stage it, detect its number and date conventions and
// validate every row.
func (s *Service) preview(ctx context.Context, m *portfolio.Mission, b *Batch, req Request) error {
	start := time.Now()
	text, cleanup, err := s.prepare(b, req)
	if err != nil {
		return err
	}
	defer cleanup()
	s.step(b.ID, "prepare", start)
	req.Path = text
	s.progress.set(b.ID, "staging", 0, 0)
	start = time.Now()
	st, err := s.stage(ctx, b, req)
	if err != nil {
		return err
	}
	s.step(b.ID, "stage", start)
	start = time.Now()
	if err := s.detect(ctx, b, req.Dialect, req.Formats, st); err != nil {
		return err
	}
	s.step(b.ID, "detect", start)
	s.progress.set(b.ID, "validating", 0, 0)
	if err := s.validate(ctx, m, b, st); err != nil {
		return err
	}
	return s.saveMapping(ctx, m.ID, b, req)
}

// hashed is the outcome of fileSHA256.
type hashed struct {
	sum string
	err error
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// newBatch records a running batch. Its sha256 is empty until saveBatch
// (or a failure) records it: the file is hashed alongside the preview.
func (s *Service) newBatch(ctx context.Context, missionID int64, b *Batch) (int64, error) {
	var id int64
	err := s.st.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO import_batch (mission_id, kind, filename, sha256, mode, dialect, status, created_by, created_at, skip_invalid)
			VALUES (?, ?, ?, ?, ?, '{}', ?, ?, ?, ?) RETURNING id`,
			missionID, b.Kind, b.Filename, b.SHA256, b.Mode, b.Status, b.CreatedBy, b.CreatedAt, b.SkipInvalid).Scan(&id)
		if err != nil {
			return fmt.Errorf("ingest: new batch: %w", err)
		}
		return s.st.Audit(ctx, tx, store.AuditEntry{Action: "import.upload", Mission: b.Mission, Target: fmt.Sprintf("import:%d", id),
			After: store.Summary(map[string]any{"kind": b.Kind, "mode": b.Mode, "filename": b.Filename})})
	})
	return id, err
}

func (s *Service) saveBatch(ctx context.Context, b *Batch) error {
	dialect, _ := json.Marshal(b.Dialect)
	cols, _ := json.Marshal(b.Columns)
	if b.Warnings == nil {
		b.Warnings = []Warning{}
	}
	warnings, _ := json.Marshal(b.Warnings)
	sample, _ := json.Marshal(b.Sample)
	_, err := s.st.DB().ExecContext(ctx, `
		UPDATE import_batch SET status = ?, sha256 = ?, dialect = ?, columns = ?, warnings = ?, rows_total = ?, rows_ok = ?, rows_rejected = ?,
		       rows_flagged = ?, sample = ?
		WHERE id = ?`, b.Status, b.SHA256, string(dialect), string(cols), string(warnings), b.RowsTotal, b.RowsOK, b.RowsRejected, b.RowsFlagged,
		string(sample), b.ID)
	if err != nil {
		return fmt.Errorf("ingest: save batch: %w", err)
	}
	return nil
}

// fail marks a batch failed and drops its staging tables. It is best effort:
// the caller already has an error to report.
func (s *Service) fail(ctx context.Context, id int64) {
	s.st.DB().ExecContext(ctx, `UPDATE import_batch SET status = 'failed' WHERE id = ?`, id)
	dropStaging(ctx, s.st.DB(), s.st.Catalog(), id)
}

// Batch loads a recorded batch with its first rejects.
func (s *Service) Batch(ctx context.Context, id int64) (*Batch, error) {
	b := &Batch{ID: id}
	var dialect, cols, warnings, sample string
	err := s.st.DB().QueryRowContext(ctx, `
		SELECT m.slug, b.kind, b.mode, b.filename, b.sha256, b.status, b.dialect, b.columns, coalesce(b.warnings, '[]'), coalesce(b.sample, '[]'), coalesce(b.skip_invalid, false),
		       b.rows_total, b.rows_ok, b.rows_rejected, coalesce(b.rows_flagged, 0), b.created_by, b.created_at, b.committed_at, b.rolled_back_at
		FROM import_batch b JOIN mission m ON m.id = b.mission_id WHERE b.id = ?`, id).
		Scan(&b.Mission, &b.Kind, &b.Mode, &b.Filename, &b.SHA256, &b.Status, &dialect, &cols, &warnings, &sample, &b.SkipInvalid,
			&b.RowsTotal, &b.RowsOK, &b.RowsRejected, &b.RowsFlagged, &b.CreatedBy, &b.CreatedAt, &b.CommittedAt, &b.RolledBackAt)
	if err != nil {
		if isNoRows(err) {
			return nil, portfolio.Errorf(portfolio.ENOTFOUND, "import %d not found", id)
		}
		return nil, fmt.Errorf("ingest: batch %d: %w", id, err)
	}
	json.Unmarshal([]byte(dialect), &b.Dialect)
	json.Unmarshal([]byte(cols), &b.Columns)
	json.Unmarshal([]byte(warnings), &b.Warnings)
	json.Unmarshal([]byte(sample), &b.Sample)
	if p, ok := s.progress.get(id); ok {
		b.Progress = &p
	}
	b.Rejects, err = s.Rejects(ctx, id, maxRejectsShown)
	return b, err
}

// Rejects lists a batch's rejects in file order; limit ≤ 0 means all.
func (s *Service) Rejects(ctx context.Context, id int64, limit int) ([]Reject, error) {
	q := `SELECT line, column_name, coalesce(value, ''), reason, coalesce(code, '') FROM import_reject WHERE batch_id = ? ORDER BY line, column_name`
	args := []any{id}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.st.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("ingest: rejects: %w", err)
	}
	defer rows.Close()
	out := []Reject{}
	for rows.Next() {
		var r Reject
		if err := rows.Scan(&r.Line, &r.Column, &r.Value, &r.Reason, &r.Code); err != nil {
			return nil, fmt.Errorf("ingest: rejects: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// step logs how long a step of batch id took, at debug level: the numbers
// behind `make bench-ingest`, for anyone tuning the pipeline.
func (s *Service) step(id int64, name string, start time.Time) {
	if s.Log != nil {
		s.Log.Debug("import step", "batch", id, "step", name, "ms", time.Since(start).Milliseconds())
	}
}

// Batches lists a mission's imports, newest first.
func (s *Service) Batches(ctx context.Context, mission string) ([]Batch, error) {
	m, err := s.st.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	ids, err := s.batchIDs(ctx, `mission_id = ? ORDER BY id DESC LIMIT 200`, m.ID)
	if err != nil {
		return nil, err
	}
	out := []Batch{}
	for _, id := range ids {
		b, err := s.Batch(ctx, id)
		if err != nil {
			return nil, err
		}
		b.Rejects = nil // the list shows counts; a batch's own page shows rejects
		out = append(out, *b)
	}
	return out, nil
}

// batchIDs lists the ids of the batches matching where, which goes on with
// the order (and a limit) wanted.
func (s *Service) batchIDs(ctx context.Context, where string, args ...any) ([]int64, error) {
	rows, err := s.st.DB().QueryContext(ctx, `SELECT id FROM import_batch WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("ingest: batches: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("ingest: batches: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ingest: batches: %w", err)
	}
	return ids, nil
}
