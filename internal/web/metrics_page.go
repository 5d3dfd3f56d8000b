package web

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
)

// metricGroup is one metric of the catalogue page with its first rows.
type metricGroup struct {
	Code, Label, Definition string
	Rows                    []metricRow
	More                    int
	APILink                 string
}

type metricRow struct{ Dims, Value, N string }

// maxRowsShown bounds each metric on the catalogue page; the API has all.
const maxRowsShown = 15

// metricsPage lists the whole catalogue: every metric with its definition
// and its figures for the current scope, each with its n.
func (s *Server) metricsPage(c *fiber.Ctx) error {
	p, err := s.missionPage(c, "metrics")
	if err != nil {
		return err
	}
	defer p.done()
	// As of a snapshot, the figures come from its frozen tables.
	res, err := p.scoped.src.Metrics(c.UserContext(), metrics.Request{Mission: p.Mission, Scope: p.Scope})
	if err != nil {
		return err
	}
	p.Title = p.T("metrics.title")
	p.ComputedAt = res.ComputedAt.Format("2006-01-02 15:04 UTC")
	byCode := map[string]*metricGroup{}
	for _, code := range metrics.Codes() {
		q := p.Scope.Query()
		q.Set("codes", code)
		g := &metricGroup{Code: code, Label: metrics.Label(code, p.Lang), Definition: metrics.Definition(code, p.Lang),
			APILink: "/api/v1/missions/" + p.Mission.Slug + "/metrics?" + q.Encode()}
		byCode[code] = g
		p.MetricGroups = append(p.MetricGroups, metricGroup{})
	}
	p.MetricGroups = p.MetricGroups[:0]
	for _, v := range res.Values {
		g := byCode[v.Code]
		if len(g.Rows) >= maxRowsShown {
			g.More++
			continue
		}
		keys := make([]string, 0, len(v.Dims))
		for k := range v.Dims {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var dims []string
		for _, k := range keys {
			dims = append(dims, k+"="+v.Dims[k])
		}
		value := "null"
		if v.Value != nil {
			value = formatFigure(p.Lang, *v.Value)
		}
		g.Rows = append(g.Rows, metricRow{Dims: strings.Join(dims, " · "), Value: value, N: i18n.Int(p.Lang, v.N)})
	}
	for _, code := range metrics.Codes() {
		p.MetricGroups = append(p.MetricGroups, *byCode[code])
	}
	return s.render(c, "metrics", p)
}

// formatFigure shows a metric value: whole numbers as such, others with up
// to four decimals, in the reader's number format.
func formatFigure(lang string, x float64) string {
	if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
		return i18n.Int(lang, int64(x))
	}
	return i18n.Number(lang, x, 4)
}

// signalsPage lists signals, filtered by a term (?challenge=water), the
// level observed and the status: the drill-down of signal charts.
func (s *Server) signalsPage(c *fiber.Ctx) error {
	p, pg, err := s.listPage(c, "signals")
	if err != nil {
		return err
	}
	defer p.done()
	f, err := signalFilter(c, p.Mission, p.Scope)
	if err != nil {
		return err
	}
	p.Signals, p.Total, err = p.scoped.lists.Signals(c.UserContext(), p.Mission, f, pg)
	if err != nil {
		return err
	}
	p.Title = p.T("signals.title")
	// Say what the list is filtered on: the page's signal scope and the
	// list's own term.
	var parts []string
	for _, scheme := range []string{"level", "pillar", "challenge", "lever"} {
		if terms, _ := p.Scope.SchemeFilter(scheme); len(terms) > 0 {
			if sc := p.Mission.Scheme(scheme); sc != nil {
				parts = append(parts, sc.Label.In(p.Lang)+": "+p.TermLabels(scheme, terms))
			}
		}
	}
	if f.Term != "" {
		if sc := p.Mission.Scheme(f.Scheme); sc != nil {
			parts = append(parts, sc.Label.In(p.Lang)+": "+p.TermLabels(f.Scheme, []string{f.Term}))
		}
	}
	p.SignalFilterText = strings.Join(parts, " · ")
	p.setPageLinks(queryValues(c), pg)
	return s.render(c, "signals", p)
}
