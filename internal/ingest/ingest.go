package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// Request describes one file to import.
type Request struct {
	Mission   string
	Kind      string
	Mode      string
	Path      string            // the file on disk (uploads are streamed to a temp file first)
	Filename  string            // the name the analyst knows it by
	CreatedBy string            // who uploaded it
	Mapping   map[string]string // explicit header → field
	Dialect   portfolio.Dialect // overrides; zero fields are detected
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

	// savedMapping says Mapping is the Source's saved one, not the
	// analyst's own: a header it names may be gone from this month's file.
	savedMapping bool
}

// Format is how one column is written: its decimal separator (numbers)
// or its date format (dates). Empty means "detect".
type Format struct {
	Decimal    string `json:"decimal,omitempty"`
	DateFormat string `json:"date_format,omitempty"`
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

	// traceSQL, when set (tests), sees every statement a commit runs.
	traceSQL func(what, q string)

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
func (s *Service) OnProgress(fn func(id int64, p portfolio.ImportProgress)) {
	s.progress.mu.Lock()
	s.progress.report = fn
	s.progress.mu.Unlock()
}

// maxRejectsShown bounds the rejects returned with a batch; all of them stay
// downloadable.
const maxRejectsShown = 100

// Preview stages and validates a file and records a batch in status
// "previewed". Nothing is written to the portfolio.
func (s *Service) Preview(ctx context.Context, req Request) (*portfolio.ImportBatch, error) {
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
			return nil, portfolio.Refusef(portfolio.EINVALID, "refusal.mapping_field", "mapping %q → %q: %q is not a field of %s", h, f, f,
				portfolio.Coded{Kind: "import_kind", Value: req.Kind})
		}
	}
	m, err := s.st.Mission(ctx, req.Mission)
	if err != nil {
		return nil, err
	}
	req.savedMapping = len(req.Mapping) == 0 && req.Source != ""
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
	b := &portfolio.ImportBatch{Mission: m.Slug, Kind: req.Kind, Mode: req.Mode, Filename: req.Filename,
		Status: portfolio.ImportRunning, CreatedBy: req.CreatedBy, CreatedAt: s.now().UTC(), SkipInvalid: req.SkipInvalid}
	if err = s.st.CreateImportBatch(ctx, m.ID, b); err != nil {
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
		s.st.SetImportSHA256(ctx, b.ID, b.SHA256)
		s.fail(ctx, b.ID)
		return nil, err
	}
	b.Status = portfolio.ImportPreviewed
	if err := s.st.SaveImportBatch(ctx, b); err != nil {
		return nil, err
	}
	return s.Batch(ctx, b.ID)
}

// preview runs the steps of Preview after the batch is recorded: decode the
// file to UTF-8 text, stage it, detect its number and date conventions and
// validate every row.
func (s *Service) preview(ctx context.Context, m *portfolio.Mission, b *portfolio.ImportBatch, req Request) error {
	start := time.Now()
	text, sheet, cleanup, err := s.prepare(b, req)
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
	st.sheet = sheet
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

// Fail marks the batch id failed and drops its staged rows: for a caller
// that gives up a preview nobody will commit (a scheduled pull whose file
// has rejects).
func (s *Service) Fail(ctx context.Context, id int64) { s.fail(ctx, id) }

// fail marks a batch failed and drops its staging tables. It is best effort:
// the caller already has an error to report.
func (s *Service) fail(ctx context.Context, id int64) {
	s.st.FailImport(ctx, id)
	dropStaging(ctx, s.st.DB(), s.st.Catalog(), id)
}

// Batch loads a recorded batch with its first rejects.
func (s *Service) Batch(ctx context.Context, id int64) (*portfolio.ImportBatch, error) {
	b, err := s.st.ImportBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	if p, ok := s.progress.get(id); ok {
		b.Progress = &p
	}
	b.Rejects, err = s.Rejects(ctx, id, maxRejectsShown)
	return b, err
}

// Rejects lists a batch's rejects in file order; limit ≤ 0 means all.
func (s *Service) Rejects(ctx context.Context, id int64, limit int) ([]portfolio.ImportReject, error) {
	return s.st.ImportRejects(ctx, id, limit)
}

// step logs how long a step of batch id took, at debug level: the numbers
// behind `make bench-ingest`, for anyone tuning the pipeline.
func (s *Service) step(id int64, name string, start time.Time) {
	if s.Log != nil {
		s.Log.Debug("import step", "batch", id, "step", name, "ms", time.Since(start).Milliseconds())
	}
}

// Batches lists a mission's imports, newest first (the last 200), in one
// query: the list shows counts, a batch's own page shows its rejects.
func (s *Service) Batches(ctx context.Context, mission string) ([]portfolio.ImportBatch, error) {
	m, err := s.st.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	out, err := s.st.ImportBatches(ctx, store.ImportFilter{MissionID: m.ID, Newest: true, Limit: 200})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if p, ok := s.progress.get(out[i].ID); ok {
			out[i].Progress = &p
		}
		out[i].Rejects = nil
	}
	return out, nil
}
