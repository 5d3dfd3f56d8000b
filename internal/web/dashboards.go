package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/cache"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// The dashboards: a mission's overview and its other dashboards, live
// (cached whole in viewcache.go) or as of a snapshot, and the CSV of one
// panel's data.

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
		p := &dashboardView{page: page{Lang: lang, Nav: d.ID, Path: path, Query: q, Languages: i18n.Languages, Dashboards: s.dashboards.All(),
			Mission: m, Scope: sc, Title: d.Title.In(lang), Role: role}, Map: s.mapFor(m), DashID: d.ID}
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
	mp, err := s.missionPage(c, d.ID)
	if err != nil {
		return err
	}
	defer mp.done()
	p := &dashboardView{page: *mp, Map: s.mapFor(mp.Mission)}
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

// dashboardView is a dashboard: its panels' figures and what its map is
// drawn over.
type dashboardView struct {
	page
	View   *dashboard.View
	DashID string
	Map    mapBoundaries // what the territory map is drawn over (boundaries.go)
}

// PanelCSV links to the CSV of exactly one panel's data.
func (p *dashboardView) PanelCSV(panel string) string {
	return p.Link(fmt.Sprintf("/m/%s/d/%s/csv/%s", p.Mission.Slug, p.DashID, panel))
}

// AsOfText says when the page's figures are from, for an exported chart:
// the snapshot it is frozen at, or the time the figures were read.
func (p *dashboardView) AsOfText() string {
	if p.Snapshot != nil {
		return p.T("png.snapshot", p.Snapshot.ID, p.Snapshot.Label, p.Time(p.Snapshot.TakenAt))
	}
	if p.View != nil && !p.View.ComputedAt.IsZero() {
		return p.T("dashboard.computed_at", p.Time(p.View.ComputedAt))
	}
	return ""
}

// PNGName is the file name of a chart exported as an image: mission,
// dashboard, chart and the date of its figures (with the snapshot's number
// when frozen), e.g. gipuzkoa-overview-coverage-2026-11-27.
func (p *dashboardView) PNGName(panel string) string {
	at := time.Now()
	if p.View != nil && !p.View.ComputedAt.IsZero() {
		at = p.View.ComputedAt
	}
	name := p.Mission.Slug + "-" + p.DashID + "-" + panel
	if p.Snapshot != nil {
		at = p.Snapshot.TakenAt
		name += fmt.Sprintf("-snapshot-%d", p.Snapshot.ID)
	}
	tz := defaultZone
	if p.Mission.Timezone != "" {
		tz = p.Mission.Timezone
	}
	return name + "-" + at.In(zone(tz)).Format(time.DateOnly)
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

// RowLink is the list (or page) a panel's table row opens: the one a click
// on the row's mark in the chart opens, in the page's scope; "" when the
// row has none.
func (p *page) RowLink(pv dashboard.PanelView, i int) string {
	if i >= len(pv.Table.Links) {
		return ""
	}
	return p.markLink(pv, pv.Table.Links[i])
}

// CellLink is the list a table's figure opens when the figure is a mark of
// its own (a point of a line: a term in a month); "" when it is not.
func (p *page) CellLink(pv dashboard.PanelView, i, j int) string {
	if i >= len(pv.Table.CellLinks) || j >= len(pv.Table.CellLinks[i]) {
		return ""
	}
	return p.markLink(pv, pv.Table.CellLinks[i][j])
}

// markLink is the list (or page) a chart's mark opens, in the page's scope.
func (p *page) markLink(pv dashboard.PanelView, mk *dashboard.Mark) string {
	if p.Mission == nil || pv.Drill == nil || mk == nil {
		return ""
	}
	if mk.Path != "" {
		return p.Link("/m/" + p.Mission.Slug + "/" + mk.Path)
	}
	target := "/projects"
	if pv.Drill.Target != "" {
		target = "/" + pv.Drill.Target // signals, links
	}
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	for k, v := range mk.Query {
		q.Set(k, v)
	}
	return "/m/" + p.Mission.Slug + target + "?" + q.Encode()
}

// KPILink opens the list behind a KPI card's figure.
func (p *page) KPILink(k dashboard.KPI) string {
	if strings.HasPrefix(k.Target, "#") {
		return k.Target
	}
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	for key, v := range k.Query {
		q.Set(key, v)
	}
	return "/m/" + p.Mission.Slug + "/" + k.Target + "?" + q.Encode()
}
