package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// CountUsers says how many users exist (none: the server offers setup).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRowContext(ctx, `SELECT count(*) FROM app_user`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// CreateUser adds a user with its grants. Usernames are unique, compared
// in lower case. When onlyIfNone is set the user is created only if no
// user exists yet (first-run setup), checked in the same transaction.
func (s *Store) CreateUser(ctx context.Context, u *portfolio.User, onlyIfNone bool) error {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.CreatedAt = s.now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n, same int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE username = ?) FROM app_user`,
			u.Username).Scan(&n, &same); err != nil {
			return fmt.Errorf("store: create user: %w", err)
		}
		if onlyIfNone && n > 0 {
			return portfolio.Errorf(portfolio.ECONFLICT, "setup is done: a user already exists")
		}
		if same > 0 {
			return portfolio.Errorf(portfolio.ECONFLICT, "user %q already exists", u.Username)
		}
		err := tx.QueryRowContext(ctx, `
			INSERT INTO app_user (username, password_hash, created_at) VALUES (?, ?, ?) RETURNING id`,
			u.Username, u.PasswordHash, u.CreatedAt).Scan(&u.ID)
		if err != nil {
			return fmt.Errorf("store: create user: %w", err)
		}
		if err := insertGrants(ctx, tx, u.ID, u.Grants); err != nil {
			return err
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "user.create", Target: "user:" + u.Username,
			After: Summary(map[string]any{"grants": u.Grants})})
	})
}

func insertGrants(ctx context.Context, tx *sql.Tx, id int64, grants map[string]string) error {
	for _, m := range slices.Sorted(maps.Keys(grants)) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_role (user_id, mission, role) VALUES (?, ?, ?)`,
			id, m, grants[m]); err != nil {
			return fmt.Errorf("store: grant: %w", err)
		}
	}
	return nil
}

const userColumns = `id, username, password_hash, disabled, failed_logins, locked_until, created_at`

func scanUser(row rowScanner) (*portfolio.User, error) {
	var u portfolio.User
	var locked sql.NullTime
	if err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Disabled, &u.FailedLogins, &locked, &u.CreatedAt); err != nil {
		return nil, err
	}
	if locked.Valid {
		t := locked.Time.UTC()
		u.LockedUntil = &t
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// UserByName returns a user with its grants, or ENOTFOUND.
func (s *Store) UserByName(ctx context.Context, name string) (*portfolio.User, error) {
	return s.user(ctx, `SELECT `+userColumns+` FROM app_user WHERE username = ?`, strings.ToLower(strings.TrimSpace(name)))
}

// UserByID returns a user with its grants, or ENOTFOUND.
func (s *Store) UserByID(ctx context.Context, id int64) (*portfolio.User, error) {
	return s.user(ctx, `SELECT `+userColumns+` FROM app_user WHERE id = ?`, id)
}

func (s *Store) user(ctx context.Context, q string, arg any) (*portfolio.User, error) {
	u, err := scanUser(s.pool.QueryRowContext(ctx, q, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "no such user")
	}
	if err != nil {
		return nil, fmt.Errorf("store: user: %w", err)
	}
	if u.Grants, err = s.grants(ctx, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Store) grants(ctx context.Context, id int64) (map[string]string, error) {
	rows, err := s.pool.QueryContext(ctx, `SELECT mission, role FROM user_role WHERE user_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("store: grants: %w", err)
	}
	defer rows.Close()
	g := map[string]string{}
	for rows.Next() {
		var m, r string
		if err := rows.Scan(&m, &r); err != nil {
			return nil, fmt.Errorf("store: grants: %w", err)
		}
		g[m] = r
	}
	return g, rows.Err()
}

// Users lists every user with grants, by name.
func (s *Store) Users(ctx context.Context) ([]portfolio.User, error) {
	rows, err := s.pool.QueryContext(ctx, `SELECT `+userColumns+` FROM app_user ORDER BY username`)
	out, err := collect(rows, err, scanUser)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	// Every user's grants in one query, not one per user.
	grants, err := s.pool.QueryContext(ctx, `SELECT user_id, mission, role FROM user_role`)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer grants.Close()
	byID := map[int64]map[string]string{}
	for grants.Next() {
		var id int64
		var m, r string
		if err := grants.Scan(&id, &m, &r); err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		if byID[id] == nil {
			byID[id] = map[string]string{}
		}
		byID[id][m] = r
	}
	for i := range out {
		out[i].Grants = byID[out[i].ID]
		if out[i].Grants == nil {
			out[i].Grants = map[string]string{}
		}
	}
	return out, grants.Err()
}

// UpdateUser applies c to user id. A new password or a disabled account
// also ends the user's sessions.
func (s *Store) UpdateUser(ctx context.Context, id int64, c portfolio.UserChange) (*portfolio.User, error) {
	old, err := s.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	before, after := map[string]any{}, map[string]any{}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if c.Grants != nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM user_role WHERE user_id = ?`, id); err != nil {
				return fmt.Errorf("store: update user: %w", err)
			}
			if err := insertGrants(ctx, tx, id, c.Grants); err != nil {
				return err
			}
			before["grants"], after["grants"] = old.Grants, c.Grants
		}
		if c.PasswordHash != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE app_user SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?`,
				*c.PasswordHash, id); err != nil {
				return fmt.Errorf("store: update user: %w", err)
			}
			after["password"] = "changed"
		}
		if c.Disabled != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE app_user SET disabled = ? WHERE id = ?`, *c.Disabled, id); err != nil {
				return fmt.Errorf("store: update user: %w", err)
			}
			before["disabled"], after["disabled"] = old.Disabled, *c.Disabled
		}
		if c.PasswordHash != nil || (c.Disabled != nil && *c.Disabled) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM user_session WHERE user_id = ?`, id); err != nil {
				return fmt.Errorf("store: update user: %w", err)
			}
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "user.update", Target: "user:" + old.Username,
			Before: Summary(before), After: Summary(after)})
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, id)
}

// LoginFailed counts a failed password for user id and, at maxFailures
// consecutive failures, locks the account until now+lockFor. It returns
// the lock's end when the account is (now) locked.
func (s *Store) LoginFailed(ctx context.Context, u *portfolio.User, maxFailures int, lockFor time.Duration) (*time.Time, error) {
	now := s.now().UTC()
	var locked *time.Time
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `UPDATE app_user SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins`,
			u.ID).Scan(&n); err != nil {
			return fmt.Errorf("store: login failed: %w", err)
		}
		action := "user.login_failed"
		if n >= maxFailures {
			t := now.Add(lockFor)
			locked = &t
			if _, err := tx.ExecContext(ctx, `UPDATE app_user SET failed_logins = 0, locked_until = ? WHERE id = ?`, t, u.ID); err != nil {
				return fmt.Errorf("store: lock user: %w", err)
			}
			action = "user.locked"
		}
		return s.Audit(ctx, tx, AuditEntry{Action: action, Target: "user:" + u.Username,
			After: Summary(map[string]any{"consecutive_failures": n, "locked_until": locked})})
	})
	return locked, err
}

// Login records a successful login: the failure count resets and a
// session keyed by the cookie's hash starts.
func (s *Store) Login(ctx context.Context, u *portfolio.User, idHash, csrf string, ttl time.Duration) error {
	now := s.now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = ?`, u.ID); err != nil {
			return fmt.Errorf("store: login: %w", err)
		}
		// Expired sessions go at each login; no sweeper needed.
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_session WHERE expires_at < ?`, now); err != nil {
			return fmt.Errorf("store: login: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_session (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			idHash, u.ID, csrf, now, now.Add(ttl)); err != nil {
			return fmt.Errorf("store: login: %w", err)
		}
		return s.Audit(portfolio.WithActor(ctx, portfolio.Actor("user:"+u.Username)), tx,
			AuditEntry{Action: "user.login", Target: "user:" + u.Username})
	})
}

// SessionUser returns the live session with hash idHash and its user, or
// ENOTFOUND (unknown, expired, or the user is disabled).
func (s *Store) SessionUser(ctx context.Context, idHash string) (*portfolio.Session, *portfolio.User, error) {
	// Every logged-in request asks this: the session and its user come in
	// one query, the grants in a second.
	var ss portfolio.Session
	var csrf string
	var expires time.Time
	u, err := scanUser(&sessionRow{s.pool.QueryRowContext(ctx, `
		SELECT s.csrf, s.expires_at, `+prefixed("u.", userColumns)+`
		FROM user_session s JOIN app_user u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > ? AND NOT u.disabled`, idHash, s.now().UTC()), &csrf, &expires})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, portfolio.Errorf(portfolio.ENOTFOUND, "no such session")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: session: %w", err)
	}
	ss.UserID, ss.CSRF, ss.ExpiresAt = u.ID, csrf, expires
	if u.Grants, err = s.grants(ctx, u.ID); err != nil {
		return nil, nil, err
	}
	return &ss, u, nil
}

// Logout ends a session.
func (s *Store) Logout(ctx context.Context, idHash string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM user_session WHERE id_hash = ?`, idHash)
		if err != nil {
			return fmt.Errorf("store: logout: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.Audit(ctx, tx, AuditEntry{Action: "user.logout"})
	})
}

// sessionRow scans the session's columns ahead of the user's.
type sessionRow struct {
	row     *sql.Row
	csrf    *string
	expires *time.Time
}

func (r *sessionRow) Scan(dest ...any) error {
	return r.row.Scan(append([]any{r.csrf, r.expires}, dest...)...)
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + c
	}
	return strings.Join(cols, ", ")
}
