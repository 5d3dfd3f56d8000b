package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// AuditEntry is one row of the audit log: who (the context's actor), when
// (the store's clock), what, and a summary of the state before and after.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Mission string    `json:"mission"`
	Target  string    `json:"target"`
	Before  string    `json:"before"` // JSON, "" when nothing existed
	After   string    `json:"after"`  // JSON, "" when nothing remains
}

// Summary encodes v for AuditEntry.Before and After; nil gives "".
func Summary(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// Audit writes e in q, which must be the transaction of the change e
// records: the change and its record land together or not at all.
func (s *Store) Audit(ctx context.Context, q Querier, e AuditEntry) error {
	_, err := q.ExecContext(ctx, `
		INSERT INTO audit_log (at_time, actor, action, mission, target, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.now().UTC(), string(portfolio.ActorFrom(ctx)), e.Action, e.Mission, e.Target, e.Before, e.After)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter selects audit rows; zero fields match everything.
type AuditFilter struct {
	Mission string
	Action  string // a prefix: "import" matches import.commit
	Actor   string
	Before  int64 // rows with id < Before (paging backwards); 0 = newest
	Limit   int
}

// AuditLog returns audit rows, newest first.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	rows, err := s.pool.QueryContext(ctx, `
		SELECT id, at_time, actor, action, mission, target, before_json, after_json
		FROM audit_log
		WHERE (? = '' OR mission = ?)
		  AND (? = '' OR starts_with(action, ?))
		  AND (? = '' OR actor = ?)
		  AND (? = 0 OR id < ?)
		ORDER BY id DESC
		LIMIT ?`,
		f.Mission, f.Mission, f.Action, f.Action, f.Actor, f.Actor, f.Before, f.Before, f.Limit)
	out, err := collect(rows, err, func(r rowScanner) (*AuditEntry, error) {
		var e AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Mission, &e.Target, &e.Before, &e.After)
		e.At = e.At.UTC()
		return &e, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}
