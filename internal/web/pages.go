package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/i18n"
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
			p.Message = p.T("home.no_mission")
			return s.render(c, "empty", p)
		}
		p.Message = p.T("home.no_access")
	}
	p.Missions = ms
	return s.render(c, "home", p)
}

// missionPage loads the mission and the scope shared by every mission page.
func (s *Server) missionPage(c *fiber.Ctx, nav string) (*page, error) {
	m, err := s.store.Mission(c.UserContext(), c.Params("slug"))
	if err != nil {
		return nil, err
	}
	sc, err := portfolio.ParseScope(queryValues(c))
	if err != nil {
		return nil, err
	}
	p := s.newPage(c, nav)
	p.Mission, p.Scope = m, sc
	p.GeoJSON, p.GeoJSONName = len(s.geoJSON) > 0, s.geoJSONName
	p.setFilters()
	return p, nil
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
	if c.Query("snapshot") != "" {
		return s.showSnapshotDashboard(c, d)
	}
	// Live pages are cached whole: everything on them follows from the URL
	// and the language, and the figures change only when an import lands
	// (or the mission document is applied again).
	// The role is in the key as the nav shows what the role allows; who
	// reads is put in when served (sendPersonal).
	// The key is the canonical scope: parameters the page does not read,
	// their order and repeats do not make another page (junk parameters
	// hit the cache instead of evaluating the page again).
	slug, lang, path := c.Params("slug"), s.language(c), c.Path()
	sc, q, err := canonicalScope(c)
	if err != nil {
		return err
	}
	role := principal(c).Role(slug)
	key := slug + "|" + d.ID + "|" + lang + "|" + role.String() + "|" + q.Encode()
	body, err := s.views.get(c.UserContext(), slug, key, func(ctx context.Context) ([]byte, error) {
		m, err := s.store.Mission(ctx, slug)
		if err != nil {
			return nil, err
		}
		p := &page{Lang: lang, Nav: d.ID, Path: path, Query: q, Languages: i18n.Languages, Dashboards: s.dashboards.All(),
			Mission: m, Scope: sc, GeoJSON: len(s.geoJSON) > 0, GeoJSONName: s.geoJSONName, DashID: d.ID, Title: d.Title.In(lang),
			Role: role}
		p.setFilters()
		if p.View, err = dashboard.Render(ctx, source{s.store, s.metrics}, m, d, sc, lang); err != nil {
			return nil, err
		}
		p.View.ComputedAt = s.now()
		boundView(p.View, lang)
		return s.renderBytes("dashboard", p)
	})
	if err != nil {
		return err
	}
	c.Vary(fiber.HeaderAcceptLanguage)
	c.Type("html", "utf-8")
	return s.sendPersonal(c, body, lang)
}

// showSnapshotDashboard renders a dashboard as of a snapshot: from its
// frozen tables, with an ETag (it never changes).
func (s *Server) showSnapshotDashboard(c *fiber.Ctx, d *dashboard.Dashboard) error {
	p, err := s.missionPage(c, d.ID)
	if err != nil {
		return err
	}
	sid, err := snapshotID(c, "snapshot")
	if err != nil {
		return err
	}
	src, m, snap, release, err := s.asOf(c, sid)
	if err != nil {
		return err
	}
	defer release()
	p.Mission, p.Snapshot = m, snap
	if immutable(c, sid) {
		return nil
	}
	if p.View, err = dashboard.Render(c.UserContext(), src, p.Mission, d, p.Scope, p.Lang); err != nil {
		return err
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
	for _, panel := range d.Panels {
		if panel.ID != c.Params("panel") {
			continue
		}
		pv := dashboard.RenderPanel(c.UserContext(), source{s.store, s.metrics}, p.Mission, panel, p.Scope, p.Lang)
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
		// Column headers come from mission labels, which are user input too.
		header := make([]string, len(pv.Table.Columns))
		for i, col := range pv.Table.Columns {
			header[i] = csvCell(col, false)
		}
		w.Write(header)
		for _, row := range pv.Table.Rows {
			rec := make([]string, len(row))
			for i, cell := range row {
				rec[i] = csvCell(cell.Raw, decimalComma)
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

func (s *Server) projectsPage(c *fiber.Ctx) error {
	p, err := s.missionPage(c, "projects")
	if err != nil {
		return err
	}
	pg, err := parsePage(c)
	if err != nil {
		return err
	}
	pg = pg.Normalize()
	p.Projects, p.Total, err = s.store.Projects(c.UserContext(), p.Mission, p.Scope, pg)
	if err != nil {
		return err
	}
	p.Title = p.T("projects.title")
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	p.setPageLinks(q, pg)
	return s.render(c, "projects", p)
}

// parsePage reads limit and offset; malformed values are EINVALID.
func parsePage(c *fiber.Ctx) (portfolio.Page, error) {
	var pg portfolio.Page
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
