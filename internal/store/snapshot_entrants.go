package store

import (
	"context"
	"fmt"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// NewEntrants computes C14 over the projects in scope of the tables the
// store reads (live ones, or a snapshot's through AsOf) against the
// snapshots of the mission taken before the given instant. For a store as
// of a snapshot, pass its taken_at.
func (s *Store) NewEntrants(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope, before time.Time) (*portfolio.Entrants, error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH p AS (
		    SELECT id FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)
		),
		orgs AS (
		    SELECT o.name_key, min(o.name) AS name
		    FROM project_org po JOIN p ON p.id = po.project_id JOIN organisation o ON o.id = po.org_id
		    GROUP BY o.name_key
		),
		earlier AS (
		    SELECT id FROM snapshot WHERE mission_id = $1 AND taken_at < $11
		)
		SELECT o.name,
		       o.name_key IN (SELECT so.name_key FROM snapshot_org so JOIN earlier e ON e.id = so.snapshot_id)
		FROM orgs o ORDER BY o.name_key`, append(scopeArgs(m.ID, sc), before.UTC())...)
	if err != nil {
		return nil, fmt.Errorf("store: new entrants: %w", err)
	}
	defer rows.Close()
	e := &portfolio.Entrants{New: []string{}}
	if err := scanEntrants(rows, e); err != nil {
		return nil, fmt.Errorf("store: new entrants: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM snapshot WHERE mission_id = ? AND taken_at < ?`,
		m.ID, before.UTC()).Scan(&e.Earlier); err != nil {
		return nil, fmt.Errorf("store: new entrants: %w", err)
	}
	return e, nil
}

// SnapshotNewEntrants computes C14 for a snapshot from what it recorded: its
// organisations in scope against those of the mission's snapshots taken
// before it (earlier taken_at, or the same instant and a smaller id).
func (s *Store) SnapshotNewEntrants(ctx context.Context, id int64) (*portfolio.Entrants, error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH me AS (SELECT id, mission_id, taken_at FROM snapshot WHERE id = $1),
		earlier AS (
		    SELECT s.id FROM snapshot s, me
		    WHERE s.mission_id = me.mission_id AND (s.taken_at < me.taken_at OR (s.taken_at = me.taken_at AND s.id < me.id))
		),
		orgs AS (
		    SELECT name_key, min(name) AS name FROM snapshot_org WHERE snapshot_id = $1 GROUP BY name_key
		)
		SELECT o.name,
		       o.name_key IN (SELECT so.name_key FROM snapshot_org so JOIN earlier e ON e.id = so.snapshot_id)
		FROM orgs o ORDER BY o.name_key`, id)
	if err != nil {
		return nil, fmt.Errorf("store: snapshot %d new entrants: %w", id, err)
	}
	defer rows.Close()
	e := &portfolio.Entrants{New: []string{}}
	if err := scanEntrants(rows, e); err != nil {
		return nil, fmt.Errorf("store: snapshot %d new entrants: %w", id, err)
	}
	err = s.db.QueryRowContext(ctx, `
		SELECT count(*) FROM snapshot s, snapshot me
		WHERE me.id = $1 AND s.mission_id = me.mission_id
		  AND (s.taken_at < me.taken_at OR (s.taken_at = me.taken_at AND s.id < me.id))`, id).Scan(&e.Earlier)
	if err != nil {
		return nil, fmt.Errorf("store: snapshot %d new entrants: %w", id, err)
	}
	return e, nil
}

func scanEntrants(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}, e *portfolio.Entrants) error {
	for rows.Next() {
		var name string
		var seen bool
		if err := rows.Scan(&name, &seen); err != nil {
			return err
		}
		e.Total++
		if !seen {
			e.New = append(e.New, name)
		}
	}
	return rows.Err()
}
