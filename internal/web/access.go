package web

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Access control. Every route is registered with a policy (routes.go);
// authenticate finds who is asking, then the route's guard decides, before
// the handler runs. A principal with no role on a mission gets 404 for it,
// as if it did not exist; one with too low a role gets 403; an anonymous
// visitor gets 401 from the API and the login page elsewhere.

// Cookie names.
const (
	sessionCookie = "begira_session"
	csrfCookie    = "begira_csrf"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "_csrf"
)

// Access is what the web layer needs from the store to know who is asking
// and to manage users, tokens, guest links and the audit log.
type Access interface {
	CountUsers(ctx context.Context) (int, error)
	CreateUser(ctx context.Context, u *portfolio.User, onlyIfNone bool) error
	UserByName(ctx context.Context, name string) (*portfolio.User, error)
	UserByID(ctx context.Context, id int64) (*portfolio.User, error)
	Users(ctx context.Context) ([]portfolio.User, error)
	UpdateUser(ctx context.Context, id int64, c portfolio.UserChange) (*portfolio.User, error)
	LoginFailed(ctx context.Context, u *portfolio.User, maxFailures int, lockFor time.Duration) (*time.Time, error)
	Login(ctx context.Context, u *portfolio.User, idHash, csrf string, ttl time.Duration) error
	SessionUser(ctx context.Context, idHash string) (*portfolio.Session, *portfolio.User, error)
	Logout(ctx context.Context, idHash string) error
	CreateToken(ctx context.Context, t *portfolio.Token, hash string) error
	Tokens(ctx context.Context) ([]portfolio.Token, error)
	TokenByHash(ctx context.Context, hash string) (*portfolio.Token, error)
	RevokeToken(ctx context.Context, id int64) (*portfolio.Token, error)
	CreateGuestLink(ctx context.Context, g *portfolio.GuestLink) error
	GuestLink(ctx context.Context, id int64) (*portfolio.GuestLink, error)
	GuestLinks(ctx context.Context, mission string) ([]portfolio.GuestLink, error)
	RevokeGuestLink(ctx context.Context, id int64) error
	GuestLinkUsed(ctx context.Context, g *portfolio.GuestLink, page string) error
	Secret(ctx context.Context, name string) ([]byte, error)
	AuditLog(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error)
}

// principal is who asks this request (set by authenticate).
func principal(c *fiber.Ctx) *auth.Principal {
	if p, ok := c.Locals("principal").(*auth.Principal); ok {
		return p
	}
	return &auth.Principal{Kind: auth.Anonymous}
}

func (s *Server) setPrincipal(c *fiber.Ctx, p *auth.Principal) {
	c.Locals("principal", p)
	c.SetUserContext(portfolio.WithActor(c.UserContext(), p.Actor()))
}

// anonymous is a visitor who has not logged in: a viewer of the public
// mission (the demo under --demo), nothing else.
func (s *Server) anonymous() *auth.Principal {
	p := &auth.Principal{Kind: auth.Anonymous, Grants: map[string]auth.Role{}}
	if s.publicMission != "" {
		p.Grants[s.publicMission] = auth.Viewer
	}
	return p
}

// authenticate finds the principal: a Bearer token, else a session cookie,
// else anonymous. A bad token is refused outright (a script should fail
// loudly); a stale session cookie just makes the visitor anonymous.
func (s *Server) authenticate(c *fiber.Ctx) error {
	p, stale, err := s.identify(c.UserContext(), c.Get(fiber.HeaderAuthorization), c.Cookies(sessionCookie))
	if err != nil {
		return err
	}
	if stale {
		s.clearCookie(c, sessionCookie)
	}
	s.setPrincipal(c, p)
	return c.Next()
}

// identify finds the principal of an Authorization header and a session
// cookie's value; stale says the cookie names no live session. onHeaders
// calls it too, before an upload's body is read.
func (s *Server) identify(ctx context.Context, authorization, session string) (p *auth.Principal, stale bool, err error) {
	if authorization != "" {
		tok, ok := strings.CutPrefix(authorization, "Bearer ")
		if !ok {
			return nil, false, portfolio.Errorf(portfolio.EUNAUTHORIZED, "the Authorization header must be \"Bearer <token>\"")
		}
		t, err := s.access.TokenByHash(ctx, auth.Hash(strings.TrimSpace(tok)))
		if err != nil {
			if portfolio.ErrorCode(err) == portfolio.ENOTFOUND {
				return nil, false, portfolio.Errorf(portfolio.EUNAUTHORIZED, "the API token is unknown or revoked")
			}
			return nil, false, err
		}
		return &auth.Principal{Kind: auth.TokenKind, Name: t.Name, ID: t.ID,
			Grants: auth.ParseGrants(map[string]string{t.Mission: t.Role})}, false, nil
	}
	if session != "" {
		ss, u, err := s.access.SessionUser(ctx, auth.Hash(session))
		switch {
		case err == nil:
			grants := auth.ParseGrants(u.Grants)
			if s.publicMission != "" {
				grants[s.publicMission] = max(grants[s.publicMission], auth.Viewer)
			}
			return &auth.Principal{Kind: auth.UserKind, Name: u.Username, ID: u.ID, Grants: grants, CSRF: ss.CSRF}, false, nil
		case portfolio.ErrorCode(err) == portfolio.ENOTFOUND:
			stale = true
		default:
			return nil, false, err
		}
	}
	return s.anonymous(), stale, nil
}

// unsafe methods change state and need CSRF protection.
func unsafe(method string) bool {
	switch method {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return false
	}
	return true
}

// checkCSRF protects every state-changing request a browser could be
// tricked into sending. Token requests are exempt: a browser never adds an
// Authorization header by itself. Others must carry the CSRF token, in the
// X-CSRF-Token header (scripts) or the _csrf form field (forms): the
// session's token once logged in, else the begira_csrf cookie's value
// (double submit, for the login and setup forms). A cross-origin Origin
// header is refused as well.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	if !unsafe(c.Method()) || principal(c).Kind == auth.TokenKind {
		return c.Next()
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" && o != "null" {
		// Hosts, not schemes: behind a TLS proxy that does not say so the
		// browser's https origin meets an http request.
		if u, err := url.Parse(o); err != nil || u.Host != c.Hostname() {
			return portfolio.Errorf(portfolio.EFORBIDDEN, "cross-origin request refused")
		}
	}
	want := principal(c).CSRF
	if want == "" {
		want = c.Cookies(csrfCookie)
	}
	got := c.Get(csrfHeader)
	if got == "" && strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationForm) {
		got = c.FormValue(csrfField)
	}
	if !auth.EqualSecrets(want, got) {
		return portfolio.Errorf(portfolio.EFORBIDDEN, "missing or wrong CSRF token: reload the page and try again")
	}
	return c.Next()
}

// csrfToken returns the token forms of this response must carry, setting
// the double-submit cookie for visitors who have no session yet.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if t := principal(c).CSRF; t != "" {
		return t
	}
	if t := c.Cookies(csrfCookie); len(t) >= 32 {
		return t
	}
	t := auth.NewSecret()
	s.setCookie(c, csrfCookie, t, 0)
	// Later calls in this request must see the same value.
	c.Request().Header.SetCookie(csrfCookie, t)
	return t
}

// setCookie sets a cookie readable by same-site requests only: HttpOnly
// except the CSRF cookie (the page scripts send it back as a header),
// Secure when the request came over TLS (directly or through a proxy) or
// the operator says so. maxAge 0 is a browser-session cookie.
func (s *Server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: "/",
		MaxAge:   int(maxAge / time.Second),
		HTTPOnly: name != csrfCookie,
		Secure:   s.secureCookies || c.Protocol() == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (s *Server) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HTTPOnly: name != csrfCookie,
		Secure: s.secureCookies || c.Protocol() == "https", SameSite: fiber.CookieSameSiteLaxMode})
}

// missionOf finds which mission a request is about, for the guard.
type missionOf func(s *Server, c *fiber.Ctx) (string, error)

func bySlug(_ *Server, c *fiber.Ctx) (string, error) { return c.Params("slug"), nil }

// byID finds the mission of the resource named by :id with get.
func byID(what string, get func(s *Server, c *fiber.Ctx, id int64) (string, error)) missionOf {
	return func(s *Server, c *fiber.Ctx) (string, error) {
		id, err := idParam(c, "id", what)
		if err != nil {
			return "", err
		}
		return get(s, c, id)
	}
}

var (
	bySnapshot = byID("snapshot", func(s *Server, c *fiber.Ctx, id int64) (string, error) {
		svc, err := s.snapshotService()
		if err != nil {
			return "", err
		}
		sn, err := svc.Get(c.UserContext(), id)
		if err != nil {
			return "", err
		}
		c.Locals(guardedSnapshot{}, sn)
		return sn.Mission, nil
	})
	byImport = byID("import", func(s *Server, c *fiber.Ctx, id int64) (string, error) {
		b, err := s.imports.Batch(c.UserContext(), id)
		if err != nil {
			return "", err
		}
		c.Locals(guardedImport{}, b)
		return b.Mission, nil
	})
	byDecision = byID("decision", func(s *Server, c *fiber.Ctx, id int64) (string, error) {
		svc, err := s.snapshotService()
		if err != nil {
			return "", err
		}
		d, err := svc.Decisions().Get(c.UserContext(), id)
		if err != nil {
			return "", err
		}
		return d.Mission, nil
	})
	byGuestLink = byID("guest link", func(s *Server, c *fiber.Ctx, id int64) (string, error) {
		g, err := s.access.GuestLink(c.UserContext(), id)
		if err != nil {
			return "", err
		}
		return g.Mission, nil
	})
)

// The guard leaves the snapshot or import it loaded to find a route's
// mission for the handler, which need not load it again.
type (
	guardedSnapshot struct{}
	guardedImport   struct{}
)

// importBatch returns import id: the one the guard loaded, else read now.
func (s *Server) importBatch(c *fiber.Ctx, id int64) (*portfolio.ImportBatch, error) {
	if b, ok := c.Locals(guardedImport{}).(*portfolio.ImportBatch); ok && b.ID == id {
		return b, nil
	}
	return s.imports.Batch(c.UserContext(), id)
}

// guardedSnapshotOf returns snapshot id: the one the guard loaded, else read now.
func (s *Server) guardedSnapshotOf(c *fiber.Ctx, id int64) (*portfolio.Snapshot, error) {
	if sn, ok := c.Locals(guardedSnapshot{}).(*portfolio.Snapshot); ok && sn.ID == id {
		return sn, nil
	}
	return s.snapshots.Get(c.UserContext(), id)
}

// byQuery reads the mission from ?mission= (jobs run on demand); without
// one the request is about the whole instance.
func byQuery(_ *Server, c *fiber.Ctx) (string, error) { return c.Query("mission", auth.All), nil }

// policy is who may use a route.
type policy struct {
	public   bool      // anyone, anonymous included
	instance bool      // the instance administrator only
	signedIn bool      // any principal that is not anonymous
	role     auth.Role // at least this role on the mission found by of
	of       missionOf
}

var (
	public        = policy{public: true}
	instanceAdmin = policy{instance: true}
	signedIn      = policy{signedIn: true}
)

func onMission(r auth.Role) policy  { return policy{role: r, of: bySlug} }
func onSnapshot(r auth.Role) policy { return policy{role: r, of: bySnapshot} }
func onImport(r auth.Role) policy   { return policy{role: r, of: byImport} }
func onDecision(r auth.Role) policy { return policy{role: r, of: byDecision} }
func onGuest(r auth.Role) policy    { return policy{role: r, of: byGuestLink} }
func onQuery(r auth.Role) policy    { return policy{role: r, of: byQuery} }

// guard returns the middleware enforcing pol.
func (s *Server) guard(pol policy) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := principal(c)
		switch {
		case pol.public:
			return c.Next()
		case pol.instance && p.InstanceAdmin(), pol.signedIn && p.Kind != auth.Anonymous:
			return c.Next()
		case p.Kind == auth.Anonymous && (pol.instance || pol.signedIn):
			return s.loginRequired(c)
		case pol.instance:
			return portfolio.Errorf(portfolio.EFORBIDDEN, "only the instance administrator may do this")
		}
		mission, err := pol.of(s, c)
		r := p.Role(mission)
		if p.Kind == auth.Anonymous && (err != nil || r < pol.role) {
			// Whether it exists is for those who log in to learn.
			return s.loginRequired(c)
		}
		switch {
		case err != nil:
			return err
		case r == auth.None:
			// Indistinguishable from a mission that does not exist.
			return portfolio.Errorf(portfolio.ENOTFOUND, "not found")
		case r < pol.role:
			return portfolio.Errorf(portfolio.EFORBIDDEN, "this needs the %s role on mission %q; you are %s", pol.role, mission, r)
		}
		return c.Next()
	}
}

// loginRequired answers an anonymous visitor: 401 from the API, the login
// page (coming back here after) elsewhere.
func (s *Server) loginRequired(c *fiber.Ctx) error {
	if strings.HasPrefix(c.Path(), "/api/") || c.Method() != fiber.MethodGet {
		return portfolio.Errorf(portfolio.EUNAUTHORIZED, "log in or send an API token (Authorization: Bearer …)")
	}
	// The login page speaks the language of the page asked for.
	return c.Redirect("/login?next="+url.QueryEscape(string(c.Request().RequestURI()))+"&lang="+s.language(c), fiber.StatusSeeOther)
}
