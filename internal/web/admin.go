package web

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// The instance administrator's API and pages: users, API tokens and the
// audit log. The audit log has no write route of any kind.

// userRequest is the body of POST /users and PATCH /users/:id.
type userRequest struct {
	Username string            `json:"username"`
	Password *string           `json:"password"`
	Grants   map[string]string `json:"grants"`
	Disabled *bool             `json:"disabled"`
}

// checkGrants refuses unknown roles and missions.
func (s *Server) checkGrants(c *fiber.Ctx, g map[string]string) error {
	for m, r := range g {
		if _, err := auth.ParseRole(r); err != nil {
			return err
		}
		if m == auth.All {
			continue
		}
		if _, err := s.store.Mission(c.UserContext(), m); err != nil {
			return portfolio.Errorf(portfolio.EINVALID, "grant on unknown mission %q", m)
		}
	}
	return nil
}

func (s *Server) createUser(c *fiber.Ctx, req userRequest) (*portfolio.User, error) {
	pw := ""
	if req.Password != nil {
		pw = *req.Password
	}
	if err := checkNewUser(req.Username, pw, pw); err != nil {
		return nil, err
	}
	if err := s.checkGrants(c, req.Grants); err != nil {
		return nil, err
	}
	u := &portfolio.User{Username: req.Username, PasswordHash: auth.HashPassword(pw), Grants: req.Grants}
	if u.Grants == nil {
		u.Grants = map[string]string{}
	}
	if err := s.access.CreateUser(c.UserContext(), u, false); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Server) updateUser(c *fiber.Ctx, id int64, req userRequest) (*portfolio.User, error) {
	var ch portfolio.UserChange
	if req.Grants != nil {
		if err := s.checkGrants(c, req.Grants); err != nil {
			return nil, err
		}
		ch.Grants = req.Grants
	}
	if req.Password != nil {
		if err := auth.CheckPassword(*req.Password); err != nil {
			return nil, err
		}
		h := auth.HashPassword(*req.Password)
		ch.PasswordHash = &h
	}
	ch.Disabled = req.Disabled
	if p := principal(c); p.Kind == auth.UserKind && p.ID == id && (ch.Disabled != nil && *ch.Disabled ||
		ch.Grants != nil && ch.Grants[auth.All] != auth.Admin.String()) {
		return nil, portfolio.Errorf(portfolio.ECONFLICT, "you cannot disable yourself or drop your own administrator role")
	}
	return s.access.UpdateUser(c.UserContext(), id, ch)
}

func (s *Server) apiUsers(c *fiber.Ctx) error {
	us, err := s.access.Users(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": us})
}

func (s *Server) apiCreateUser(c *fiber.Ctx) error {
	var req userRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.createUser(c, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (s *Server) apiUpdateUser(c *fiber.Ctx) error {
	id, err := idParam(c, "id", "user")
	if err != nil {
		return err
	}
	var req userRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.updateUser(c, id, req)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// tokenRequest is the body of POST /tokens.
type tokenRequest struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	Mission string `json:"mission"` // "" or "*" for every mission
}

// createdToken is the only answer that ever shows a token.
type createdToken struct {
	portfolio.Token
	Secret string `json:"token"`
}

// createToken checks and stores a new token; the secret is returned once.
func (s *Server) createToken(c *fiber.Ctx, req tokenRequest) (*createdToken, error) {
	t, secret, err := auth.CreateToken(c.UserContext(), s.access, s.store, req.Name, req.Role, req.Mission)
	if err != nil {
		return nil, err
	}
	return &createdToken{Token: *t, Secret: secret}, nil
}

func (s *Server) apiTokens(c *fiber.Ctx) error {
	ts, err := s.access.Tokens(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ts})
}

func (s *Server) apiCreateToken(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t, err := s.createToken(c, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (s *Server) apiRevokeToken(c *fiber.Ctx) error {
	id, err := idParam(c, "id", "token")
	if err != nil {
		return err
	}
	t, err := s.access.RevokeToken(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

// auditFilter reads the audit log's filters from the query. A mission
// administrator sees only their mission's rows (the guard checked the role
// on ?mission=); the instance administrator may leave it out.
func auditFilter(c *fiber.Ctx) store.AuditFilter {
	f := store.AuditFilter{Mission: c.Query("mission"), Action: c.Query("action"), Actor: c.Query("actor")}
	f.Before, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	f.Limit, _ = strconv.Atoi(c.Query("limit"))
	f.Limit = min(max(f.Limit, 0), 10_000)
	if c.Query("format") == "csv" && f.Limit == 0 {
		f.Limit = 10_000
	}
	return f
}

// apiAudit answers {items:[…]}, newest first, or the same rows as CSV with
// ?format=csv.
func (s *Server) apiAudit(c *fiber.Ctx) error {
	es, err := s.access.AuditLog(c.UserContext(), auditFilter(c))
	if err != nil {
		return err
	}
	if c.Query("format") == "csv" {
		return sendAuditCSV(c, es)
	}
	if es == nil {
		es = []store.AuditEntry{}
	}
	return c.JSON(fiber.Map{"items": es})
}

// sendAuditCSV exports audit rows, cells neutralised against formulas.
func sendAuditCSV(c *fiber.Ctx, es []store.AuditEntry) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "at", "actor", "action", "mission", "target", "before", "after"})
	for _, e := range es {
		w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format("2006-01-02T15:04:05Z"), csvCell(e.Actor, false), e.Action,
			csvCell(e.Mission, false), csvCell(e.Target, false), csvCell(e.Before, false), csvCell(e.After, false)})
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="begira-audit.csv"`)
	return c.SendString(b.String())
}

// decodeJSON reads a JSON body into v, refusing unknown fields (a typo in
// a script should fail, not be ignored).
func decodeJSON(c *fiber.Ctx, v any) error {
	d := json.NewDecoder(bytes.NewReader(c.Body()))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return portfolio.Errorf(portfolio.EINVALID, "the body must be a JSON object: %v", err)
	}
	return nil
}

func idParam(c *fiber.Ctx, name, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id < 1 {
		return 0, portfolio.Errorf(portfolio.ENOTFOUND, "no %s %q", what, c.Params(name))
	}
	return id, nil
}

// formMessage re-renders an admin page with a message after a form post.
func (s *Server) formMessage(c *fiber.Ctx, err error, render func(msg string) error) error {
	if err == nil {
		return nil
	}
	de := domainError(err)
	if de.Code == portfolio.EINTERNAL {
		return err
	}
	c.Status(statusOf(err))
	return render(de.Message)
}

// usersView is the users page.
type usersView struct {
	page
	Users []portfolio.User
}

// tokensView is the API tokens page; NewToken is a token just created,
// shown this once.
type tokensView struct {
	page
	Tokens   []portfolio.Token
	NewToken *createdToken
}

// auditView is the audit log: a page of entries, the link to older ones
// and the CSV export of the same filter.
type auditView struct {
	page
	Audit       []store.AuditEntry
	AuditFilter store.AuditFilter
	NextLink    string
	ExportLink  string
}

func (s *Server) usersPage(c *fiber.Ctx) error { return s.renderUsers(c, "") }

func (s *Server) renderUsers(c *fiber.Ctx, msg string) error {
	us, err := s.access.Users(c.UserContext())
	if err != nil {
		return err
	}
	p, err := s.adminPage(c, "users", msg)
	if err != nil {
		return err
	}
	return s.render(c, "users", &usersView{page: *p, Users: us})
}

// adminPage is the page data of the admin pages: the missions (for grant
// forms) and the roles.
func (s *Server) adminPage(c *fiber.Ctx, nav, msg string) (*page, error) {
	p := s.newPage(c, nav)
	p.Title = p.T("admin." + nav + ".title")
	p.Message = msg
	ms, err := s.store.Missions(c.UserContext())
	if err != nil {
		return nil, err
	}
	p.Form = &formData{CSRF: s.csrfToken(c), Roles: auth.Roles}
	for _, m := range ms {
		p.Form.Missions = append(p.Form.Missions, m.Slug)
	}
	return p, nil
}

// formGrant reads the one grant the admin forms set: a role on a mission
// (or on every mission); an empty role grants nothing.
func formGrant(c *fiber.Ctx) map[string]string {
	g := map[string]string{}
	if r := c.FormValue("role"); r != "" {
		g[cmp.Or(c.FormValue("mission"), auth.All)] = r
	}
	return g
}

func (s *Server) createUserForm(c *fiber.Ctx) error {
	pw := c.FormValue("password")
	_, err := s.createUser(c, userRequest{Username: c.FormValue("username"), Password: &pw, Grants: formGrant(c)})
	if err != nil {
		return s.formMessage(c, err, func(msg string) error { return s.renderUsers(c, msg) })
	}
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

// updateUserForm applies one of the user row's forms: grants, a new
// password, or enable/disable.
func (s *Server) updateUserForm(c *fiber.Ctx) error {
	id, err := idParam(c, "id", "user")
	if err != nil {
		return err
	}
	var req userRequest
	switch c.FormValue("change") {
	case "grant":
		u, err := s.access.UserByID(c.UserContext(), id)
		if err != nil {
			return err
		}
		req.Grants = u.Grants
		m := cmp.Or(c.FormValue("mission"), auth.All)
		if r := c.FormValue("role"); r == "" {
			delete(req.Grants, m)
		} else {
			req.Grants[m] = r
		}
	case "password":
		pw := c.FormValue("password")
		req.Password = &pw
	case "disable", "enable":
		d := c.FormValue("change") == "disable"
		req.Disabled = &d
	default:
		return portfolio.Errorf(portfolio.EINVALID, "unknown change %q", c.FormValue("change"))
	}
	if _, err := s.updateUser(c, id, req); err != nil {
		return s.formMessage(c, err, func(msg string) error { return s.renderUsers(c, msg) })
	}
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

func (s *Server) tokensPage(c *fiber.Ctx) error { return s.renderTokens(c, "", nil) }

func (s *Server) renderTokens(c *fiber.Ctx, msg string, created *createdToken) error {
	ts, err := s.access.Tokens(c.UserContext())
	if err != nil {
		return err
	}
	p, err := s.adminPage(c, "tokens", msg)
	if err != nil {
		return err
	}
	return s.render(c, "tokens", &tokensView{page: *p, Tokens: ts, NewToken: created})
}

// createTokenForm shows the new token once, on the page that answers the
// form; it is never shown again.
func (s *Server) createTokenForm(c *fiber.Ctx) error {
	t, err := s.createToken(c, tokenRequest{Name: c.FormValue("name"), Role: c.FormValue("role"), Mission: c.FormValue("mission")})
	if err != nil {
		return s.formMessage(c, err, func(msg string) error { return s.renderTokens(c, msg, nil) })
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(fiber.StatusCreated)
	return s.renderTokens(c, "", t)
}

func (s *Server) revokeTokenForm(c *fiber.Ctx) error {
	id, err := idParam(c, "id", "token")
	if err != nil {
		return err
	}
	if _, err := s.access.RevokeToken(c.UserContext(), id); err != nil {
		return err
	}
	return c.Redirect("/admin/tokens", fiber.StatusSeeOther)
}

func (s *Server) auditPage(c *fiber.Ctx) error {
	f := auditFilter(c)
	if f.Limit == 0 {
		f.Limit = 200
	}
	es, err := s.access.AuditLog(c.UserContext(), f)
	if err != nil {
		return err
	}
	p := &auditView{page: *s.newPage(c, "audit"), Audit: es, AuditFilter: f}
	p.Title = p.T("admin.audit.title")
	if len(es) == f.Limit {
		q := queryValues(c)
		q.Set("before", fmt.Sprint(es[len(es)-1].ID))
		p.NextLink = "/admin/audit?" + q.Encode()
	}
	q := queryValues(c)
	q.Set("format", "csv")
	q.Del("before")
	p.ExportLink = "/api/v1/audit?" + q.Encode() // the CSV export of the same filter
	return s.render(c, "audit", p)
}
