package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
)

// The instance administrator's API and pages: users (users.go), API tokens
// (tokens.go) and the audit log (audit.go). What their pages share is here.

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
