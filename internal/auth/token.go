package auth

import (
	"context"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

// TokenStore keeps API tokens.
type TokenStore interface {
	CreateToken(ctx context.Context, t *portfolio.Token, hash string) error
}

// MissionFinder says whether a mission exists.
type MissionFinder interface {
	Mission(ctx context.Context, slug string) (*portfolio.Mission, error)
}

// CreateToken checks a token's name, role and mission ("" or "*": every
// mission), stores its hash and returns the token with its secret, which
// exists nowhere else: the caller shows it once. The CLI (server stopped)
// and the API (server running) both create tokens here.
func CreateToken(ctx context.Context, ts TokenStore, mf MissionFinder, name, role, mission string) (*portfolio.Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return nil, "", portfolio.Errorf(portfolio.EINVALID, "a token needs a name (1 to 100 characters) saying what uses it")
	}
	r, err := ParseRole(role)
	if err != nil {
		return nil, "", err
	}
	if mission == "" {
		mission = All
	}
	if mission != All {
		if _, err := mf.Mission(ctx, mission); err != nil {
			if portfolio.ErrorCode(err) == portfolio.ENOTFOUND {
				return nil, "", portfolio.Errorf(portfolio.EINVALID, "no mission %q", mission)
			}
			return nil, "", err
		}
	}
	secret := NewToken()
	t := &portfolio.Token{Name: name, Role: r.String(), Mission: mission}
	if err := ts.CreateToken(ctx, t, Hash(secret)); err != nil {
		return nil, "", err
	}
	return t, secret, nil
}
