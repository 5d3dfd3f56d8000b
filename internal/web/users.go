package web

import (
	"cmp"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
)

// The instance's users, through the API and the admin page.

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

// usersView is the users page.
type usersView struct {
	page
	Users []portfolio.User
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
