package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// Decision scopes whose ref the store checks against the snapshot.
const (
	decisionScopeProject      = "project"
	decisionScopeCell         = "cell"
	decisionScopeCluster      = "signal_cluster"
	decisionScopeOrganisation = "organisation"
)

// CreateDecision records d (its fields validated by the caller) against its
// snapshot, with the first entry of its history, and sets d's ID, mission
// and timestamps. A project's ref must be a project of the snapshot and a
// cell's ref "a/b" a cell of the snapshot's coverage matrix (C1).
func (s *Store) CreateDecision(ctx context.Context, d *portfolio.Decision, at time.Time) error {
	sn, err := s.Snapshot(ctx, d.SnapshotID)
	if err != nil {
		return err
	}
	at = at.UTC()
	var due any
	if d.DueDate != nil {
		due = d.DueDate.Format(time.DateOnly)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var known bool
		var err error
		switch d.Scope {
		case decisionScopeProject:
			err = tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM snapshot_project WHERE snapshot_id = ? AND ext_ref = ?`,
				sn.ID, d.Ref).Scan(&known)
			if err == nil && !known {
				return portfolio.Refusef(portfolio.EINVALID, "refusal.decision_project", "project %q is not in snapshot %d", d.Ref, sn.ID)
			}
		case decisionScopeCell:
			err = tx.QueryRowContext(ctx, `
				SELECT count(*) > 0 FROM snapshot_metric
				WHERE snapshot_id = ? AND metric_code = 'C1'
				  AND json_extract_string(dims, '$.a') || '/' || json_extract_string(dims, '$.b') = ?`,
				sn.ID, d.Ref).Scan(&known)
			if err == nil && !known {
				return portfolio.Refusef(portfolio.EINVALID, "refusal.decision_cell", "cell %q is not a cell of snapshot %d's coverage matrix (write it a/b, e.g. %s)",
					d.Ref, sn.ID, "decarbonisation/community")
			}
		case decisionScopeCluster:
			// The term of the snapshot's frozen signals (its own schema).
			scheme, term, _ := strings.Cut(d.Ref, "/")
			err = tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) > 0 FROM %s.signal_term st JOIN %[1]s.signal g ON g.id = st.signal_id
				WHERE g.mission_id = ? AND st.scheme_code = ? AND st.term_code = ?`, snapSchema(sn.ID)), sn.MissionID, scheme, term).Scan(&known)
			if err == nil && !known {
				return portfolio.Refusef(portfolio.EINVALID, "refusal.decision_cluster", "no signal of snapshot %d carries the term %q", sn.ID, d.Ref)
			}
		case decisionScopeOrganisation:
			err = tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) > 0 FROM %s.organisation WHERE mission_id = ? AND name = ?`, snapSchema(sn.ID)),
				sn.MissionID, d.Ref).Scan(&known)
			if err == nil && !known {
				return portfolio.Refusef(portfolio.EINVALID, "refusal.decision_organisation", "no organisation named %q in snapshot %d", d.Ref, sn.ID)
			}
		}
		if err != nil {
			return fmt.Errorf("store: create decision: %w", err)
		}
		err = tx.QueryRowContext(ctx, `
			INSERT INTO decision (mission_id, snapshot_id, scope, ref, type, rationale, owner, due_date, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?::DATE, ?, ?, ?) RETURNING id`,
			sn.MissionID, sn.ID, d.Scope, d.Ref, d.Type, d.Rationale, d.Owner, due, d.Status, at, at).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("store: create decision: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO decision_update (decision_id, changed_at, status, note) VALUES (?, ?, ?, '')`,
			d.ID, at, d.Status); err != nil {
			return fmt.Errorf("store: create decision: %w", err)
		}
		d.MissionID, d.Mission, d.SnapshotLabel, d.SnapshotTakenAt = sn.MissionID, sn.Mission, sn.Label, sn.TakenAt
		d.CreatedAt, d.UpdatedAt = at, at
		d.Updates = []portfolio.DecisionUpdate{{At: at, Status: d.Status}}
		return s.Audit(ctx, tx, AuditEntry{Action: "decision.create", Mission: sn.Mission,
			Target: fmt.Sprintf("decision:%d", d.ID), After: Summary(map[string]any{"snapshot": sn.ID, "scope": d.Scope,
				"ref": d.Ref, "type": d.Type, "status": d.Status, "owner": d.Owner, "rationale": d.Rationale})})
	})
}

// UpdateDecisionStatus moves a decision to status and appends the move,
// with its note, to the history.
func (s *Store) UpdateDecisionStatus(ctx context.Context, id int64, status, note string, at time.Time) error {
	at = at.UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var before, mission string
		err := tx.QueryRowContext(ctx, `SELECT d.status, m.slug FROM decision d JOIN mission m ON m.id = d.mission_id WHERE d.id = ?`,
			id).Scan(&before, &mission)
		if errors.Is(err, sql.ErrNoRows) {
			return portfolio.Errorf(portfolio.ENOTFOUND, "decision %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("store: update decision %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE decision SET status = ?, updated_at = ? WHERE id = ?`, status, at, id); err != nil {
			return fmt.Errorf("store: update decision %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO decision_update (decision_id, changed_at, status, note) VALUES (?, ?, ?, ?)`,
			id, at, status, note); err != nil {
			return fmt.Errorf("store: update decision %d: %w", id, err)
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "decision.update", Mission: mission, Target: fmt.Sprintf("decision:%d", id),
			Before: Summary(map[string]string{"status": before}), After: Summary(map[string]string{"status": status, "note": note})})
	})
}

const decisionSelect = `
	SELECT d.id, d.mission_id, m.slug, d.snapshot_id, sn.label, sn.taken_at, d.scope, d.ref, d.type, d.rationale,
	       d.owner, d.due_date, d.status, d.created_at, d.updated_at
	FROM decision d JOIN snapshot sn ON sn.id = d.snapshot_id JOIN mission m ON m.id = d.mission_id`

// Decision loads one decision with its history.
func (s *Store) Decision(ctx context.Context, id int64) (*portfolio.Decision, error) {
	ds, err := s.decisions(ctx, decisionSelect+` WHERE d.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "decision %d not found", id)
	}
	return &ds[0], nil
}

// Decisions lists a mission's decisions, those of the latest snapshot
// first. With through > 0, only the decisions taken on that snapshot or on
// earlier ones of its mission: what its pack shows.
func (s *Store) Decisions(ctx context.Context, missionID, through int64) ([]portfolio.Decision, error) {
	q := decisionSelect + ` WHERE d.mission_id = $1`
	args := []any{missionID}
	if through > 0 {
		q += ` AND EXISTS (SELECT 1 FROM snapshot me WHERE me.id = $2 AND me.mission_id = d.mission_id
		         AND (sn.taken_at < me.taken_at OR (sn.taken_at = me.taken_at AND sn.id <= me.id)))`
		args = append(args, through)
	}
	return s.decisions(ctx, q+` ORDER BY sn.taken_at DESC, sn.id DESC, d.id`, args...)
}

func (s *Store) decisions(ctx context.Context, q string, args ...any) ([]portfolio.Decision, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: decisions: %w", err)
	}
	out := []portfolio.Decision{}
	byID := map[int64]int{}
	for rows.Next() {
		var d portfolio.Decision
		var due sql.NullTime
		if err := rows.Scan(&d.ID, &d.MissionID, &d.Mission, &d.SnapshotID, &d.SnapshotLabel, &d.SnapshotTakenAt, &d.Scope,
			&d.Ref, &d.Type, &d.Rationale, &d.Owner, &due, &d.Status, &d.CreatedAt, &d.UpdatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: decisions: %w", err)
		}
		d.DueDate = date(due)
		d.SnapshotTakenAt, d.CreatedAt, d.UpdatedAt = d.SnapshotTakenAt.UTC(), d.CreatedAt.UTC(), d.UpdatedAt.UTC()
		d.Updates = []portfolio.DecisionUpdate{}
		byID[d.ID] = len(out)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: decisions: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(out))
	for _, d := range out {
		ids = append(ids, d.ID)
	}
	rows, err = s.db.QueryContext(ctx, `
		SELECT decision_id, changed_at, status, note FROM decision_update
		WHERE list_contains(?::BIGINT[], decision_id) ORDER BY decision_id, changed_at, rowid`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: decision updates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var u portfolio.DecisionUpdate
		if err := rows.Scan(&id, &u.At, &u.Status, &u.Note); err != nil {
			return nil, fmt.Errorf("store: decision updates: %w", err)
		}
		u.At = u.At.UTC()
		i := byID[id]
		out[i].Updates = append(out[i].Updates, u)
	}
	return out, rows.Err()
}
