package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/cache"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

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
	p := s.newPage(c, "")
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

// missionPage loads the request's scope (mission, filters, snapshot) shared
// by every mission page. The caller must defer p.done(): a page read as of
// a snapshot holds the snapshot's connection until then.
func (s *Server) missionPage(c *fiber.Ctx, nav string) (*page, error) {
	sd, err := s.scope(c)
	if err != nil {
		return nil, err
	}
	p := s.newPage(c, nav)
	p.scoped = sd
	p.Mission, p.Scope, p.Snapshot = sd.Mission, sd.Scope, sd.Snapshot
	// These pages show what no snapshot freezes (imports, the snapshots
	// themselves, the digest, the decisions): they say so, and their links still lead
	// back into the snapshot.
	p.NotFrozen = nav == "imports" || nav == "snapshots" || nav == "digest" || nav == "decisions"
	p.Map = s.mapFor(p.Mission)
	p.setFilters()
	p.addComarcaFilter(s.comarcas(c.UserContext()))
	return p, nil
}

// listPage is missionPage for a list: with the page of rows asked for. The
// caller must defer p.done().
func (s *Server) listPage(c *fiber.Ctx, nav string) (*page, portfolio.Page, error) {
	pg, err := parsePage(c)
	if err != nil {
		return nil, pg, err
	}
	p, err := s.missionPage(c, nav)
	return p, pg.Normalize(), err
}

func queryValues(c *fiber.Ctx) url.Values {
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	return q
}

func (s *Server) overview(c *fiber.Ctx) error {
	return s.showDashboard(c, "overview")
}

func (s *Server) dashboardPage(c *fiber.Ctx) error {
	return s.showDashboard(c, c.Params("dashboard"))
}

func (s *Server) showDashboard(c *fiber.Ctx, id string) error {
	d, err := s.dashboards.Get(id)
	if err != nil {
		return err
	}
	sc, err := portfolio.ParseScope(queryValues(c))
	if err != nil {
		return err
	}
	if sc.AsOf > 0 {
		return s.showSnapshotDashboard(c, d)
	}
	// Live pages are cached whole: everything on them follows from the
	// scope and the language, and the figures change only when an import
	// lands (or the mission document is applied again). The key is the
	// canonical scope, so parameters that change nothing share one entry.
	// The role is in the key as the nav shows what the role allows; who
	// reads is put in when served (sendPersonal).
	slug, lang, path := c.Params("slug"), s.language(c), c.Path()
	role := principal(c).Role(slug)
	key := slug + "|" + d.ID + "|" + lang + "|" + role.String() + "|" + sc.Key()
	reqCtx := c.UserContext()
	var rendered atomic.Bool // in this request: a miss (a background refresh has its own context)
	body, err := s.views.get(reqCtx, slug, key, func(ctx context.Context) ([]byte, error) {
		if ctx == reqCtx {
			rendered.Store(true)
		} else {
			s.stats.refresh("page")
		}
		// One picture of the data: the metrics on the page are recomputed
		// if an import made them stale, never shown beside new figures.
		ctx = cache.Fresh(ctx)
		// The chart and the metrics of the page build the network once.
		ctx = metrics.WithShared(ctx)
		m, err := s.store.Mission(ctx, slug)
		if err != nil {
			return nil, err
		}
		if err := m.CheckScope(sc); err != nil {
			return nil, err
		}
		q := sc.Query()
		q.Set("lang", lang)
		p := &page{Lang: lang, Nav: d.ID, Path: path, Query: q, Languages: i18n.Languages, Dashboards: s.dashboards.All(),
			Mission: m, Scope: sc, Map: s.mapFor(m), DashID: d.ID, Title: d.Title.In(lang),
			Role: role}
		p.setFilters()
		p.addComarcaFilter(s.comarcas(ctx))
		for attempt := 0; ; attempt++ {
			p.View, err = dashboard.Render(dashboard.WithRowLimit(ctx, maxTableRows), source{s.store, s.metrics}, m, d, sc, lang)
			if err == nil {
				break
			}
			if !retryRead(ctx, s.store, err, attempt) {
				return nil, err
			}
		}
		p.View.ComputedAt = s.now()
		if p.View.Projects == 0 {
			if p.NoRows, err = noRows(ctx, s.store, m, "dashboard"); err != nil {
				return nil, err
			}
		}
		boundView(p.View, lang)
		return s.renderBytes("dashboard", p)
	})
	if err != nil {
		return err
	}
	s.stats.lookup("page", !rendered.Load())
	c.Vary(fiber.HeaderAcceptLanguage)
	c.Type("html", "utf-8")
	return s.sendCached(c, key, body, lang)
}

// showSnapshotDashboard renders a dashboard as of a snapshot: from its
// frozen tables, with an ETag (it never changes).
func (s *Server) showSnapshotDashboard(c *fiber.Ctx, d *dashboard.Dashboard) error {
	p, err := s.missionPage(c, d.ID)
	if err != nil {
		return err
	}
	defer p.done()
	if immutable(c, p.Snapshot.ID) {
		return nil
	}
	if p.View, err = dashboard.Render(c.UserContext(), p.scoped.src, p.Mission, d, p.Scope, p.Lang); err != nil {
		return err
	}
	if p.View.Projects == 0 {
		if p.NoRows, err = noRows(c.UserContext(), p.scoped.lists, p.Mission, "dashboard"); err != nil {
			return err
		}
	}
	boundView(p.View, p.Lang)
	p.DashID, p.Title = d.ID, d.Title.In(p.Lang)
	return s.render(c, "dashboard", p)
}

// panelCSV serves exactly the data of one panel. Spanish and Basque readers
// get what their Excel opens directly: ';' separators, decimal commas and a
// UTF-8 BOM.
func (s *Server) panelCSV(c *fiber.Ctx) error {
	d, err := s.dashboards.Get(c.Params("dashboard"))
	if err != nil {
		return err
	}
	p, err := s.missionPage(c, d.ID)
	if err != nil {
		return err
	}
	defer p.done()
	for _, panel := range d.Panels {
		if panel.ID != c.Params("panel") {
			continue
		}
		pv := dashboard.RenderPanel(c.UserContext(), p.scoped.src, p.Mission, panel, p.Scope, p.Lang)
		if pv.Err != "" {
			return portfolio.Errorf(portfolio.EINVALID, "%s", pv.Err)
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		decimalComma := p.Lang == "es" || p.Lang == "eu"
		if decimalComma {
			buf.WriteString("\ufeff")
			w.Comma = ';'
		}
		// A column of coded values (terms, measures) is written twice: its
		// labels in the page's language, then the codes in a column of
		// their own; figures are written exact. Column headers come from
		// mission labels, which are user input too.
		coded := codedColumns(pv.Table)
		var header []string
		for i, col := range pv.Table.Columns {
			header = append(header, csvCell(col, false))
			if coded[i] {
				header = append(header, csvCell(p.T("csv.code", col), false))
			}
		}
		w.Write(header)
		for _, row := range pv.Table.Rows {
			var rec []string
			for i, cell := range row {
				if i < len(coded) && coded[i] {
					rec = append(rec, csvCell(cell.Text, false), csvCell(cell.Raw, false))
					continue
				}
				rec = append(rec, csvCell(cell.Raw, decimalComma))
			}
			w.Write(rec)
		}
		w.Flush()
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%s-%s.csv"`, p.Mission.Slug, d.ID, panel.ID))
		// Not c.Type("csv", "utf-8"): Go's MIME table already adds the
		// charset, which then appeared twice.
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		return c.Send(buf.Bytes())
	}
	return portfolio.Errorf(portfolio.ENOTFOUND, "dashboard %q has no panel %q", d.ID, c.Params("panel"))
}

// codedColumns marks the columns of t whose cells show a label for a code
// (a term, a measure): some cell's text differs from its value, and that
// value is not a number.
func codedColumns(t dashboard.Table) []bool {
	out := make([]bool, len(t.Columns))
	for _, row := range t.Rows {
		for i, c := range row {
			if i >= len(out) || out[i] || c.Raw == "" || c.Text == c.Raw {
				continue
			}
			if _, err := strconv.ParseFloat(c.Raw, 64); err != nil {
				out[i] = true
			}
		}
	}
	return out
}

// csvCell neutralises cells a spreadsheet would run as a formula and, for
// decimal-comma locales, writes numbers with a comma.
func csvCell(v string, decimalComma bool) string {
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		if decimalComma {
			return strings.Replace(v, ".", ",", 1)
		}
		return v
	}
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// projectsPage lists the projects in scope with what they add up to: a
// chart's mark opens it with its own filters (and ?frac=, ?measure= for a
// fractional or budget figure), and the header repeats that figure.
func (s *Server) projectsPage(c *fiber.Ctx) error {
	p, pg, err := s.listPage(c, "projects")
	if err != nil {
		return err
	}
	defer p.done()
	frac, err := fracParam(c)
	if err != nil {
		return err
	}
	ctx, lists := c.UserContext(), p.scoped.lists
	var matching int64
	if p.Projects, matching, err = lists.Projects(ctx, p.Mission, p.Scope, pg); err != nil {
		return err
	}
	if pg.All {
		return sendTable(c, p.Lang, c.Query("format"), projectTable(p.Lang, p.Mission, p.Projects))
	}
	t, err := lists.ProjectTotals(ctx, p.Mission, p.Scope, frac)
	if err != nil {
		return err
	}
	p.Total, p.Totals = t.Projects, &t
	p.List = newListState(p, pg)
	p.List.Matching = matching
	if p.Total == 0 {
		if p.NoRows, err = noRows(ctx, lists, p.Mission, "projects"); err != nil {
			return err
		}
	}
	p.Figure = listFigure(p, t, c.Query("measure"))
	p.Title = p.T("projects.title")
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	for _, k := range []string{"frac", "measure", "q", "sort"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	p.setPageLinks(q, pg, matching)
	return s.render(c, "projects", p)
}

// listFigure says, in words, the figure a list adds up to as the chart that
// opened it counts it.
func listFigure(p *page, t portfolio.ListTotals, measure string) string {
	label := func(code string) string {
		if sc := p.Mission.Scheme(code); sc != nil {
			return sc.Label.In(p.Lang)
		}
		return code
	}
	switch {
	case measure == dashboard.MeasureBudgetFrac && len(t.Frac) == 1:
		return p.T("list.budget_frac", p.EUR(t.BudgetFrac), label(t.Frac[0]))
	case measure == dashboard.MeasureBudgetFrac && len(t.Frac) == 2:
		return p.T("list.budget_frac2", p.EUR(t.BudgetFrac), label(t.Frac[0]), label(t.Frac[1]))
	case measure == dashboard.MeasureNFrac && len(t.Frac) == 2:
		return p.T("list.frac_count", i18n.Number(p.Lang, t.NFrac, 2), label(t.Frac[0]), label(t.Frac[1]))
	case measure == dashboard.MeasureNFrac && len(t.Frac) == 1:
		return p.T("list.frac_count", i18n.Number(p.Lang, t.NFrac, 2), label(t.Frac[0]), label(t.Frac[0]))
	}
	return p.T("list.budget", p.EUR(t.Budget))
}

// organisationsPage lists the organisations taking part in the projects in
// scope: the organisations KPI's rows.
func (s *Server) organisationsPage(c *fiber.Ctx) error {
	p, pg, err := s.listPage(c, "organisations")
	if err != nil {
		return err
	}
	defer p.done()
	ctx := c.UserContext()
	if p.Organisations, p.Total, err = p.scoped.lists.OrganisationsInScope(ctx, p.Mission, p.Scope, pg); err != nil {
		return err
	}
	if pg.All {
		return sendTable(c, p.Lang, c.Query("format"), organisationTable(p.Lang, p.Mission, p.Organisations))
	}
	p.List = newListState(p, pg)
	p.List.Matching = p.Total
	t, err := p.scoped.lists.ProjectTotals(ctx, p.Mission, p.Scope, nil)
	if err != nil {
		return err
	}
	p.Totals = &t
	if p.Total == 0 {
		if p.NoRows, err = noRows(ctx, p.scoped.lists, p.Mission, "organisations"); err != nil {
			return err
		}
	}
	p.Title = p.T("organisations.title")
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	for _, k := range []string{"q", "sort"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	p.setPageLinks(q, pg, p.Total)
	return s.render(c, "organisations", p)
}

// parsePage reads limit and offset, the search q and the order sort;
// format=csv|xlsx asks for every row. Malformed values are EINVALID.
func parsePage(c *fiber.Ctx) (portfolio.Page, error) {
	pg := portfolio.Page{Search: c.Query("q"), Sort: c.Query("sort")}
	if len(pg.Search) > 200 {
		return pg, portfolio.Errorf(portfolio.EINVALID, "q is %d bytes long, at most 200", len(pg.Search))
	}
	format, err := exportFormat(c)
	if err != nil {
		return pg, err
	}
	pg.All = format != ""
	for _, f := range []struct {
		name string
		dst  *int
	}{{"limit", &pg.Limit}, {"offset", &pg.Offset}} {
		if v := c.Query(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return pg, portfolio.Errorf(portfolio.EINVALID, "%s=%q must be a non-negative whole number", f.name, v)
			}
			*f.dst = n
		}
	}
	return pg, nil
}
