package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Rollback restores exactly the state before a committed batch, in one
// transaction: the rows it added are deleted, the rows it overwrote or
// deleted come back from the archive. It is refused, naming the batch to
// roll back first, when a later batch changed rows this one wrote.
func (s *Service) Rollback(ctx context.Context, id int64) (*portfolio.ImportBatch, error) {
	b, err := s.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Status != portfolio.ImportCommitted {
		return nil, portfolio.Refusef(portfolio.ECONFLICT, "refusal.rollback_status", "import %d is %s; only a committed import can be rolled back",
			id, portfolio.Coded{Kind: "import_status", Value: b.Status})
	}
	err = s.st.InTx(ctx, func(tx *sql.Tx) error {
		if err := checkLater(ctx, tx, b); err != nil {
			return err
		}
		var steps []string
		switch b.Kind {
		case KindProjects:
			steps = []string{
				`DELETE FROM project_term_link WHERE project_id IN (SELECT id FROM project WHERE batch_id = $1)`,
				`DELETE FROM project_org WHERE project_id IN (SELECT id FROM project WHERE batch_id = $1)`,
				`DELETE FROM project WHERE batch_id = $1`,
				// Organisations this batch created and nothing else uses.
				`DELETE FROM organisation WHERE batch_id = $1 AND id NOT IN (SELECT org_id FROM project_org)`,
				`INSERT INTO project SELECT * EXCLUDE (archived_by) FROM project_archive WHERE archived_by = $1`,
				`INSERT INTO project_term_link SELECT * EXCLUDE (archived_by) FROM project_term_link_archive WHERE archived_by = $1`,
				`INSERT INTO project_org SELECT * EXCLUDE (archived_by) FROM project_org_archive WHERE archived_by = $1`,
				`INSERT INTO signal_project SELECT * EXCLUDE (archived_by) FROM signal_project_archive WHERE archived_by = $1`,
			}
		case KindSignals:
			steps = []string{
				`DELETE FROM signal_term WHERE signal_id IN (SELECT id FROM signal WHERE batch_id = $1)`,
				`DELETE FROM signal_project WHERE signal_id IN (SELECT id FROM signal WHERE batch_id = $1)`,
				`DELETE FROM signal WHERE batch_id = $1`,
				`INSERT INTO signal SELECT * EXCLUDE (archived_by) FROM signal_archive WHERE archived_by = $1`,
				`INSERT INTO signal_term SELECT * EXCLUDE (archived_by) FROM signal_term_archive WHERE archived_by = $1`,
				`INSERT INTO signal_project SELECT * EXCLUDE (archived_by) FROM signal_project_archive WHERE archived_by = $1`,
			}
		case KindOrganisations:
			steps = []string{
				`DELETE FROM organisation WHERE batch_id = $1`,
				`INSERT INTO organisation SELECT * EXCLUDE (archived_by) FROM organisation_archive WHERE archived_by = $1`,
			}
		}
		for _, t := range []string{"project", "project_term_link", "project_org", "organisation", "signal", "signal_term", "signal_project"} {
			steps = append(steps, `DELETE FROM `+t+`_archive WHERE archived_by = $1`)
		}
		for _, q := range steps {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("ingest: rollback %d: %w", id, err)
			}
		}
		if err := s.st.MarkImportRolledBack(ctx, tx, id, s.now()); err != nil {
			return err
		}
		return s.st.Audit(ctx, tx, store.AuditEntry{Action: "import.rollback", Mission: b.Mission, Target: fmt.Sprintf("import:%d", id),
			Before: store.Summary(map[string]any{"status": portfolio.ImportCommitted, "kind": b.Kind, "rows_ok": b.RowsOK}),
			After:  store.Summary(map[string]string{"status": portfolio.ImportRolledBack})})
	})
	if err != nil {
		return nil, err
	}
	s.notifyCommitted(b.Mission)
	return s.Batch(ctx, id)
}

// checkLater refuses a rollback that would undo or orphan a later batch's
// work: a later batch that archived rows this one wrote, signals that link
// to projects this one created, or projects that use organisations this one
// created.
func checkLater(ctx context.Context, tx *sql.Tx, b *portfolio.ImportBatch) error {
	var archive, links string
	switch b.Kind {
	case KindProjects:
		archive = `project_archive`
		links = `SELECT s.batch_id FROM signal_project sp JOIN signal s ON s.id = sp.signal_id JOIN project p ON p.id = sp.project_id
		         WHERE p.batch_id = $1 AND s.batch_id <> $1 AND p.id NOT IN (SELECT id FROM project_archive WHERE archived_by = $1)`
	case KindSignals:
		archive = `signal_archive`
		links = `SELECT NULL::BIGINT AS batch_id WHERE false`
	case KindOrganisations:
		archive = `organisation_archive`
		links = `SELECT p.batch_id FROM project_org po JOIN organisation o ON o.id = po.org_id JOIN project p ON p.id = po.project_id
		         WHERE o.batch_id = $1 AND p.batch_id <> $1 AND o.id NOT IN (SELECT id FROM organisation_archive WHERE archived_by = $1)`
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`
		SELECT DISTINCT lb.id FROM %s a JOIN import_batch lb ON lb.id = a.archived_by
		WHERE a.batch_id = $1 AND lb.status = 'committed'
		UNION
		SELECT DISTINCT x.batch_id FROM (%s) x JOIN import_batch lb ON lb.id = x.batch_id WHERE lb.status = 'committed'
		ORDER BY 1`, archive, links), b.ID)
	if err != nil {
		return fmt.Errorf("ingest: check later imports: %w", err)
	}
	defer rows.Close()
	var later []string
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("ingest: check later imports: %w", err)
		}
		later = append(later, fmt.Sprint(id))
	}
	if len(later) > 0 {
		return portfolio.Refusef(portfolio.ECONFLICT, "refusal.rollback_later",
			"import %d cannot be rolled back: later import(s) %s changed or use rows it wrote. Roll back import %s first",
			b.ID, strings.Join(later, ", "), later[len(later)-1])
	}
	return rows.Err()
}
