package auth

import (
	"fmt"
	"slices"

	"github.com/begira/begira/internal/portfolio"
)

// Role is what a principal may do on a mission. Each role includes the
// ones before it.
type Role int

const (
	None    Role = iota
	Viewer       // dashboards and snapshots
	Leader       // + decisions, guest links
	Analyst      // + imports, sources, snapshots
	Admin        // + users, tokens, schedules, mission files
)

var roleNames = []string{"", "viewer", "leader", "analyst", "admin"}

// Roles are the names a grant may use, lowest first.
var Roles = roleNames[1:]

func (r Role) String() string { return roleNames[r] }

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	if i := slices.Index(roleNames, s); i > 0 {
		return Role(i), nil
	}
	return None, portfolio.Errorf(portfolio.EINVALID, "unknown role %q: use one of viewer, leader, analyst, admin", s)
}

// All is the mission scope of a grant on every mission.
const All = "*"

// Kind says how a principal proved who it is.
type Kind string

const (
	Anonymous Kind = "anonymous"
	UserKind  Kind = "user"
	TokenKind Kind = "token"
	GuestKind Kind = "guest"
)

// Principal is who is asking: a user, a token, a guest link or nobody.
type Principal struct {
	Kind   Kind
	Name   string          // username, token name, or "" for anonymous
	ID     int64           // user, token or guest link id
	Grants map[string]Role // mission slug or All → role
	// CSRF is the session's anti-CSRF token (users only).
	CSRF string
}

// Role returns the principal's role on mission: the grant on the mission
// itself or on every mission, whichever is higher.
func (p *Principal) Role(mission string) Role {
	if p == nil {
		return None
	}
	return max(p.Grants[mission], p.Grants[All])
}

// Can says whether the principal holds at least role r on mission.
func (p *Principal) Can(mission string, r Role) bool { return p.Role(mission) >= r }

// InstanceAdmin says whether the principal administers the instance
// (users, tokens, the audit log, new missions).
func (p *Principal) InstanceAdmin() bool { return p != nil && p.Grants[All] == Admin }

// Actor is the principal's name in the audit log.
func (p *Principal) Actor() portfolio.Actor {
	switch p.Kind {
	case UserKind:
		return portfolio.Actor("user:" + p.Name)
	case TokenKind:
		return portfolio.Actor(fmt.Sprintf("token:%d (%s)", p.ID, p.Name))
	case GuestKind:
		return portfolio.Actor(fmt.Sprintf("guest:%d", p.ID))
	}
	return "anonymous"
}

// ParseGrants turns stored grants into roles; unknown names grant nothing.
func ParseGrants(g map[string]string) map[string]Role {
	out := make(map[string]Role, len(g))
	for m, name := range g {
		if r, err := ParseRole(name); err == nil {
			out[m] = r
		}
	}
	return out
}
