package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
)

// The missions: the home page that lists those the reader may see, and
// the missions API (list, read, apply a mission document). The form that
// adds a mission is in firstrun.go.

// home lists the missions the reader may see, or goes straight to the
// only one. A visitor who may see none is asked to log in.
func (s *Server) home(c *fiber.Ctx) error {
	ms, err := s.visibleMissions(c)
	if err != nil {
		return err
	}
	if len(ms) == 1 {
		target := "/m/" + ms[0].Slug
		if q := string(c.Request().URI().QueryString()); q != "" {
			target += "?" + q
		}
		return c.Redirect(target, fiber.StatusFound)
	}
	p := &homeView{page: *s.newPage(c, "")}
	p.Title = "Begira"
	if len(ms) == 0 {
		if principal(c).Kind == auth.Anonymous {
			return s.loginRequired(c)
		}
		if principal(c).InstanceAdmin() {
			return s.renderNewMission(c, &newMissionData{First: true}, fiber.StatusOK)
		}
		p.Message = p.T("home.no_access")
	}
	p.Missions = ms
	return s.render(c, "home", p)
}

// homeView is the list of missions.
type homeView struct {
	page
	Missions []portfolio.MissionSummary
}

func (s *Server) apiMissions(c *fiber.Ctx) error {
	items, err := s.visibleMissions(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// visibleMissions are the missions the principal may view; the others are
// not mentioned at all.
func (s *Server) visibleMissions(c *fiber.Ctx) ([]portfolio.MissionSummary, error) {
	all, err := s.store.Missions(c.UserContext())
	if err != nil {
		return nil, err
	}
	p := principal(c)
	items := []portfolio.MissionSummary{}
	for _, m := range all {
		if p.Can(m.Slug, auth.Viewer) {
			items = append(items, m)
		}
	}
	return items, nil
}

func (s *Server) apiMission(c *fiber.Ctx) error {
	m, err := s.store.Mission(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	// Subscribers' addresses and alert hooks are personal data or
	// secrets: only the mission's administrators, who may change them,
	// see them.
	if principal(c).Role(m.Slug) < auth.Admin {
		m.Subscriptions, m.Alerts = nil, nil
	}
	return c.JSON(m)
}

// apiPutMission creates or updates a mission from a mission document (YAML
// or JSON) in the body: 201 when created, 200 when updated.
func (s *Server) apiPutMission(c *fiber.Ctx) error {
	m, err := missionfile.Parse(c.Body())
	if err != nil {
		return err
	}
	if err := schedule.CheckSnapshotSpec("schedules.snapshot", m.Schedules[schedule.JobSnapshot], s.minSnapshot); err != nil {
		return err
	}
	if m.Slug != c.Params("slug") {
		return portfolio.Errorf(portfolio.EINVALID, "the document's slug %q does not match the URL's %q", m.Slug, c.Params("slug"))
	}
	created, err := s.store.ApplyMission(c.UserContext(), m)
	if err != nil {
		return err
	}
	// Labels, terms and targets (C7) change: cached figures and pages too.
	s.views.invalidate(m.Slug)
	s.metrics.Invalidate(m.Slug)
	m, err = s.store.Mission(c.UserContext(), m.Slug)
	if err != nil {
		return err
	}
	if s.onApplied != nil {
		if err := s.onApplied(c.UserContext(), m); err != nil {
			return err
		}
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(m)
}
