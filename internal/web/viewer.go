package web

import (
	"bytes"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/i18n"
)

// viewerData is the part of every page that depends on who reads it: the
// name, the logout form with its CSRF token, the admin links, and the
// public demo's banner.
type viewerData struct {
	Lang       string
	Kind       auth.Kind
	Name       string
	CSRF       string
	Admin      bool // instance administrator: users, tokens, audit log
	PublicDemo bool // an anonymous visitor reading the public mission
	Next       string
}

// T returns a message in the reader's language.
func (v *viewerData) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// formData carries the hidden fields and choices of a page's forms.
type formData struct {
	CSRF     string
	Next     string
	Code     string
	Username string
	Roles    []string
	Missions []string
}

// viewerMarker stands for the viewer's part in a cached page.
var viewerMarker = []byte("<!--begira:viewer-->")

func (s *Server) viewer(c *fiber.Ctx, lang string) *viewerData {
	p := principal(c)
	v := &viewerData{Lang: lang, Kind: p.Kind, Name: p.Name, Admin: p.InstanceAdmin(),
		PublicDemo: p.Kind == auth.Anonymous && s.publicMission != "", Next: string(c.Request().RequestURI())}
	if p.Kind == auth.UserKind {
		v.CSRF = p.CSRF
	}
	return v
}

// personal fills the page's reader-dependent fields before rendering.
func (s *Server) personal(c *fiber.Ctx, p *page) {
	if p.Guest != "" {
		return // a guest sees no account links
	}
	p.Viewer = s.viewer(c, p.Lang)
	if p.Mission != nil {
		p.Role = principal(c).Role(p.Mission.Slug)
	}
}

// sendPersonal sends a page cached for every reader of the same role with
// the reader's part in place of the marker. It writes into the response's
// pooled buffer: a fresh copy of a 200 kB page per request would make the
// garbage collector the bottleneck of the busiest pages.
func (s *Server) sendPersonal(c *fiber.Ctx, body []byte, lang string) error {
	i := bytes.Index(body, viewerMarker)
	if i < 0 {
		return c.Send(body)
	}
	c.Response().ResetBody()
	c.Write(body[:i])
	if err := s.pages.byName["dashboard"].ExecuteTemplate(c, "viewer", s.viewer(c, lang)); err != nil {
		return err
	}
	_, err := c.Write(body[i+len(viewerMarker):])
	return err
}

// ViewerSlot is what the layout writes where the viewer's part goes.
func (p *page) ViewerSlot() template.HTML {
	return template.HTML(viewerMarker)
}

// Allowed says whether the reader's role on the page's mission is at
// least role (a name).
func (p *page) Allowed(role string) bool {
	r, err := auth.ParseRole(role)
	return err == nil && p.Role >= r
}
