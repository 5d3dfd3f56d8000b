package portfolio

import "time"

// Token is an API token: a role on one mission (or "*"). Only its SHA-256
// is stored; the token itself is shown once, when created.
type Token struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Mission   string     `json:"mission"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// GuestLink gives read-only access to one snapshot until ExpiresAt.
type GuestLink struct {
	ID         int64      `json:"id"`
	Mission    string     `json:"mission"`
	SnapshotID int64      `json:"snapshot_id"`
	Label      string     `json:"label"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// User is a person who logs in. Grants map a mission slug (or "*", every
// mission) to a role; internal/auth gives roles their meaning.
type User struct {
	ID           int64             `json:"id"`
	Username     string            `json:"username"`
	PasswordHash string            `json:"-"`
	Disabled     bool              `json:"disabled"`
	FailedLogins int               `json:"-"`
	LockedUntil  *time.Time        `json:"locked_until,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	Grants       map[string]string `json:"grants"`
}

// UserChange is an administrator's edit of a user; nil fields stay.
type UserChange struct {
	Grants       map[string]string
	PasswordHash *string
	Disabled     *bool
}

// Session is a logged-in browser.
type Session struct {
	UserID    int64
	CSRF      string
	ExpiresAt time.Time
}
