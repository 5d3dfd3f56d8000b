package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/begira/begira/internal/portfolio"
)

// DeleteSnapshot removes a whole snapshot — its frozen schema, figures,
// project states, organisations, the decisions recorded on it and their
// history — and revokes its guest links, in one transaction audited as
// snapshot.delete with what was removed. Nothing changes a snapshot while
// it exists; this is the only way its rows go, and all of them go at once.
func (s *Store) DeleteSnapshot(ctx context.Context, id int64) (*portfolio.Snapshot, error) {
	sn, err := s.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var decisions int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM decision WHERE snapshot_id = ?`, id).Scan(&decisions); err != nil {
			return fmt.Errorf("store: delete snapshot %d: %w", id, err)
		}
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`DELETE FROM decision_update WHERE decision_id IN (SELECT id FROM decision WHERE snapshot_id = ?)`, []any{id}},
			{`DELETE FROM decision WHERE snapshot_id = ?`, []any{id}},
			{`DELETE FROM snapshot_metric WHERE snapshot_id = ?`, []any{id}},
			{`DELETE FROM snapshot_project WHERE snapshot_id = ?`, []any{id}},
			{`DELETE FROM snapshot_org WHERE snapshot_id = ?`, []any{id}},
			{`UPDATE guest_link SET revoked_at = ? WHERE snapshot_id = ? AND revoked_at IS NULL`, []any{now, id}},
			{`DELETE FROM snapshot WHERE id = ?`, []any{id}},
			{`DROP SCHEMA IF EXISTS ` + snapSchema(id) + ` CASCADE`, nil},
		} {
			if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return fmt.Errorf("store: delete snapshot %d: %w", id, err)
			}
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "snapshot.delete", Mission: sn.Mission, Target: fmt.Sprintf("snapshot:%d", id),
			Before: Summary(map[string]any{"label": sn.Label, "taken_at": sn.TakenAt, "trigger": sn.Trigger,
				"projects": sn.Projects, "metrics": sn.Metrics, "decisions": decisions, "data_hash": sn.DataHash})})
	})
	if err != nil {
		return nil, err
	}
	return sn, nil
}
