package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// DefaultPreviewTTL is how long a preview nobody commits keeps its staged
// rows. A preview of a large file holds a copy of it in the staging
// database (a million rows take about 650 MB), so previews left behind are
// discarded.
const DefaultPreviewTTL = 24 * time.Hour

// Discard gives up a previewed batch: its staged rows are dropped, and the
// batch stays in the history as discarded, with its rejects. Nothing in the
// portfolio changes.
func (s *Service) Discard(ctx context.Context, id int64) (*portfolio.ImportBatch, error) {
	b, err := s.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Status != portfolio.ImportPreviewed {
		return nil, portfolio.Refusef(portfolio.ECONFLICT, "refusal.discard_status", "import %d is %s; only a previewed import can be discarded",
			id, portfolio.Coded{Kind: "import_status", Value: b.Status})
	}
	if err := s.discard(ctx, b); err != nil {
		return nil, err
	}
	return s.Batch(ctx, id)
}

// discard marks the previewed batch b discarded, then drops its staging
// tables. A batch whose status changed meanwhile (a commit won the race)
// is refused.
func (s *Service) discard(ctx context.Context, b *portfolio.ImportBatch) error {
	err := s.st.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.st.MarkImportDiscarded(ctx, tx, b.ID); err != nil {
			return err
		}
		return s.st.Audit(ctx, tx, store.AuditEntry{Action: "import.discard", Mission: b.Mission, Target: fmt.Sprintf("import:%d", b.ID),
			Before: store.Summary(map[string]string{"status": portfolio.ImportPreviewed}),
			After:  store.Summary(map[string]any{"status": portfolio.ImportDiscarded, "filename": b.Filename, "rows_total": b.RowsTotal})})
	})
	if err == nil {
		dropStaging(ctx, s.st.DB(), s.st.Catalog(), b.ID)
	}
	return err
}

// Recover cleans up after imports that will never finish: batches still
// running when the process that read them died (the caller must be the
// only process using the database, as DuckDB's lock guarantees, and call
// it before starting imports) become failed; previews older than
// PreviewTTL, those whose commit the process died in, and those whose
// staged file is gone (previewed before an upgrade), are discarded. All lose their staged rows. It returns how many
// batches it ended.
func (s *Service) Recover(ctx context.Context) (int, error) {
	running, err := s.st.ImportBatches(ctx, store.ImportFilter{Status: portfolio.ImportRunning})
	if err != nil {
		return 0, err
	}
	for _, b := range running {
		s.fail(ctx, b.ID)
	}
	n, err := s.discardStale(ctx)
	if err != nil {
		return len(running) + n, err
	}
	// A preview whose commit started and never ended or failed: the
	// process died committing it. Its staged rows would wait a day.
	killed, err := s.discardWhere(ctx, store.ImportFilter{Status: portfolio.ImportPreviewed, CommitStarted: true})
	n += killed
	if err != nil {
		return len(running) + n, err
	}
	lost, err := s.discardWhere(ctx, store.ImportFilter{Status: portfolio.ImportPreviewed, Unstaged: true})
	return len(running) + n + lost, err
}

// discardStale discards the previews older than PreviewTTL.
func (s *Service) discardStale(ctx context.Context) (int, error) {
	ttl := s.PreviewTTL
	if ttl <= 0 {
		ttl = DefaultPreviewTTL
	}
	return s.discardWhere(ctx, store.ImportFilter{Status: portfolio.ImportPreviewed, CreatedBefore: s.now().Add(-ttl)})
}

// discardWhere discards, as the system, every previewed batch f selects.
// A batch that cannot be discarded does not stop the others: it returns
// how many were and the first error.
func (s *Service) discardWhere(ctx context.Context, f store.ImportFilter) (int, error) {
	batches, err := s.st.ImportBatches(ctx, f)
	if err != nil {
		return 0, err
	}
	ctx = portfolio.WithActor(ctx, "system")
	var n int
	var first error
	for i := range batches {
		err := s.discard(ctx, &batches[i])
		if err == nil {
			n++
		} else if first == nil {
			first = err
		}
	}
	return n, first
}
