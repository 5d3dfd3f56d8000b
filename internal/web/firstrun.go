package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
)

// newMissionData is the mission form: the first page an administrator of
// an empty instance sees, and the page that adds a mission later.
type newMissionData struct {
	First    bool   // the instance has no mission yet
	Document string // the document typed, pasted or taken from the template
	Template string // "gipuzkoa" when the document is the template's
	Problems []string
}

// newMissionView is the mission form's page.
type newMissionView struct {
	page
	NewMission *newMissionData
}

// templateGipuzkoa names the template a new mission may start from.
const templateGipuzkoa = "gipuzkoa"

// newMissionPage shows the mission form; ?template=gipuzkoa fills it with
// the Gipuzkoa template to edit before creating.
func (s *Server) newMissionPage(c *fiber.Ctx) error {
	ms, err := s.visibleMissions(c)
	if err != nil {
		return err
	}
	return s.renderNewMission(c, &newMissionData{First: len(ms) == 0}, fiber.StatusOK)
}

func (s *Server) renderNewMission(c *fiber.Ctx, d *newMissionData, status int) error {
	p := &newMissionView{page: *s.newPage(c, ""), NewMission: d}
	p.Title = p.T("newmission.title")
	if d.First {
		p.Title = p.T("firstrun.title")
	}
	if c.Query("template") == templateGipuzkoa && d.Document == "" {
		d.Document, d.Template = string(demo.Template()), templateGipuzkoa
	}
	p.Form = &formData{CSRF: s.csrfToken(c)}
	c.Status(status)
	return s.render(c, "newmission", p)
}

// createMission applies a new mission document from the form: pasted, read
// from a file the reader chose (the page script puts it in the same text
// box, so the form stays a plain one under the CSRF check), or the
// Gipuzkoa template (which also loads Gipuzkoa's
// reference geography: municipalities, comarcas and populations). A
// refused document is shown again with every problem named; nothing is
// stored. Then the first import.
func (s *Server) createMission(c *fiber.Ctx) error {
	ms, err := s.visibleMissions(c)
	if err != nil {
		return err
	}
	d := &newMissionData{First: len(ms) == 0, Document: c.FormValue("document"), Template: c.FormValue("template")}
	if d.Template != "" && d.Template != templateGipuzkoa {
		return portfolio.Errorf(portfolio.EINVALID, "template %q is not one of: %s", d.Template, templateGipuzkoa)
	}
	if d.Document == "" && d.Template == templateGipuzkoa {
		d.Document = string(demo.Template())
	}
	refuse := func(err error) error {
		if portfolio.ErrorCode(err) == portfolio.EINTERNAL {
			return err // logged and answered by the error handler, never shown
		}
		d.Problems = []string{portfolio.ErrorMessage(err)}
		if details := portfolio.ErrorDetails(err); len(details) > 1 {
			d.Problems = details
		}
		return s.renderNewMission(c, d, statusOf(err))
	}
	if d.Document == "" {
		return refuse(portfolio.Errorf(portfolio.EINVALID, "no mission document: upload a file, paste one or start from the template"))
	}
	m, err := missionfile.Parse([]byte(d.Document))
	if err != nil {
		return refuse(err)
	}
	if err := schedule.CheckSnapshotSpec("schedules.snapshot", m.Schedules[schedule.JobSnapshot], s.minSnapshot); err != nil {
		return refuse(err)
	}
	if _, err := s.store.Mission(c.UserContext(), m.Slug); err == nil {
		return refuse(portfolio.Errorf(portfolio.ECONFLICT, "a mission %q exists already: change the slug in the document, or open that mission", m.Slug))
	}
	if d.Template == templateGipuzkoa {
		areas, year, err := demo.Geography()
		if err != nil {
			return err
		}
		if err := s.store.UpsertGeoAreas(c.UserContext(), areas, year); err != nil {
			return err
		}
	}
	if _, err := s.store.ApplyMission(c.UserContext(), m); err != nil {
		return refuse(err)
	}
	s.views.invalidate(m.Slug)
	s.metrics.Invalidate(m.Slug)
	if s.onApplied != nil {
		if m, err = s.store.Mission(c.UserContext(), m.Slug); err != nil {
			return err
		}
		if err := s.onApplied(c.UserContext(), m); err != nil {
			return err
		}
	}
	return c.Redirect("/m/"+url.PathEscape(m.Slug)+"/imports?first=1&lang="+s.language(c), fiber.StatusSeeOther)
}
