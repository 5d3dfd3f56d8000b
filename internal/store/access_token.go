package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/begira/begira/internal/portfolio"
)

// CreateToken stores a token by its hash and sets t's ID and creation.
func (s *Store) CreateToken(ctx context.Context, t *portfolio.Token, hash string) error {
	t.CreatedAt = s.now().UTC()
	t.CreatedBy = string(portfolio.ActorFrom(ctx))
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO api_token (name, hash, role, mission, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			t.Name, hash, t.Role, t.Mission, t.CreatedAt, t.CreatedBy).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("store: create token: %w", err)
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "token.create", Mission: missionOf(t.Mission),
			Target: "token:" + strconv.FormatInt(t.ID, 10), After: Summary(t)})
	})
}

// missionOf is the audit row's mission for a grant's scope.
func missionOf(scope string) string {
	if scope == "*" {
		return ""
	}
	return scope
}

const tokenColumns = `id, name, role, mission, created_at, created_by, revoked_at`

func scanToken(row rowScanner) (*portfolio.Token, error) {
	var t portfolio.Token
	var revoked sql.NullTime
	if err := row.Scan(&t.ID, &t.Name, &t.Role, &t.Mission, &t.CreatedAt, &t.CreatedBy, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if revoked.Valid {
		r := revoked.Time.UTC()
		t.RevokedAt = &r
	}
	return &t, nil
}

// Tokens lists every token, newest first, revoked ones included.
func (s *Store) Tokens(ctx context.Context) ([]portfolio.Token, error) {
	rows, err := s.pool.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_token ORDER BY id DESC`)
	out, err := collect(rows, err, scanToken)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	return out, nil
}

// TokenByHash returns the live (unrevoked) token with that hash, or ENOTFOUND.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*portfolio.Token, error) {
	t, err := scanToken(s.pool.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_token WHERE hash = ? AND revoked_at IS NULL`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "no such token")
	}
	if err != nil {
		return nil, fmt.Errorf("store: token: %w", err)
	}
	return t, nil
}

// RevokeToken revokes token id; revoking twice is a no-op.
func (s *Store) RevokeToken(ctx context.Context, id int64) (*portfolio.Token, error) {
	var t *portfolio.Token
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_token WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return portfolio.Errorf(portfolio.ENOTFOUND, "no token %d", id)
		}
		if err != nil {
			return fmt.Errorf("store: revoke token: %w", err)
		}
		if t.RevokedAt != nil {
			return nil
		}
		now := s.now().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE api_token SET revoked_at = ? WHERE id = ?`, now, id); err != nil {
			return fmt.Errorf("store: revoke token: %w", err)
		}
		t.RevokedAt = &now
		return s.Audit(ctx, tx, AuditEntry{Action: "token.revoke", Mission: missionOf(t.Mission),
			Target: "token:" + strconv.FormatInt(id, 10), Before: Summary(map[string]any{"revoked": false}),
			After: Summary(map[string]any{"revoked": true})})
	})
	return t, err
}

// CreateGuestLink stores g (mission, snapshot, label, expiry set by the
// caller, who checked the snapshot belongs to the mission).
func (s *Store) CreateGuestLink(ctx context.Context, g *portfolio.GuestLink) error {
	g.CreatedAt = s.now().UTC()
	g.CreatedBy = string(portfolio.ActorFrom(ctx))
	g.ExpiresAt = g.ExpiresAt.UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO guest_link (mission, snapshot_id, label, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			g.Mission, g.SnapshotID, g.Label, g.CreatedBy, g.CreatedAt, g.ExpiresAt).Scan(&g.ID)
		if err != nil {
			return fmt.Errorf("store: create guest link: %w", err)
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "guest_link.create", Mission: g.Mission,
			Target: "guest_link:" + strconv.FormatInt(g.ID, 10), After: Summary(g)})
	})
}

const guestColumns = `id, mission, snapshot_id, label, created_by, created_at, expires_at, revoked_at`

func scanGuest(row rowScanner) (*portfolio.GuestLink, error) {
	var g portfolio.GuestLink
	var revoked sql.NullTime
	if err := row.Scan(&g.ID, &g.Mission, &g.SnapshotID, &g.Label, &g.CreatedBy, &g.CreatedAt, &g.ExpiresAt, &revoked); err != nil {
		return nil, err
	}
	g.CreatedAt, g.ExpiresAt = g.CreatedAt.UTC(), g.ExpiresAt.UTC()
	if revoked.Valid {
		r := revoked.Time.UTC()
		g.RevokedAt = &r
	}
	return &g, nil
}

// GuestLink returns link id, revoked or not, or ENOTFOUND.
func (s *Store) GuestLink(ctx context.Context, id int64) (*portfolio.GuestLink, error) {
	g, err := scanGuest(s.pool.QueryRowContext(ctx, `SELECT `+guestColumns+` FROM guest_link WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "no guest link %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: guest link: %w", err)
	}
	return g, nil
}

// GuestLinks lists a mission's links, newest first.
func (s *Store) GuestLinks(ctx context.Context, mission string) ([]portfolio.GuestLink, error) {
	rows, err := s.pool.QueryContext(ctx, `SELECT `+guestColumns+` FROM guest_link WHERE mission = ? ORDER BY id DESC`, mission)
	out, err := collect(rows, err, scanGuest)
	if err != nil {
		return nil, fmt.Errorf("store: guest links: %w", err)
	}
	return out, nil
}

// RevokeGuestLink ends link id at once.
func (s *Store) RevokeGuestLink(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE guest_link SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, s.now().UTC(), id)
		if err != nil {
			return fmt.Errorf("store: revoke guest link: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		var mission string
		if err := tx.QueryRowContext(ctx, `SELECT mission FROM guest_link WHERE id = ?`, id).Scan(&mission); err != nil {
			return fmt.Errorf("store: revoke guest link: %w", err)
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "guest_link.revoke", Mission: mission,
			Target: "guest_link:" + strconv.FormatInt(id, 10)})
	})
}

// GuestLinkUsed records one use of a guest link (which page was opened).
func (s *Store) GuestLinkUsed(ctx context.Context, g *portfolio.GuestLink, page string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.Audit(ctx, tx, AuditEntry{Action: "guest_link.use", Mission: g.Mission,
			Target: "guest_link:" + strconv.FormatInt(g.ID, 10), After: Summary(map[string]string{"page": page})})
	})
}

// Secret returns the instance secret called name, generating 32 random
// bytes the first time.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM instance_secret WHERE name = ?`, name).Scan(&v)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: secret: %w", err)
		}
		v = make([]byte, 32)
		rand.Read(v)
		if _, err := tx.ExecContext(ctx, `INSERT INTO instance_secret (name, value) VALUES (?, ?)`, name, v); err != nil {
			return fmt.Errorf("store: secret: %w", err)
		}
		return nil
	})
	return v, err
}

// collect reads every row of a query (rows, err as QueryContext returned
// them) with scan: the list methods of the access tables share it.
func collect[T any](rows *sql.Rows, err error, scan func(rowScanner) (*T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }
