package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// The links list: the shared-partner links behind a cell of the
// cross-level heatmap (C19), in the page's scope, as of its snapshot when
// there is one. The cell's figure is a number of links, so its rows are
// pairs of projects, not projects.

// linkLevels reads ?level_a= and ?level_b=: two active terms of the level
// scheme (EINVALID otherwise).
func linkLevels(c *fiber.Ctx, m *portfolio.Mission) (a, b string, err error) {
	level, err := m.SchemeOrError("level")
	if err != nil {
		return "", "", err
	}
	a, b = c.Query("level_a"), c.Query("level_b")
	for _, p := range []struct{ name, code string }{{"level_a", a}, {"level_b", b}} {
		if t := level.Term(p.code); t == nil || t.Inactive {
			return "", "", portfolio.Errorf(portfolio.EINVALID, "%s=%q is not an active level of action of this mission", p.name, p.code)
		}
	}
	return a, b, nil
}

// scopeLinks reads one page of the links between levels a and b. The list
// has no search, order or export of its own: asking for one is refused
// rather than ignored.
func scopeLinks(c *fiber.Ctx, sd *scoped, a, b string, pg portfolio.Page) ([]metrics.LinkedPair, int, error) {
	if pg.Search != "" || pg.Sort != "" || pg.All {
		return nil, 0, portfolio.Errorf(portfolio.EINVALID, "the links list takes no q, sort or format: only the scope, level_a, level_b, limit and offset")
	}
	env, err := sd.src.Env(metrics.Request{Mission: sd.Mission, Scope: sd.Scope})
	if err != nil {
		return nil, 0, err
	}
	return metrics.LinksBetween(c.UserContext(), env, a, b, pg.Offset, pg.Limit)
}

// linkJSON is a link as the API answers it.
type linkJSON struct {
	A      linkEnd `json:"a"`
	B      linkEnd `json:"b"`
	Shared int     `json:"shared_organisations"`
}

type linkEnd struct {
	ExtRef string `json:"ext_ref"`
	Title  string `json:"title"`
	Level  string `json:"level"`
}

func (s *Server) apiLinks(c *fiber.Ctx) error {
	sd, pg, err := s.apiListArgs(c)
	if err != nil {
		return err
	}
	defer sd.release()
	a, b, err := linkLevels(c, sd.Mission)
	if err != nil {
		return err
	}
	pairs, total, err := scopeLinks(c, sd, a, b, pg)
	if err != nil {
		return err
	}
	items := make([]linkJSON, len(pairs))
	for i, p := range pairs {
		items[i] = linkJSON{A: linkEnd{p.A, p.TitleA, p.LevelA}, B: linkEnd{p.B, p.TitleB, p.LevelB}, Shared: p.Shared}
	}
	return list(c, items, int64(total), pg)
}

// linkListView is the links between two levels: pairs of projects.
type linkListView struct {
	listView
	Links      []metrics.LinkedPair
	LinkLevels [2]string // the two levels they join
}

func (s *Server) linksPage(c *fiber.Ctx) error {
	lp, pg, err := s.listPage(c, "links")
	if err != nil {
		return err
	}
	defer lp.done()
	p := &linkListView{listView: listView{page: *lp}}
	a, b, err := linkLevels(c, p.Mission)
	if err != nil {
		return err
	}
	pairs, total, err := scopeLinks(c, p.scoped, a, b, pg)
	if err != nil {
		return err
	}
	t, err := p.scoped.lists.ProjectTotals(c.UserContext(), p.Mission, p.Scope, nil)
	if err != nil {
		return err
	}
	p.Links, p.Total, p.Totals = pairs, int64(total), &t
	p.LinkLevels = [2]string{p.TermLabels("level", []string{a}), p.TermLabels("level", []string{b})}
	p.Title = p.T("links.title")
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	q.Set("level_a", a)
	q.Set("level_b", b)
	p.setPageLinks(q, pg, p.Total)
	return s.render(c, "links", p)
}

// HubProjects is the hub rule of the network, for the list's explanation.
func (p *linkListView) HubProjects() int { return metrics.NetworkHubProjects }
