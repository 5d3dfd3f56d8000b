package web

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
)

// sessionView is what GET /api/v1/session tells a script or page about
// the principal: who, how authenticated, and the role per mission.
type sessionView struct {
	Kind     string            `json:"kind"`
	Name     string            `json:"name,omitempty"`
	Roles    map[string]string `json:"roles"`
	Instance bool              `json:"instance_admin"`
}

func (s *Server) apiSession(c *fiber.Ctx) error {
	p := principal(c)
	v := sessionView{Kind: string(p.Kind), Name: p.Name, Roles: map[string]string{}, Instance: p.InstanceAdmin()}
	for m, r := range p.Grants {
		v.Roles[m] = r.String()
	}
	return c.JSON(v)
}

// safeNext keeps a post-login redirect on this site: a local path, never
// "//host" or a scheme. Browsers drop tabs and newlines from a URL and read
// a backslash as a slash, so "/\t/evil.example" and "/\\evil.example" are
// other hosts to them: any control character or backslash is refused.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2048 ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	p := s.newPage(c, "login")
	p.Title = p.T("login.title")
	p.Form = &formData{CSRF: s.csrfToken(c), Next: safeNext(c.Query("next"))}
	return s.render(c, "login", p)
}

// login checks a username and password. Each client address has a rate
// limit, and failures slow further attempts per account and client and per
// client (auth.Throttle), with 429 and Retry-After. Nothing depends on
// whether the name exists: unknown users cost the same time as known ones,
// are throttled the same, and every refusal reads the same. No account is
// locked, so no stranger can keep its owner out.
func (s *Server) login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := s.newPage(c, "login")
	p.Title = p.T("login.title")
	p.Form = &formData{CSRF: s.csrfToken(c), Next: safeNext(c.FormValue("next")), Username: c.FormValue("username")}
	fail := func(status int, msg string) error {
		p.Message = msg
		c.Status(status)
		return s.render(c, "login", p)
	}
	ip := s.clientIP(c)
	account := throttleKey(c.FormValue("username"), ip)
	wait := max(s.logins.account.Wait(account), s.logins.client.Wait(ip))
	if ok, w := s.logins.perClient.Allow(ip); !ok || wait > 0 {
		c.Set(fiber.HeaderRetryAfter, retryAfter(max(w, wait)))
		return fail(fiber.StatusTooManyRequests, p.T("login.rate_limited"))
	}
	failed := func() error {
		s.logins.account.Fail(account)
		s.logins.client.Fail(ip)
		return fail(fiber.StatusUnauthorized, p.T("login.failed"))
	}
	pw := c.FormValue("password")
	u, err := s.access.UserByName(ctx, c.FormValue("username"))
	if err != nil {
		if portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
			return err
		}
		auth.BurnPasswordTime(pw)
		return failed()
	}
	if !auth.VerifyPassword(pw, u.PasswordHash) || u.Disabled {
		// Audited; the store's lock is never set (no maximum).
		if _, err := s.access.LoginFailed(ctx, u, math.MaxInt, 0); err != nil {
			return err
		}
		return failed()
	}
	s.logins.account.Reset(account)
	return s.startSession(c, u, p.Form.Next)
}

// throttleKey names an account (as typed, case and spaces folded, cut
// short) from one client.
func throttleKey(username, ip string) string {
	name := strings.ToLower(strings.TrimSpace(username))
	if len(name) > 64 {
		name = name[:64]
	}
	return name + "\x00" + ip
}

// startSession logs u in: a new session id and a new CSRF token, so
// nothing a visitor held before logging in stays valid after.
func (s *Server) startSession(c *fiber.Ctx, u *portfolio.User, next string) error {
	id, csrf := auth.NewSecret(), auth.NewSecret()
	if err := s.access.Login(c.UserContext(), u, auth.Hash(id), csrf, s.sessionTTL); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, id, s.sessionTTL)
	s.setCookie(c, csrfCookie, csrf, s.sessionTTL)
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if id := c.Cookies(sessionCookie); id != "" {
		if err := s.access.Logout(c.UserContext(), auth.Hash(id)); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	s.clearCookie(c, csrfCookie)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// retryAfter is a Retry-After value: whole seconds, at least one.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// setupAllowed says whether /setup may create the first administrator: no
// user yet and the one-time code printed on the console.
func (s *Server) setupAllowed(c *fiber.Ctx, code string) error {
	n, err := s.access.CountUsers(c.UserContext())
	if err != nil {
		return err
	}
	if n > 0 {
		return portfolio.Errorf(portfolio.ENOTFOUND, "setup is done: log in instead")
	}
	if !auth.EqualSecrets(s.setupCode, code) {
		return portfolio.Errorf(portfolio.EFORBIDDEN, "open the setup link printed on the server's console")
	}
	return nil
}

func (s *Server) setupPage(c *fiber.Ctx) error {
	if err := s.setupAllowed(c, c.Query("code")); err != nil {
		return err
	}
	p := s.newPage(c, "setup")
	p.Title = p.T("setup.title")
	p.Form = &formData{CSRF: s.csrfToken(c), Code: c.Query("code")}
	return s.render(c, "setup", p)
}

// setup creates the first user, administrator of every mission, and logs
// them in. The store refuses a second setup, even a concurrent one.
func (s *Server) setup(c *fiber.Ctx) error {
	code := c.FormValue("code")
	if err := s.setupAllowed(c, code); err != nil {
		return err
	}
	p := s.newPage(c, "setup")
	p.Title = p.T("setup.title")
	p.Form = &formData{CSRF: s.csrfToken(c), Code: code, Username: c.FormValue("username")}
	u := &portfolio.User{Username: c.FormValue("username"), Grants: map[string]string{auth.All: auth.Admin.String()}}
	if err := checkNewUser(u.Username, c.FormValue("password"), c.FormValue("password2")); err != nil {
		p.Message = portfolio.ErrorMessage(err)
		c.Status(fiber.StatusBadRequest)
		return s.render(c, "setup", p)
	}
	u.PasswordHash = auth.HashPassword(c.FormValue("password"))
	if err := s.access.CreateUser(portfolio.WithActor(c.UserContext(), "setup"), u, true); err != nil {
		return err
	}
	return s.startSession(c, u, "/")
}

// checkNewUser validates a username and a password (typed twice).
func checkNewUser(name, pw, again string) error {
	if err := auth.CheckUsername(name); err != nil {
		return err
	}
	if err := auth.CheckPassword(pw); err != nil {
		return err
	}
	if pw != again {
		return portfolio.Errorf(portfolio.EINVALID, "the two passwords differ")
	}
	return nil
}
