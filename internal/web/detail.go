package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/portfolio"
)

// The detail pages of a project, a signal and an organisation, and their
// JSON twins under /api/v1. As of ?snapshot= they read the snapshot's
// frozen rows; the import batches and snapshot states, which no snapshot
// freezes, are kept to those before it.

// projectView is a project's page.
type projectView struct {
	page
	Project       *portfolio.Project
	ProjectDetail *portfolio.ProjectDetail
}

// signalView is a signal's page.
type signalView struct {
	page
	SignalDetail *portfolio.SignalDetail
}

// organisationView is an organisation's page.
type organisationView struct {
	page
	OrganisationDetail *portfolio.OrganisationDetail
}

// detailJSON answers a detail page's JSON twin: what read finds in the
// request's scope.
func detailJSON[T any](s *Server, c *fiber.Ctx, read func(*fiber.Ctx, *scoped) (T, error)) error {
	sd, err := s.scope(c)
	if err != nil {
		return err
	}
	defer sd.release()
	d, err := read(c, sd)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// projectDetail reads the project of the path in the request's scope.
func projectDetail(c *fiber.Ctx, sd *scoped) (*portfolio.ProjectDetail, error) {
	d, err := sd.lists.ProjectDetail(c.UserContext(), sd.Mission, c.Params("ref"))
	if err != nil {
		return nil, err
	}
	if sd.Snapshot != nil {
		d.Batches = batchesUntil(d.Batches, sd)
		var kept []portfolio.ProjectAsOf
		for _, a := range d.Snapshots {
			if !a.TakenAt.After(sd.Snapshot.TakenAt) {
				kept = append(kept, a)
			}
		}
		d.Snapshots = append([]portfolio.ProjectAsOf{}, kept...)
	}
	return d, nil
}

// batchesUntil keeps the batches committed by the time of the scope's
// snapshot.
func batchesUntil(bs []portfolio.BatchRef, sd *scoped) []portfolio.BatchRef {
	out := []portfolio.BatchRef{}
	for _, b := range bs {
		if b.CommittedAt != nil && !b.CommittedAt.After(sd.Snapshot.TakenAt) {
			out = append(out, b)
		}
	}
	return out
}

func signalDetail(c *fiber.Ctx, sd *scoped) (*portfolio.SignalDetail, error) {
	d, err := sd.lists.SignalDetail(c.UserContext(), sd.Mission, c.Params("ref"))
	if err != nil {
		return nil, err
	}
	if sd.Snapshot != nil {
		d.History = batchesUntil(d.History, sd)
	}
	return d, nil
}

func organisationDetail(c *fiber.Ctx, sd *scoped) (*portfolio.OrganisationDetail, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, portfolio.Errorf(portfolio.EINVALID, "organisation id %q is not a positive whole number", c.Params("id"))
	}
	return sd.lists.OrganisationDetail(c.UserContext(), sd.Mission, id, sd.Scope)
}

// projectPage shows one project with every field, its terms as labels,
// its place by name, its signals, the imports that wrote it and its stage
// in every snapshot. As of a snapshot a project the snapshot did not have
// is not found.
func (s *Server) projectPage(c *fiber.Ctx) error {
	mp, err := s.missionPage(c, "projects")
	if err != nil {
		return err
	}
	defer mp.done()
	p := &projectView{page: *mp}
	if p.ProjectDetail, err = projectDetail(c, p.scoped); err != nil {
		return err
	}
	p.Project = &p.ProjectDetail.Project
	p.Title = p.Project.ExtRef + " · " + p.Project.Title
	return s.render(c, "project", p)
}

func (s *Server) apiProject(c *fiber.Ctx) error { return detailJSON(s, c, projectDetail) }

// signalPage shows one signal: its terms as labels, its linked projects
// and its status in every version the imports wrote.
func (s *Server) signalPage(c *fiber.Ctx) error {
	mp, err := s.missionPage(c, "signals")
	if err != nil {
		return err
	}
	defer mp.done()
	p := &signalView{page: *mp}
	if p.SignalDetail, err = signalDetail(c, p.scoped); err != nil {
		return err
	}
	p.Title = p.SignalDetail.ExtRef + " · " + p.SignalDetail.Headline
	return s.render(c, "signal", p)
}

func (s *Server) apiSignal(c *fiber.Ctx) error { return detailJSON(s, c, signalDetail) }

// organisationPage shows one organisation: its projects, the levels of
// action of those in scope and its place in the network.
func (s *Server) organisationPage(c *fiber.Ctx) error {
	mp, err := s.missionPage(c, "organisations")
	if err != nil {
		return err
	}
	defer mp.done()
	p := &organisationView{page: *mp}
	if p.OrganisationDetail, err = organisationDetail(c, p.scoped); err != nil {
		return err
	}
	p.Title = p.OrganisationDetail.Name
	return s.render(c, "organisation", p)
}

func (s *Server) apiOrganisation(c *fiber.Ctx) error { return detailJSON(s, c, organisationDetail) }

// SignalLink is a signal's page, keeping the language, filters and snapshot.
func (p *page) SignalLink(ref string) string {
	return p.Link("/m/" + p.Mission.Slug + "/signals/" + url.PathEscape(ref))
}

// OrganisationLink is an organisation's page.
func (p *page) OrganisationLink(id int64) string {
	return p.Link("/m/" + p.Mission.Slug + "/organisations/" + strconv.FormatInt(id, 10))
}

// SnapshotLink is the page path as of snapshot id.
func (p *page) SnapshotLink(id int64) string {
	q := url.Values{"lang": {p.Lang}, "snapshot": {strconv.FormatInt(id, 10)}}
	return p.Path + "?" + q.Encode()
}

// LevelCounts are an organisation's levels of action as labels with their
// number of projects, in the level scheme's order.
func (p *page) LevelCounts(levels map[string]int) [][2]string {
	var out [][2]string
	s := p.Mission.Scheme("level")
	if s == nil {
		return nil
	}
	for _, t := range s.Terms {
		if n, ok := levels[t.Code]; ok {
			out = append(out, [2]string{t.Label.In(p.Lang), p.Count(n)})
		}
	}
	return out
}

// ScopeCount states the scope in words for n projects.
func (p *page) ScopeCount(n int) string { return p.ScopeText(int64(n)) }

// SignalTerms lists a signal's terms as labels per scheme, in the
// mission's scheme order.
func (p *page) SignalTerms(terms map[string][]string) [][2]string {
	var out [][2]string
	for _, s := range p.Mission.Schemes {
		if codes := terms[s.Code]; len(codes) > 0 {
			out = append(out, [2]string{s.Label.In(p.Lang), p.TermLabels(s.Code, codes)})
		}
	}
	return out
}

// Roles names an organisation's roles in a project ("lead, partner").
func (p *page) Roles(roles string) string {
	parts := strings.Split(roles, ", ")
	for i, r := range parts {
		parts[i] = p.Enum("org_role", r)
	}
	return strings.Join(parts, ", ")
}
