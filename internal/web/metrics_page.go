package web

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// metricsView is the metric catalogue with its figures for the scope.
type metricsView struct {
	page
	MetricFamilies []metricFamily
	ComputedAt     string
}

// metricFamily is one family of the catalogue page: portfolio coverage and
// balance, network, signals.
type metricFamily struct {
	Code, Label, Lead string
	Metrics           []metricGroup
}

// metricGroup is one metric of the catalogue page with its first rows.
type metricGroup struct {
	Code, Label, Definition string
	Rows                    []metricRow
	Total                   int // rows computed, shown or not
	More                    int
	APILink                 string
	Views                   []metricView // the dashboards that draw it
}

type metricRow struct{ Dims, Value, N string }

// metricView links a metric to a dashboard drawing it.
type metricView struct{ Label, Link string }

// maxRowsShown bounds each metric on the catalogue page; the API has all.
const maxRowsShown = 15

// metricsPage lists the whole catalogue by family: every metric with its
// definition, the dashboards that draw it and its figures for the current
// scope (each with its n, its dimensions as labels), the figures folded
// away until asked for.
func (s *Server) metricsPage(c *fiber.Ctx) error {
	mp, err := s.missionPage(c, "metrics")
	if err != nil {
		return err
	}
	defer mp.done()
	p := &metricsView{page: *mp}
	// As of a snapshot, the figures come from its frozen tables.
	res, err := p.scoped.src.Metrics(c.UserContext(), metrics.Request{Mission: p.Mission, Scope: p.Scope})
	if err != nil {
		return err
	}
	p.Title = p.T("metrics.title")
	p.ComputedAt = p.Time(res.ComputedAt)
	byCode := map[string]*metricGroup{}
	for _, code := range metrics.Codes() {
		q := p.Scope.Query()
		q.Set("codes", code)
		g := &metricGroup{Code: code, Label: metrics.Label(code, p.Lang), Definition: metrics.Definition(code, p.Lang),
			APILink: "/api/v1/missions/" + p.Mission.Slug + "/metrics?" + q.Encode()}
		for _, d := range p.Dashboards {
			if d.Draws(code) {
				g.Views = append(g.Views, metricView{Label: d.Title.In(p.Lang), Link: p.Link("/m/" + p.Mission.Slug + "/d/" + d.ID)})
			}
		}
		byCode[code] = g
	}
	for _, v := range res.Values {
		g := byCode[v.Code]
		g.Total++
		if len(g.Rows) >= maxRowsShown {
			g.More++
			continue
		}
		value := "null"
		if v.Value != nil {
			value = formatFigure(p.Lang, *v.Value)
		}
		g.Rows = append(g.Rows, metricRow{Dims: p.dimLabels(v.Dims), Value: value, N: i18n.Int(p.Lang, v.N)})
	}
	for _, f := range metrics.Families {
		fam := metricFamily{Code: f, Label: p.T("metrics.family." + f), Lead: p.T("metrics.family_lead." + f)}
		for _, code := range metrics.Codes() {
			if metrics.Family(code) == f {
				fam.Metrics = append(fam.Metrics, *byCode[code])
			}
		}
		p.MetricFamilies = append(p.MetricFamilies, fam)
	}
	return s.render(c, "metrics", p)
}

// termDims pairs the dimensions holding a term with the dimension naming
// its scheme.
var termDims = map[string]string{"a": "a_scheme", "b": "b_scheme", "term": "scheme"}

// dimLabels writes a metric value's dimensions in the reader's words:
// schemes and terms by their labels ("Pillar: Social and climate
// adaptation"), other dimensions as they are.
func (p *page) dimLabels(dims map[string]string) string {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	// Terms first in the order a, b, term, then the rest by name.
	rank := func(k string) string {
		switch k {
		case "a":
			return "0"
		case "b":
			return "1"
		case "term":
			return "2"
		}
		return "3" + k
	}
	sort.Slice(keys, func(i, j int) bool { return rank(keys[i]) < rank(keys[j]) })
	used := map[string]bool{}
	for k, sk := range termDims {
		if _, ok := dims[k]; ok {
			used[sk] = true
		}
	}
	var out []string
	for _, k := range keys {
		v := dims[k]
		switch {
		case used[k]: // a scheme named with its term
		case termDims[k] != "":
			scheme := dims[termDims[k]]
			out = append(out, p.schemeLabel(p.Mission, scheme)+": "+p.termLabel(p.Mission, scheme, v))
		case k == "scheme" || strings.HasSuffix(k, "_scheme"):
			out = append(out, p.schemeLabel(p.Mission, v))
		case p.Mission.Scheme(k) != nil:
			out = append(out, p.schemeLabel(p.Mission, k)+": "+p.termLabel(p.Mission, k, v))
		case k == "level_a" || k == "level_b": // C19's level × level links
			out = append(out, p.schemeLabel(p.Mission, "level")+": "+p.termLabel(p.Mission, "level", v))
		case k == "top_terms": // C18's cluster terms, of several schemes
			terms := strings.Split(v, ",")
			for i, t := range terms {
				terms[i] = p.anyTermLabel(t)
			}
			out = append(out, strings.Join(terms, ", "))
		default:
			out = append(out, k+": "+v)
		}
	}
	return strings.Join(out, " · ")
}

// anyTermLabel is the label of the first term coded code in the mission's
// schemes, the code when none has it.
func (p *page) anyTermLabel(code string) string {
	for _, sc := range p.Mission.Schemes {
		if t := sc.Term(code); t != nil {
			return t.Label.In(p.Lang)
		}
	}
	return code
}

// formatFigure shows a metric value: whole numbers as such, others with up
// to four decimals, in the reader's number format.
func formatFigure(lang string, x float64) string {
	if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
		return i18n.Int(lang, int64(x))
	}
	return i18n.Number(lang, x, 4)
}

// signalListView is the signal list; SignalFilterText says what it is
// filtered on.
type signalListView struct {
	listView
	Signals          []portfolio.Signal
	SignalFilterText string
}

// signalsPage lists signals, filtered by a term (?challenge=water), the
// level observed and the status: the drill-down of signal charts.
func (s *Server) signalsPage(c *fiber.Ctx) error {
	lp, pg, err := s.listPage(c, "signal_list") // not "signals", the signals dashboard's id
	if err != nil {
		return err
	}
	defer lp.done()
	p := &signalListView{listView: listView{page: *lp}}
	f, err := signalFilter(c, p.Mission, p.Scope)
	if err != nil {
		return err
	}
	p.Signals, p.Total, err = p.scoped.lists.Signals(c.UserContext(), p.Mission, f, pg)
	if err != nil {
		return err
	}
	if pg.All {
		return sendTable(c, p.Lang, c.Query("format"), signalTable(p.Lang, p.Mission, p.Signals))
	}
	p.List = newListState(&p.page, pg)
	p.List.Matching = p.Total
	p.setSignalFilters(f)
	if p.Total == 0 {
		if p.NoRows, err = noRows(c.UserContext(), p.scoped.lists, p.Mission, "signals"); err != nil {
			return err
		}
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
	p.setPageLinks(queryValues(c), pg, p.Total)
	return s.render(c, "signals", p)
}
