package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// Figures are the store's figures over a scope of a mission's projects.
type Figures interface {
	KPIs(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope) (portfolio.KPIs, error)
	Coverage(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]portfolio.CoverageCell, error)
	Shares(ctx context.Context, m *portfolio.Mission, scheme string, sc portfolio.Scope) ([]portfolio.Share, error)
	BudgetTree(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]portfolio.BudgetLeaf, error)
	ProjectTags(ctx context.Context, m *portfolio.Mission, scheme string, sc portfolio.Scope) ([]portfolio.ProjectTag, error)
}

// Source is what panels read: the store's figures and the metric catalogue.
type Source interface {
	Figures
	// Metrics serves the metric catalogue (cached); Env prepares uncached
	// view queries (maps, networks, matrices).
	Metrics(ctx context.Context, req metrics.Request) (*metrics.Result, error)
	Env(req metrics.Request) (*metrics.Env, error)
}

// View is a dashboard evaluated for one mission, scope and language.
type View struct {
	// ComputedAt is when the figures were read (views are cached and
	// refreshed in the background after an import).
	ComputedAt time.Time
	Dashboard  *Dashboard
	// Projects is the number of projects in scope, for the scope's words.
	Projects int64
	KPIs     []KPI
	Panels   []PanelView
}

// KPI is one headline card. Every card opens the list behind its figure:
// Target ("projects", "organisations", "signals" or "#panel-ID" for a panel
// of the page) with Query added to the page's scope.
type KPI struct {
	Code   string
	Label  string
	Value  string
	Note   string
	Target string
	Query  map[string]string
	// Raw is the figure as a number and Measure how the list adds it up
	// (see Mark), so the card and its list can be compared.
	Raw     float64
	Measure string
}

// PanelView is one evaluated panel: the chart option, the same data as a
// table, a one-sentence summary for screen readers, and how a click drills
// down to projects.
type PanelView struct {
	ID      string
	Title   string
	Chart   string
	Option  template.JS // HTML-safe JSON; see Option.JSON
	Table   Table
	Summary string
	Drill   *Drill
	Err     string
	// Choropleth is the territory map's data when boundaries colour it.
	Choropleth *Choropleth
}

// Drill says what a click on each mark of a chart opens: the list of the
// rows behind the mark's figure, in the page's scope narrowed by the mark.
// Keys: "x,y" (heatmap cell indices), "i" (bar, pie and radar data index),
// or the key a tree node carries in its "drill" field (treemap, sunburst).
type Drill struct {
	Target string          `json:"target,omitempty"` // "signals", "links"; default the project list
	Marks  map[string]Mark `json:"marks"`
}

// Mark is one clickable figure: the filters it adds to the page's scope and
// the figure itself, as the list opened adds it up (Measure: count, budget,
// n_frac or budget_frac of ListTotals, "signals" for a signal count, or ""
// for a figure that is not a sum of rows, such as a share gap).
type Mark struct {
	Query   map[string]string `json:"q"`
	Value   float64           `json:"v"`
	Measure string            `json:"m,omitempty"`
	// Path, when set, opens a page of the mission instead of a list (a
	// project's page: "projects/PRJ-0001"), in the page's scope.
	Path string `json:"p,omitempty"`
}

// Measures of a Mark.
const (
	MeasureCount      = "count"
	MeasureBudget     = "budget"
	MeasureNFrac      = "n_frac"
	MeasureBudgetFrac = "budget_frac"
	MeasureSignals    = "signals"
)

// add records a mark under key.
func (d *Drill) add(key string, q map[string]string, v float64, measure string) {
	if d.Marks == nil {
		d.Marks = map[string]Mark{}
	}
	d.Marks[key] = Mark{Query: q, Value: v, Measure: measure}
}

// links returns the marks of keys ("" and unknown keys have none).
func (d *Drill) links(keys []string) []*Mark {
	out := make([]*Mark, len(keys))
	for i, k := range keys {
		if mk, ok := d.Marks[k]; ok && k != "" {
			out[i] = &mk
		}
	}
	return out
}

// DrillJSON returns the drill description for the page's script.
func (p PanelView) DrillJSON() template.JS {
	if p.Drill == nil || len(p.Drill.Marks) == 0 {
		return "null"
	}
	b, _ := json.Marshal(p.Drill)
	return template.JS(b)
}

// Table is a panel's data as rows: Text is formatted for the reader's
// language, Raw is the exact value exported to CSV.
type Table struct {
	Columns []string
	Rows    [][]Cell
	// Total is the number of rows when a page asked for fewer (WithRowLimit)
	// and the panel stopped there; 0 when Rows holds them all.
	Total int
	// Marks holds, for each row, the key of the chart's mark it is (see
	// Drill), or ""; Links the mark itself once the panel is drawn. The
	// page links the row to the same list a click on the mark opens, so
	// every drill-down is reachable by keyboard (and stays right when the
	// page later cuts the chart's marks).
	Marks []string
	Links []*Mark
	// CellMarks holds, for a table whose figures are marks of their own
	// (a line's points: a term's row, a month's column), each row's keys by
	// column, "" where a cell has none; CellLinks the marks once drawn.
	CellMarks [][]string
	CellLinks [][]*Mark
}

// addRow appends a row and the key of its mark.
func (t *Table) addRow(mark string, cells ...Cell) {
	t.Rows = append(t.Rows, cells)
	t.Marks = append(t.Marks, mark)
}

// rowLimitKey carries WithRowLimit's limit.
type rowLimitKey struct{}

// WithRowLimit asks the panels rendered with ctx for at most n table rows:
// a page shows a few hundred, while a portfolio of a million projects has
// a million; the CSV, rendered without it, has them all.
func WithRowLimit(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, rowLimitKey{}, n)
}

// rowLimit is ctx's row limit, or -1 for none.
func rowLimit(ctx context.Context) int {
	if n, ok := ctx.Value(rowLimitKey{}).(int); ok {
		return n
	}
	return -1
}

// maxTreeLeaves bounds the project tree's ring of projects (the page
// bound of internal/web cuts a sunburst at the same size): 100,000 leaves
// made a 15 MB option before it was cut.
const maxTreeLeaves = 3000

// Cell is one table value.
type Cell struct {
	Text string
	Raw  string
}

// termQuery narrows a mark's query q to the projects tagged with term code
// of scheme, within the page's scope sc: the scheme's own parameter where
// it has one, else the "term" list (migration 0012). The page script sets
// each parameter of the mark over the page's, so the list written here
// carries the page's terms of other schemes too.
func termQuery(sc portfolio.Scope, q map[string]string, scheme, code string) map[string]string {
	if _, own := sc.SchemeFilter(scheme); own {
		q[scheme] = code
		return q
	}
	terms := sc.Terms
	if q["term"] != "" {
		terms = strings.Split(q["term"], ",")
	}
	kept := []string{scheme + ":" + code}
	for _, t := range terms {
		if !strings.HasPrefix(t, scheme+":") {
			kept = append(kept, t)
		}
	}
	slices.Sort(kept)
	q["term"] = strings.Join(kept, ",")
	return q
}

// untaggedQuery narrows q to the projects with no term of scheme, within sc.
func untaggedQuery(sc portfolio.Scope, q map[string]string, scheme string) map[string]string {
	schemes := append([]string{scheme}, sc.Untagged...)
	slices.Sort(schemes)
	q["untagged"] = strings.Join(slices.Compact(schemes), ",")
	return q
}

// Render evaluates every KPI and panel of d. A panel that fails (an unknown
// scheme, say) carries its error and the others still render.
func Render(ctx context.Context, src Source, m *portfolio.Mission, d *Dashboard, sc portfolio.Scope, lang string) (*View, error) {
	v := &View{Dashboard: d}
	src = &coverageOnce{Source: src, m: m, cells: map[[3]string][]portfolio.CoverageCell{}}
	k, err := src.KPIs(ctx, m, sc)
	if err != nil {
		return nil, err
	}
	v.Projects = k.Projects
	for _, code := range d.KPIs {
		kpi := KPI{Code: code, Label: i18n.T(lang, "kpi."+code), Target: "projects"}
		switch code {
		case "projects":
			kpi.Value, kpi.Note = i18n.Int(lang, k.Projects), i18n.T(lang, "kpi.in_scope")
			kpi.Raw, kpi.Measure = float64(k.Projects), MeasureCount
		case "budget":
			kpi.Value = i18n.EURCompact(lang, k.Budget)
			if k.BudgetNull > 0 {
				kpi.Note = i18n.T(lang, "kpi.budget_null", k.BudgetNull)
			}
			kpi.Raw, kpi.Measure = k.Budget, MeasureBudget
			kpi.Query = map[string]string{"measure": "budget"}
		case "organisations":
			kpi.Value = i18n.Int(lang, k.Organisations)
			kpi.Target, kpi.Raw, kpi.Measure = "organisations", float64(k.Organisations), MeasureCount
		case "signals":
			kpi.Value = i18n.Int(lang, k.Signals)
			kpi.Target, kpi.Raw, kpi.Measure = "signals", float64(k.Signals), MeasureSignals
			kpi.Query = map[string]string{"signal_status": "approved"}
		case "empty_cells":
			a, b, panel := emptyCellSchemes(d)
			kpi.Target = "#panel-" + panel
			cells, err := src.Coverage(ctx, m, a, b, sc)
			if err != nil {
				kpi.Value, kpi.Note = "–", portfolio.ErrorMessage(err)
				break
			}
			// Only the cells inside the filter count: a cell the filter
			// leaves out is not a gap of this scope.
			inside, empty := 0, 0
			for _, c := range cells {
				if sc.Excludes(a, c.A) || sc.Excludes(b, c.B) {
					continue
				}
				inside++
				if c.NFull == 0 {
					empty++
				}
			}
			kpi.Value, kpi.Raw = i18n.Int(lang, int64(empty)), float64(empty)
			kpi.Note = i18n.T(lang, "kpi.empty_cells_of", inside, schemeLabel(m, a, lang), schemeLabel(m, b, lang))
		}
		v.KPIs = append(v.KPIs, kpi)
	}
	for _, p := range d.Panels {
		v.Panels = append(v.Panels, RenderPanel(ctx, src, m, p, sc, lang))
	}
	return v, nil
}

// coverageOnce reads each coverage matrix once per Render: the overview's
// empty_cells KPI counts the matrix its coverage panel draws, and its
// project tree starts from a matrix too; at a million projects each read
// is a scan of every project's terms (about half a second of CPU). The
// key is the schemes and the scope, so a panel with a scope of its own
// never reads another's matrix; each reader gets its own copy.
type coverageOnce struct {
	Source
	m     *portfolio.Mission
	mu    sync.Mutex
	cells map[[3]string][]portfolio.CoverageCell
}

func (c *coverageOnce) Coverage(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]portfolio.CoverageCell, error) {
	if m != c.m {
		return c.Source.Coverage(ctx, m, a, b, sc)
	}
	key := [3]string{a, b, sc.Key()}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cells, ok := c.cells[key]; ok {
		return slices.Clone(cells), nil
	}
	cells, err := c.Source.Coverage(ctx, m, a, b, sc)
	if err != nil {
		return nil, err
	}
	c.cells[key] = cells
	return slices.Clone(cells), nil
}

// emptyCellSchemes picks the matrix the empty_cells KPI counts: the
// dashboard's first coverage panel, else pillar × level.
func emptyCellSchemes(d *Dashboard) (a, b, panel string) {
	for _, p := range d.Panels {
		if p.Data.Kind == "coverage" {
			return p.Data.A, p.Data.B, p.ID
		}
	}
	return "pillar", "level", ""
}

func schemeLabel(m *portfolio.Mission, code, lang string) string {
	if s := m.Scheme(code); s != nil {
		return s.Label.In(lang)
	}
	return code
}

func termLabel(s *portfolio.Scheme, code, lang string) string {
	if t := s.Term(code); t != nil {
		return t.Label.In(lang)
	}
	return code
}

// Retrier is a Source that tells a transient failure — DuckDB out of
// memory while an import holds its buffer pool — and waits until another
// attempt may succeed, reporting whether to make it.
type Retrier interface {
	Retry(ctx context.Context, err error, attempt int) bool
}

// RenderPanel evaluates one panel, again while its Source asks to retry.
func RenderPanel(ctx context.Context, src Source, m *portfolio.Mission, p Panel, sc portfolio.Scope, lang string) PanelView {
	for attempt := 0; ; attempt++ {
		pv, err := renderPanel(ctx, src, m, p, sc, lang)
		if r, ok := src.(Retrier); err == nil || !ok || !r.Retry(ctx, err, attempt) {
			return pv
		}
	}
}

// renderPanel evaluates one panel; a failure is written into the panel
// and returned for RenderPanel to retry.
func renderPanel(ctx context.Context, src Source, m *portfolio.Mission, p Panel, sc portfolio.Scope, lang string) (PanelView, error) {
	pv := PanelView{ID: p.ID, Title: p.Title.In(lang), Chart: p.Chart}
	var o Option
	var err error
	switch p.Data.Kind {
	case "coverage":
		o, err = coveragePanel(ctx, src, m, p, sc, lang, &pv)
	case "shares":
		o, err = sharesPanel(ctx, src, m, p, sc, lang, &pv)
	case "budget_tree":
		o, err = budgetTreePanel(ctx, src, m, p, sc, lang, &pv)
	case "project_tree":
		o, err = projectTreePanel(ctx, src, m, p, sc, lang, &pv)
	default:
		o, err = metricPanel(ctx, src, m, p, sc, lang, &pv)
	}
	if err != nil {
		pv.Err = i18n.T(lang, "panel.error", portfolio.ErrorMessage(err))
		return pv, err
	}
	if pv.Drill != nil {
		pv.Table.Links = pv.Drill.links(pv.Table.Marks)
		for _, keys := range pv.Table.CellMarks {
			pv.Table.CellLinks = append(pv.Table.CellLinks, pv.Drill.links(keys))
		}
	}
	if f, ok := FormatOf(o); ok {
		f.Lang = lang
		o[formatKey] = f
	}
	b, err := o.JSON()
	if err != nil {
		pv.Err = i18n.T(lang, "panel.error", "option")
		return pv, nil
	}
	pv.Option = template.JS(b)
	return pv, nil
}

func coveragePanel(ctx context.Context, src Source, m *portfolio.Mission, p Panel, sc portfolio.Scope, lang string, pv *PanelView) (Option, error) {
	cells, err := src.Coverage(ctx, m, p.Data.A, p.Data.B, sc)
	if err != nil {
		return nil, err
	}
	sa, sb := m.Scheme(p.Data.A), m.Scheme(p.Data.B)
	var rows, cols, rowCodes, colCodes []string
	index := func(list *[]string, codes *[]string, s *portfolio.Scheme, code string) int {
		for i, c := range *codes {
			if c == code {
				return i
			}
		}
		*codes = append(*codes, code)
		*list = append(*list, termLabel(s, code, lang))
		return len(*codes) - 1
	}
	type pos struct{ i, j int }
	at := map[pos]portfolio.CoverageCell{}
	for _, c := range cells {
		at[pos{index(&rows, &rowCodes, sa, c.A), index(&cols, &colCodes, sb, c.B)}] = c
	}
	values := make([][]float64, len(rows))
	outside := make([][]bool, len(rows))
	var gaps []string
	inside := 0
	drill := &Drill{}
	pv.Table.Columns = []string{sa.Label.In(lang), sb.Label.In(lang), i18n.T(lang, "col.projects"), i18n.T(lang, "col.projects_frac"), i18n.T(lang, "col.budget")}
	for i := range rows {
		values[i], outside[i] = make([]float64, len(cols)), make([]bool, len(cols))
		for j := range cols {
			c := at[pos{i, j}]
			values[i][j] = float64(c.NFull)
			// A cell the filter leaves out is neither a gap nor a figure.
			if sc.Excludes(p.Data.A, rowCodes[i]) || sc.Excludes(p.Data.B, colCodes[j]) {
				outside[i][j] = true
				out := i18n.T(lang, "chart.outside_filter")
				pv.Table.addRow("", Cell{rows[i], rowCodes[i]}, Cell{cols[j], colCodes[j]}, Cell{out, ""}, Cell{out, ""}, Cell{out, ""})
				continue
			}
			inside++
			if c.NFull == 0 {
				gaps = append(gaps, rows[i]+" × "+cols[j])
			}
			q := termQuery(sc, termQuery(sc, map[string]string{}, p.Data.A, rowCodes[i]), p.Data.B, colCodes[j])
			drill.add(fmt.Sprintf("%d,%d", j, i), q, float64(c.NFull), MeasureCount)
			pv.Table.addRow(fmt.Sprintf("%d,%d", j, i),
				Cell{rows[i], rowCodes[i]}, Cell{cols[j], colCodes[j]},
				Cell{i18n.Int(lang, c.NFull), fmt.Sprint(c.NFull)},
				Cell{i18n.Number(lang, c.NFrac, 2), fmt.Sprintf("%.4f", c.NFrac)},
				Cell{i18n.EUR(lang, c.BudgetFrac), fmt.Sprintf("%.2f", c.BudgetFrac)},
			)
		}
	}
	if len(gaps) > 0 {
		pv.Summary = i18n.T(lang, "summary.coverage", len(gaps), inside, strings.Join(gaps, "; "))
	} else {
		pv.Summary = i18n.T(lang, "summary.coverage_none")
	}
	if len(drill.Marks) > 0 {
		pv.Drill = drill
	}
	return withFormat(HeatmapIn(rows, cols, values, outside, i18n.T(lang, "chart.gap")),
		Format{Kind: KindCount, Measure: i18n.T(lang, "col.projects"), X: sb.Label.In(lang), Y: sa.Label.In(lang)}), nil
}

func sharesPanel(ctx context.Context, src Source, m *portfolio.Mission, p Panel, sc portfolio.Scope, lang string, pv *PanelView) (Option, error) {
	shares, err := src.Shares(ctx, m, p.Data.Scheme, sc)
	if err != nil {
		return nil, err
	}
	s := m.Scheme(p.Data.Scheme)
	budget := p.Data.Measure == "budget"
	var labels, codes []string
	var values []float64
	total := 0.0
	for _, sh := range shares {
		v := float64(sh.NFull)
		if budget {
			v = sh.BudgetFrac
		}
		if sh.Term == "" {
			if sh.NFull == 0 {
				continue // no untagged project: no bar
			}
			labels = append(labels, i18n.T(lang, "chart.untagged"))
		} else {
			labels = append(labels, termLabel(s, sh.Term, lang))
		}
		codes = append(codes, sh.Term)
		values = append(values, v)
		total += v
	}
	measureCol, series := i18n.T(lang, "col.projects"), i18n.T(lang, "chart.projects")
	if budget {
		measureCol, series = i18n.T(lang, "col.budget"), i18n.T(lang, "chart.budget")
	}
	pv.Table.Columns = []string{s.Label.In(lang), measureCol, i18n.T(lang, "col.share")}
	best := -1
	for i, v := range values {
		share := 0.0
		if total > 0 {
			share = v / total
		}
		text := i18n.Int(lang, int64(v))
		if budget {
			text = i18n.EUR(lang, v)
		}
		pv.Table.addRow(fmt.Sprint(i), Cell{labels[i], codes[i]}, Cell{text, fmt.Sprintf("%.2f", v)},
			Cell{i18n.Percent(lang, share, 1), fmt.Sprintf("%.4f", share)})
		if best < 0 || v > values[best] {
			best = i
		}
	}
	if best < 0 || total == 0 {
		pv.Summary = i18n.T(lang, "summary.empty")
	} else {
		pv.Summary = i18n.T(lang, "summary.shares", labels[best], pv.Table.Rows[best][1].Text, i18n.Percent(lang, values[best]/total, 1))
	}
	drill := &Drill{}
	for i, code := range codes {
		switch {
		case code == "":
			// The untagged bar: projects with no term of the scheme, each
			// counted whole, budget included.
			q := untaggedQuery(sc, map[string]string{}, p.Data.Scheme)
			if budget {
				q["measure"] = MeasureBudget
				drill.add(fmt.Sprint(i), q, values[i], MeasureBudget)
			} else {
				drill.add(fmt.Sprint(i), q, values[i], MeasureCount)
			}
		case sc.Excludes(p.Data.Scheme, code):
			// Outside the filter: no list of its own in this scope.
		case budget:
			q := termQuery(sc, map[string]string{"frac": p.Data.Scheme, "measure": MeasureBudgetFrac}, p.Data.Scheme, code)
			drill.add(fmt.Sprint(i), q, values[i], MeasureBudgetFrac)
		default:
			drill.add(fmt.Sprint(i), termQuery(sc, map[string]string{}, p.Data.Scheme, code), values[i], MeasureCount)
		}
	}
	pv.Drill = drill
	f := Format{Kind: KindCount, Measure: measureCol, X: s.Label.In(lang)}
	if budget {
		f.Kind = KindMoney
	}
	if p.Chart == "pie" {
		return withFormat(Pie(labels, values, series), f), nil
	}
	return withFormat(Bar(labels, values, series), f), nil
}

func budgetTreePanel(ctx context.Context, src Source, m *portfolio.Mission, p Panel, sc portfolio.Scope, lang string, pv *PanelView) (Option, error) {
	leaves, err := src.BudgetTree(ctx, m, p.Data.A, p.Data.B, sc)
	if err != nil {
		return nil, err
	}
	sa, sb := m.Scheme(p.Data.A), m.Scheme(p.Data.B)
	var nodes []opts.TreeMapNode
	var codes [][]string // codes[i]: node i's A code, then its leaves' B codes
	index := map[string]int{}
	pv.Table.Columns = []string{sa.Label.In(lang), sb.Label.In(lang), i18n.T(lang, "col.budget"), i18n.T(lang, "col.projects")}
	for _, l := range leaves {
		i, ok := index[l.A]
		if !ok {
			i = len(nodes)
			index[l.A] = i
			nodes = append(nodes, opts.TreeMapNode{Name: termLabel(sa, l.A, lang)})
			codes = append(codes, []string{l.A})
		}
		codes[i] = append(codes[i], l.B)
		nodes[i].Children = append(nodes[i].Children, opts.TreeMapNode{Name: termLabel(sb, l.B, lang), Value: int(l.Budget + 0.5)})
		nodes[i].Value += int(l.Budget + 0.5)
		pv.Table.addRow(treeKey(l.A, l.B), Cell{termLabel(sa, l.A, lang), l.A}, Cell{termLabel(sb, l.B, lang), l.B},
			Cell{i18n.EUR(lang, l.Budget), fmt.Sprintf("%.2f", l.Budget)}, Cell{i18n.Int(lang, l.Projects), fmt.Sprint(l.Projects)})
	}
	pv.Drill = treeDrill(sc, p.Data.A, p.Data.B, leafFigures(leaves), MeasureBudgetFrac)
	if len(leaves) == 0 {
		pv.Summary = i18n.T(lang, "summary.empty")
	} else {
		top := leaves[0] // ordered by budget, largest first
		pv.Summary = i18n.T(lang, "summary.tree", len(leaves), termLabel(sa, top.A, lang), termLabel(sb, top.B, lang), i18n.EUR(lang, top.Budget))
	}
	o := withFormat(Treemap(nodes, i18n.T(lang, "chart.budget")),
		Format{Kind: KindMoney, Measure: i18n.T(lang, "col.budget"), X: sa.Label.In(lang), Y: sb.Label.In(lang)})
	tagTree(o, func(path []int) string {
		if len(path) == 1 {
			return treeKey(codes[path[0]][0])
		}
		return treeKey(codes[path[0]][0], codes[path[0]][1+path[1]])
	})
	return o, nil
}

// leafFigures keys a budget tree's leaves by their term codes.
func leafFigures(leaves []portfolio.BudgetLeaf) []treeLeaf {
	out := make([]treeLeaf, len(leaves))
	for i, l := range leaves {
		out[i] = treeLeaf{l.A, l.B, l.Budget}
	}
	return out
}

func projectTreePanel(ctx context.Context, src Source, m *portfolio.Mission, p Panel, sc portfolio.Scope, lang string, pv *PanelView) (Option, error) {
	// A project in t_a × t_b cells is t_a·t_b leaves: with more than
	// maxTreeLeaves the ring of projects could not be read, and reading
	// every project's tags took a million-project portfolio past a
	// gigabyte. The tree then stops at its cells, from their counts.
	cells, err := src.Coverage(ctx, m, p.Data.A, p.Data.B, sc)
	if err != nil {
		return nil, err
	}
	var ringSize int64
	for _, c := range cells {
		ringSize += c.NFull
	}
	if ringSize > maxTreeLeaves {
		return cellTree(m, p, cells, sc, lang, pv), nil
	}
	ta, err := src.ProjectTags(ctx, m, p.Data.A, sc)
	if err != nil {
		return nil, err
	}
	tb, err := src.ProjectTags(ctx, m, p.Data.B, sc)
	if err != nil {
		return nil, err
	}
	sa, sb := m.Scheme(p.Data.A), m.Scheme(p.Data.B)
	type proj struct {
		title  string
		as, bs []string
	}
	projects := map[string]*proj{}
	var refs []string
	for _, t := range ta {
		pr := projects[t.ExtRef]
		if pr == nil {
			pr = &proj{title: t.Title}
			projects[t.ExtRef] = pr
			refs = append(refs, t.ExtRef)
		}
		pr.as = append(pr.as, t.Term)
	}
	for _, t := range tb {
		if pr := projects[t.ExtRef]; pr != nil {
			pr.bs = append(pr.bs, t.Term)
		}
	}
	sort.Strings(refs)
	shown := 0
	// Fractional counting: a project in t_a × t_b cells weighs 1/(t_a·t_b)
	// in each, so the whole sunburst sums to the number of projects.
	tree := map[string]map[string][]opts.SunBurstData{}
	leafRefs := map[string]map[string][]string{} // the ext_refs of tree's leaves, in order
	limit := rowLimit(ctx)                       // the page's table is cut as its rows are made
	pv.Table.Columns = []string{sa.Label.In(lang), sb.Label.In(lang), i18n.T(lang, "col.ext_ref"), i18n.T(lang, "col.project")}
	for _, ref := range refs {
		pr := projects[ref]
		if len(pr.bs) == 0 {
			continue // not tagged in B: not on the chart
		}
		shown++
		w := 1 / float64(len(pr.as)*len(pr.bs))
		for _, a := range pr.as {
			for _, b := range pr.bs {
				if tree[a] == nil {
					tree[a] = map[string][]opts.SunBurstData{}
				}
				tree[a][b] = append(tree[a][b], opts.SunBurstData{Name: pr.title, Value: w})
				if leafRefs[a] == nil {
					leafRefs[a] = map[string][]string{}
				}
				leafRefs[a][b] = append(leafRefs[a][b], ref)
				if limit < 0 || len(pv.Table.Rows) < limit {
					pv.Table.addRow("project:"+ref, Cell{termLabel(sa, a, lang), a}, Cell{termLabel(sb, b, lang), b}, Cell{ref, ref}, Cell{pr.title, pr.title})
				} else {
					pv.Table.Total = max(pv.Table.Total, len(pv.Table.Rows))
					pv.Table.Total++
				}
			}
		}
	}
	var data []opts.SunBurstData
	var codes [][]string // codes[i]: node i's A code, then its children's B codes
	var leaves []treeLeaf
	for _, a := range sa.Terms {
		if tree[a.Code] == nil {
			continue
		}
		node := opts.SunBurstData{Name: a.Label.In(lang)}
		nodeCodes := []string{a.Code}
		for _, b := range sb.Terms {
			if kids := tree[a.Code][b.Code]; kids != nil {
				node.Children = append(node.Children, &opts.SunBurstData{Name: b.Label.In(lang), Children: ptrs(kids)})
				nodeCodes = append(nodeCodes, b.Code)
				n := 0.0
				for _, k := range kids {
					n += k.Value
				}
				leaves = append(leaves, treeLeaf{a.Code, b.Code, n})
			}
		}
		data = append(data, node)
		codes = append(codes, nodeCodes)
	}
	pv.Drill = treeDrill(sc, p.Data.A, p.Data.B, leaves, MeasureNFrac)
	if shown == 0 {
		pv.Summary = i18n.T(lang, "summary.empty")
	} else {
		pv.Summary = i18n.T(lang, "summary.sunburst", shown, len(tree), sa.Label.In(lang))
	}
	o := withFormat(Sunburst(data, sa.Label.In(lang)),
		Format{Kind: KindCount, Measure: i18n.T(lang, "col.projects_frac"), X: sa.Label.In(lang), Y: sb.Label.In(lang)})
	tagTree(o, func(path []int) string {
		switch len(path) {
		case 1, 2:
			return cellKey(codes, path)
		case 3: // a single project opens its page
			ref := leafRefs[codes[path[0]][0]][codes[path[0]][1+path[1]]][path[2]]
			key := "project:" + ref
			if pv.Drill == nil {
				pv.Drill = &Drill{}
			}
			if pv.Drill.Marks == nil {
				pv.Drill.Marks = map[string]Mark{}
			}
			pv.Drill.Marks[key] = Mark{Path: "projects/" + url.PathEscape(ref), Value: 1}
			return key
		}
		return ""
	})
	return o, nil
}

// cellTree is the project tree without its ring of projects: each cell
// (A term, B term) weighs its projects' fractional count, so the rings sum
// to the projects tagged in both schemes, as with the projects drawn; the
// table lists the cells.
func cellTree(m *portfolio.Mission, p Panel, cells []portfolio.CoverageCell, sc portfolio.Scope, lang string, pv *PanelView) Option {
	sa, sb := m.Scheme(p.Data.A), m.Scheme(p.Data.B)
	byCell := map[[2]string]portfolio.CoverageCell{}
	for _, c := range cells {
		byCell[[2]string{c.A, c.B}] = c
	}
	pv.Table.Columns = []string{sa.Label.In(lang), sb.Label.In(lang), i18n.T(lang, "col.projects")}
	var data []opts.SunBurstData
	var codes [][]string
	var leaves []treeLeaf
	shown := 0.0
	for _, a := range sa.Terms {
		node := opts.SunBurstData{Name: a.Label.In(lang)}
		nodeCodes := []string{a.Code}
		for _, b := range sb.Terms {
			c, ok := byCell[[2]string{a.Code, b.Code}]
			if !ok || c.NFull == 0 {
				continue
			}
			node.Children = append(node.Children, &opts.SunBurstData{Name: b.Label.In(lang), Value: c.NFrac})
			nodeCodes = append(nodeCodes, b.Code)
			leaves = append(leaves, treeLeaf{a.Code, b.Code, c.NFrac})
			shown += c.NFrac
			pv.Table.Rows = append(pv.Table.Rows, []Cell{{a.Label.In(lang), a.Code}, {b.Label.In(lang), b.Code},
				{i18n.Number(lang, c.NFrac, 1), strconv.FormatFloat(c.NFrac, 'f', -1, 64)}})
		}
		if len(node.Children) > 0 {
			data = append(data, node)
			codes = append(codes, nodeCodes)
		}
	}
	pv.Drill = treeDrill(sc, p.Data.A, p.Data.B, leaves, MeasureNFrac)
	if len(data) == 0 {
		pv.Summary = i18n.T(lang, "summary.empty")
	} else {
		pv.Summary = i18n.T(lang, "summary.sunburst", int(math.Round(shown)), len(data), sa.Label.In(lang))
	}
	o := Sunburst(data, sa.Label.In(lang))
	tagTree(o, func(path []int) string {
		if len(path) <= 2 {
			return cellKey(codes, path)
		}
		return ""
	})
	return o
}

// treeLeaf is the figure of a tree's cell (A term, B term).
type treeLeaf struct {
	A, B  string
	Value float64
}

func treeKey(codes ...string) string { return strings.Join(codes, "/") }

// cellKey is the key of a two-level tree's node at path (one or two
// indexes), where codes[i] holds node i's A code, then its children's B
// codes.
func cellKey(codes [][]string, path []int) string {
	if len(path) == 1 {
		return treeKey(codes[path[0]][0])
	}
	return treeKey(codes[path[0]][0], codes[path[0]][1+path[1]])
}

// treeDrill makes the marks of a two-level tree over schemes a and b whose
// cells carry a fractional measure (MeasureNFrac or MeasureBudgetFrac): a
// cell opens the projects tagged with both terms, a parent those tagged
// with its term, each list weighing its projects as the chart does. A node
// the filter leaves out has no list; nor has a parent when the scope
// filters b, since the chart then still counts the project's other b terms.
func treeDrill(sc portfolio.Scope, a, b string, leaves []treeLeaf, measure string) *Drill {
	frac := a + "," + b
	d := &Drill{}
	parents := map[string]float64{}
	for _, l := range leaves {
		if sc.Excludes(a, l.A) {
			continue
		}
		parents[l.A] += l.Value
		if sc.Excludes(b, l.B) {
			continue
		}
		q := termQuery(sc, termQuery(sc, map[string]string{"frac": frac, "measure": measure}, a, l.A), b, l.B)
		d.add(treeKey(l.A, l.B), q, l.Value, measure)
	}
	if terms, _ := sc.SchemeFilter(b); len(terms) == 0 {
		for code, v := range parents {
			d.add(treeKey(code), termQuery(sc, map[string]string{"frac": frac, "measure": measure}, a, code), v, measure)
		}
	}
	return d
}

// tagSeries writes into every data item of every series the key of its
// mark (keyAt gets the series and item index; "" for none). Keys must not
// be bare numbers: the page script falls back on the data index.
func tagSeries(o Option, keyAt func(series, item int) string) {
	series, _ := o["series"].([]any)
	for si, sr := range series {
		data, _ := sr.(map[string]any)["data"].([]any)
		for i, it := range data {
			if item, ok := it.(map[string]any); ok {
				if key := keyAt(si, i); key != "" {
					item["drill"] = key
				}
			}
		}
	}
}

// tagTree writes into every node of a tree chart's data the key of its mark
// (keyAt gets the node's index path), which the page script reads on click.
func tagTree(o Option, keyAt func(path []int) string) {
	series, _ := o["series"].([]any)
	if len(series) == 0 {
		return
	}
	var walk func(nodes []any, path []int)
	walk = func(nodes []any, path []int) {
		for i, n := range nodes {
			node, ok := n.(map[string]any)
			if !ok {
				continue
			}
			p := append(append([]int(nil), path...), i)
			if key := keyAt(p); key != "" {
				node["drill"] = key
			}
			if kids, ok := node["children"].([]any); ok {
				walk(kids, p)
			}
		}
	}
	data, _ := series[0].(map[string]any)["data"].([]any)
	walk(data, nil)
}

func ptrs(in []opts.SunBurstData) []*opts.SunBurstData {
	out := make([]*opts.SunBurstData, len(in))
	for i := range in {
		out[i] = &in[i]
	}
	return out
}
