package dashboard

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// metricPanel evaluates the panels drawn from the metric catalogue.
func metricPanel(ctx context.Context, src Source, m *portfolio.Mission, p Panel, sc portfolio.Scope, lang string, pv *PanelView) (Option, error) {
	req := metrics.Request{Mission: m, Scope: sc, Params: metrics.Params{Scheme: p.Data.Scheme}}
	if p.Data.Scheme != "" {
		if _, err := m.SchemeOrError(p.Data.Scheme); err != nil {
			return nil, err
		}
	}
	get := func(codes ...string) ([]metrics.Value, error) {
		r := req
		r.Codes = codes
		res, err := src.Metrics(ctx, r)
		if err != nil {
			return nil, err
		}
		return res.Values, nil
	}
	switch p.Data.Kind {
	case "target_radar":
		vs, err := get("C7")
		if err != nil {
			return nil, err
		}
		return targetRadar(m, p.Data.Scheme, vs, sc, lang, pv), nil
	case "partner_graph":
		env, err := src.Env(req)
		if err != nil {
			return nil, err
		}
		env.Share(ctx) // one network for the chart and the page's metrics
		return networkPanel(ctx, env, m, lang, pv)
	case "cross_level":
		vs, err := get("C19")
		if err != nil {
			return nil, err
		}
		return crossLevel(m, vs, lang, pv), nil
	case "territory":
		env, err := src.Env(req)
		if err != nil {
			return nil, err
		}
		places, err := metrics.Places(ctx, env)
		if err != nil {
			return nil, err
		}
		return territory(places, lang, pv), nil
	case "signals_time":
		vs, err := get("S1", "S5")
		if err != nil {
			return nil, err
		}
		return signalsTime(m, p.Data.Scheme, vs, sc, lang, pv), nil
	case "emergence":
		vs, err := get("S4")
		if err != nil {
			return nil, err
		}
		return emergence(m, p.Data.Scheme, vs, lang, pv), nil
	case "signals_vs_portfolio":
		vs, err := get("S10")
		if err != nil {
			return nil, err
		}
		return signalsVsPortfolio(m, p.Data.Scheme, vs, lang, pv), nil
	case "convergence":
		env, err := src.Env(req)
		if err != nil {
			return nil, err
		}
		cells, err := metrics.ConvergenceMatrix(ctx, env, p.Data.Scheme)
		if err != nil {
			return nil, err
		}
		from, to := env.Window()
		return convergence(m, p.Data.Scheme, cells, sc, from, to, lang, pv), nil
	case "data_health":
		vs, err := get("C20")
		if err != nil {
			return nil, err
		}
		return dataHealth(vs, lang, pv), nil
	}
	return nil, portfolio.Errorf(portfolio.EINVALID, "unknown panel kind %q", p.Data.Kind)
}

// pick returns the values of code whose dims include every pair given.
func pick(vs []metrics.Value, code string, dims ...string) []metrics.Value {
	var out []metrics.Value
	for _, v := range vs {
		if v.Is(code, dims...) {
			out = append(out, v)
		}
	}
	return out
}

func num(v metrics.Value) float64 {
	if v.Value == nil {
		return 0
	}
	return *v.Value
}

func pct(lang string, v *float64) string {
	if v == nil {
		return "–"
	}
	return i18n.Percent(lang, *v, 1)
}

func targetRadar(m *portfolio.Mission, scheme string, vs []metrics.Value, sc portfolio.Scope, lang string, pv *PanelView) Option {
	s := m.Scheme(scheme)
	var cats []string
	actual, target := map[string]float64{}, map[string]float64{}
	for _, v := range pick(vs, "C7", "scheme", scheme, "basis", "count", "measure", "actual") {
		actual[v.Dims["term"]] = num(v)
	}
	for _, v := range pick(vs, "C7", "scheme", scheme, "basis", "count", "measure", "target") {
		target[v.Dims["term"]] = num(v)
	}
	max := 0.0
	var a, t []float64
	pv.Table.Columns = []string{s.Label.In(lang), i18n.T(lang, "chart.actual"), i18n.T(lang, "chart.target")}
	for _, term := range s.ActiveTerms() {
		cats = append(cats, term.Label.In(lang))
		a, t = append(a, actual[term.Code]), append(t, target[term.Code])
		max = maxf(max, actual[term.Code], target[term.Code])
		pv.Table.addRow("r:"+term.Label.In(lang), Cell{term.Label.In(lang), term.Code},
			Cell{i18n.Percent(lang, actual[term.Code], 1), fmt.Sprintf("%.4f", actual[term.Code])},
			Cell{i18n.Percent(lang, target[term.Code], 1), fmt.Sprintf("%.4f", target[term.Code])})
	}
	series := []RadarSeries{{Name: i18n.T(lang, "chart.actual"), Values: a}}
	if len(target) > 0 {
		series = append(series, RadarSeries{Name: i18n.T(lang, "chart.target"), Values: t})
	}
	if tvd := pick(vs, "C7", "scheme", scheme, "basis", "count", "measure", "tvd"); len(tvd) > 0 && tvd[0].Value != nil {
		pv.Summary = i18n.T(lang, "summary.radar", pct(lang, tvd[0].Value))
	} else {
		pv.Summary = i18n.T(lang, "summary.radar_none")
	}
	if max == 0 {
		max = 1
	}
	o := withFormat(Radar(cats, max, series), Format{Kind: KindShare, Measure: i18n.T(lang, "col.share"), X: s.Label.In(lang)})
	// The axis names can be clicked: each opens the projects of its term,
	// counted fractionally as the actual mix is (a share, so the list shows
	// the count it is the share of).
	switch r := o["radar"].(type) {
	case map[string]any:
		r["triggerEvent"] = true
	case []any:
		for _, x := range r {
			x.(map[string]any)["triggerEvent"] = true
		}
	}
	pv.Drill = &Drill{}
	for _, term := range s.ActiveTerms() {
		if !sc.Excludes(scheme, term.Code) {
			q := termQuery(sc, map[string]string{"frac": scheme, "measure": MeasureNFrac}, scheme, term.Code)
			pv.Drill.add("r:"+term.Label.In(lang), q, actual[term.Code], "")
		}
	}
	return o
}

func crossLevel(m *portfolio.Mission, vs []metrics.Value, lang string, pv *PanelView) Option {
	level := m.Scheme("level")
	if level == nil {
		pv.Summary = i18n.T(lang, "summary.empty")
		return Heatmap(nil, nil, nil, i18n.T(lang, "chart.gap"))
	}
	terms := level.ActiveTerms()
	var labels []string
	index := map[string]int{}
	for i, t := range terms {
		labels = append(labels, t.Label.In(lang))
		index[t.Code] = i
	}
	values := make([][]float64, len(terms))
	for i := range values {
		values[i] = make([]float64, len(terms))
	}
	pv.Table.Columns = []string{level.Label.In(lang), level.Label.In(lang), i18n.T(lang, "col.edges")}
	pv.Drill = &Drill{Target: "links"}
	for _, v := range pick(vs, "C19", "measure", "edges") {
		a, okA := index[v.Dims["level_a"]]
		b, okB := index[v.Dims["level_b"]]
		if !okA || !okB {
			continue
		}
		values[a][b], values[b][a] = num(v), num(v)
		// A cell opens the links it counts (either way round: the matrix
		// is symmetric).
		q := map[string]string{"level_a": v.Dims["level_a"], "level_b": v.Dims["level_b"]}
		pv.Drill.add(fmt.Sprintf("%d,%d", a, b), q, num(v), MeasureCount)
		pv.Drill.add(fmt.Sprintf("%d,%d", b, a), q, num(v), MeasureCount)
		pv.Table.addRow(fmt.Sprintf("%d,%d", a, b), Cell{labels[a], v.Dims["level_a"]}, Cell{labels[b], v.Dims["level_b"]},
			Cell{i18n.Int(lang, int64(num(v))), fmt.Sprint(int64(num(v)))})
	}
	if cs := pick(vs, "C19", "measure", "cross_share"); len(cs) > 0 {
		pv.Summary = i18n.T(lang, "summary.cross_level", pct(lang, cs[0].Value))
	}
	return withFormat(Heatmap(labels, labels, values, i18n.T(lang, "chart.gap")),
		Format{Kind: KindCount, Measure: i18n.T(lang, "col.edges"), X: level.Label.In(lang), Y: level.Label.In(lang)})
}

func territory(places []metrics.Place, lang string, pv *PanelView) Option {
	var bubbles []Bubble
	empty := 0
	names := make([]string, len(places))
	pv.Table.Columns = []string{i18n.T(lang, "col.municipality"), i18n.T(lang, "col.projects"), i18n.T(lang, "col.budget"),
		i18n.T(lang, "col.population"), i18n.T(lang, "map.measure.projects_per_10k"), i18n.T(lang, "map.measure.eur_per_inhabitant")}
	for i, p := range places {
		name := p.NameEU
		if lang == "es" {
			name = p.NameES
		}
		names[i] = name
		bubbles = append(bubbles, Bubble{Name: name, Lon: p.Lon, Lat: p.Lat, Value: float64(p.Projects), Empty: p.Projects == 0})
		if p.Projects == 0 {
			empty++
		}
		a := choroplethValues(p, lang)
		pv.Table.addRow("m:"+p.Code, Cell{name, p.Code}, Cell{a.Texts[MapProjects], fmt.Sprint(p.Projects)},
			Cell{a.Texts[MapBudget], fmt.Sprintf("%.2f", p.Budget)}, Cell{i18n.Int(lang, p.Population), fmt.Sprint(p.Population)},
			Cell{a.Texts[MapProjectsPer10k], fmt.Sprintf("%.4f", a.Values[MapProjectsPer10k])},
			Cell{a.Texts[MapEURPerInhabitant], fmt.Sprintf("%.2f", a.Values[MapEURPerInhabitant])})
	}
	pv.Summary = i18n.T(lang, "summary.territory_none", empty, len(places))
	if len(places) == 0 {
		// Nothing to colour: say why rather than draw a blank province.
		pv.Summary = i18n.T(lang, "summary.territory_no_places")
	} else {
		pv.Choropleth = choropleth(places, names, lang)
	}
	o := withFormat(BubbleMap(bubbles, i18n.T(lang, "chart.projects"), i18n.T(lang, "chart.no_project"), false),
		Format{Kind: KindCount, Measure: i18n.T(lang, "col.projects"), X: i18n.T(lang, "col.municipality")})
	// A bubble (a hollow one too) opens the projects in scope of its
	// municipality: BubbleMap draws the places with projects in series 0
	// and the others in series 1, each in the order given.
	var bySeries [2][]metrics.Place
	for _, p := range places {
		i := 0
		if p.Projects == 0 {
			i = 1
		}
		bySeries[i] = append(bySeries[i], p)
	}
	pv.Drill = &Drill{}
	tagSeries(o, func(series, i int) string {
		p := bySeries[series][i]
		key := "m:" + p.Code
		pv.Drill.add(key, map[string]string{"municipality": p.Code}, float64(p.Projects), MeasureCount)
		return key
	})
	return o
}

func signalsTime(m *portfolio.Mission, scheme string, vs []metrics.Value, sc portfolio.Scope, lang string, pv *PanelView) Option {
	s := m.Scheme(scheme)
	periodSet := map[string]bool{}
	counts := map[string]map[string]float64{}
	for _, v := range pick(vs, "S1", "scheme", scheme, "measure", "count") {
		periodSet[v.Dims["period"]] = true
		if counts[v.Dims["term"]] == nil {
			counts[v.Dims["term"]] = map[string]float64{}
		}
		counts[v.Dims["term"]][v.Dims["period"]] = num(v)
	}
	bursts := map[string]map[string]bool{}
	for _, v := range pick(vs, "S5", "scheme", scheme, "measure", "z") {
		if v.Dims["period"] != "" && v.Value != nil && *v.Value >= 2 {
			if bursts[v.Dims["term"]] == nil {
				bursts[v.Dims["term"]] = map[string]bool{}
			}
			bursts[v.Dims["term"]][v.Dims["period"]] = true
		}
	}
	var periods []string
	for p := range periodSet {
		periods = append(periods, p)
	}
	sort.Strings(periods)
	var series []LineSeries
	var burstNames []string
	pv.Table.Columns = []string{s.Label.In(lang)}
	for _, p := range periods {
		if m, err := time.Parse("2006-01", p); err == nil {
			p = i18n.Month(lang, m) // as the chart's axis writes it
		}
		pv.Table.Columns = append(pv.Table.Columns, p)
	}
	for _, t := range s.ActiveTerms() {
		ls := LineSeries{Name: t.Label.In(lang)}
		row := []Cell{{t.Label.In(lang), t.Code}}
		// The table's row opens the term's signals of all the chart's
		// months, each figure those of its month, as a click on its point
		// does: every point is reachable by keyboard.
		keys := []string{""}
		for i, p := range periods {
			n := counts[t.Code][p]
			ls.Values = append(ls.Values, n)
			if bursts[t.Code][p] {
				ls.Marks = append(ls.Marks, i)
				burstNames = append(burstNames, t.Label.In(lang)+" "+p)
			}
			row = append(row, Cell{i18n.Int(lang, int64(n)), fmt.Sprint(int64(n))})
			keys = append(keys, "")
			// A point opens the approved signals of the term observed in
			// that month.
			// (A term the filter leaves out is counted only with the
			// filter's terms: it has no list of its own.)
			if from, err := time.Parse("2006-01", p); err == nil && !sc.Excludes(scheme, t.Code) {
				if pv.Drill == nil {
					pv.Drill = &Drill{Target: "signals"}
				}
				key := fmt.Sprintf("%d/%d", len(series), i)
				pv.Drill.add(key, map[string]string{scheme: t.Code, "signal_status": "approved",
					"observed_from": from.Format(time.DateOnly), "observed_to": from.AddDate(0, 1, 0).Format(time.DateOnly)}, n, MeasureSignals)
				keys[len(keys)-1] = key
			}
		}
		if pv.Drill != nil && len(periods) > 0 && !sc.Excludes(scheme, t.Code) {
			first, err1 := time.Parse("2006-01", periods[0])
			last, err2 := time.Parse("2006-01", periods[len(periods)-1])
			if err1 == nil && err2 == nil {
				total := 0.0
				for _, n := range ls.Values {
					total += n
				}
				keys[0] = "t:" + t.Code // a mark of the table only: no point of the chart is all the months
				pv.Drill.add(keys[0], map[string]string{scheme: t.Code, "signal_status": "approved",
					"observed_from": first.Format(time.DateOnly), "observed_to": last.AddDate(0, 1, 0).Format(time.DateOnly)}, total, MeasureSignals)
			}
		}
		series = append(series, ls)
		pv.Table.Rows = append(pv.Table.Rows, row)
		pv.Table.Marks = append(pv.Table.Marks, keys[0])
		pv.Table.CellMarks = append(pv.Table.CellMarks, keys)
	}
	if len(burstNames) > 0 {
		pv.Summary = i18n.T(lang, "summary.bursts", strings.Join(burstNames, "; "))
	} else {
		pv.Summary = i18n.T(lang, "summary.no_burst")
	}
	return withFormat(Lines(periods, series, i18n.T(lang, "chart.burst")),
		Format{Kind: KindCount, Measure: i18n.T(lang, "col.signals"), X: i18n.T(lang, "chart.month"), XKind: KindDate, Y: s.Label.In(lang)})
}

func emergence(m *portfolio.Mission, scheme string, vs []metrics.Value, lang string, pv *PanelView) Option {
	s := m.Scheme(scheme)
	groups := []string{i18n.T(lang, "quadrant.weak"), i18n.T(lang, "quadrant.strong"), i18n.T(lang, "quadrant.latent"), i18n.T(lang, "quadrant.known")}
	xs, ys := map[string]float64{}, map[string]float64{}
	quad := map[string]int{}
	for _, v := range pick(vs, "S4", "scheme", scheme) {
		switch v.Dims["measure"] {
		case "x":
			xs[v.Dims["term"]] = num(v)
		case "y":
			ys[v.Dims["term"]] = num(v)
		case "quadrant":
			if v.Value != nil { // null: no signal or no growth rate, not on the map
				quad[v.Dims["term"]] = int(*v.Value)
			}
		}
	}
	var points []ScatterPoint
	var xv, yv []float64
	pv.Table.Columns = []string{s.Label.In(lang), i18n.T(lang, "col.visibility"), i18n.T(lang, "col.growth"), i18n.T(lang, "col.quadrant")}
	var weak []string
	for _, t := range s.ActiveTerms() {
		q, ok := quad[t.Code]
		if !ok {
			continue
		}
		points = append(points, ScatterPoint{Name: t.Label.In(lang), X: xs[t.Code], Y: ys[t.Code], Group: q - 1})
		xv, yv = append(xv, xs[t.Code]), append(yv, ys[t.Code])
		if q == 1 {
			weak = append(weak, t.Label.In(lang))
		}
		qname := ""
		if q >= 1 && q <= 4 {
			qname = groups[q-1]
		}
		pv.Table.addRow("t:"+t.Code, Cell{t.Label.In(lang), t.Code},
			Cell{i18n.Number(lang, xs[t.Code], 4), fmt.Sprintf("%.6f", xs[t.Code])},
			Cell{i18n.Number(lang, ys[t.Code], 4), fmt.Sprintf("%.6f", ys[t.Code])}, Cell{qname, fmt.Sprint(q)})
	}
	if len(weak) > 0 {
		pv.Summary = i18n.T(lang, "summary.emergence", strings.Join(weak, ", "))
	} else {
		pv.Summary = i18n.T(lang, "summary.emergence_none")
	}
	o := withFormat(Quadrant(points, groups, i18n.T(lang, "col.visibility"), i18n.T(lang, "col.growth"), median(xv), median(yv)),
		Format{Kind: KindIndex, Measure: i18n.T(lang, "col.visibility"), X: s.Label.In(lang), YKind: KindIndex, YName: i18n.T(lang, "col.growth")})
	// A point opens its term's approved signals (its coordinates are rates,
	// not counts: the list has no figure to repeat). Quadrant draws one
	// series per group, its points in the order given.
	byGroup := make([][]string, len(groups))
	for _, t := range s.ActiveTerms() {
		if q, ok := quad[t.Code]; ok && q >= 1 && q <= len(groups) {
			byGroup[q-1] = append(byGroup[q-1], t.Code)
		}
	}
	pv.Drill = &Drill{Target: "signals"}
	tagSeries(o, func(series, i int) string {
		if series >= len(byGroup) || i >= len(byGroup[series]) {
			return ""
		}
		code := byGroup[series][i]
		pv.Drill.add("t:"+code, map[string]string{scheme: code, "signal_status": "approved"}, 0, "")
		return "t:" + code
	})
	return o
}

func signalsVsPortfolio(m *portfolio.Mission, scheme string, vs []metrics.Value, lang string, pv *PanelView) Option {
	s := m.Scheme(scheme)
	var cats []string
	var gaps []float64
	var flags []bool
	var codes, blind []string
	pv.Table.Columns = []string{s.Label.In(lang), i18n.T(lang, "col.signal_share"), i18n.T(lang, "col.portfolio_share"), i18n.T(lang, "col.gap"), i18n.T(lang, "col.blind_spot")}
	for _, t := range s.ActiveTerms() {
		g := pick(vs, "S10", "scheme", scheme, "term", t.Code, "measure", "gap")
		if len(g) == 0 {
			continue
		}
		sShare := pick(vs, "S10", "scheme", scheme, "term", t.Code, "measure", "s_share")
		pShare := pick(vs, "S10", "scheme", scheme, "term", t.Code, "measure", "p_share")
		b := pick(vs, "S10", "scheme", scheme, "term", t.Code, "measure", "blind_spot")
		isBlind := len(b) > 0 && num(b[0]) == 1
		cats, gaps, flags, codes = append(cats, t.Label.In(lang)), append(gaps, num(g[0])), append(flags, isBlind), append(codes, t.Code)
		if isBlind {
			blind = append(blind, t.Label.In(lang))
		}
		row := []Cell{{t.Label.In(lang), t.Code}}
		for _, x := range [][]metrics.Value{sShare, pShare, g} {
			var v *float64
			if len(x) > 0 {
				v = x[0].Value
			}
			raw := ""
			if v != nil {
				raw = fmt.Sprintf("%.4f", *v)
			}
			row = append(row, Cell{pct(lang, v), raw})
		}
		flag := ""
		if isBlind {
			flag = i18n.T(lang, "col.blind_spot")
		}
		row = append(row, Cell{flag, fmt.Sprint(isBlind)})
		pv.Table.addRow(fmt.Sprint(len(codes)-1), row...)
	}
	if len(blind) > 0 {
		pv.Summary = i18n.T(lang, "summary.blind_spots", strings.Join(blind, ", "))
	} else {
		pv.Summary = i18n.T(lang, "summary.no_blind_spot")
	}
	// A bar lists the signals behind it: for a blind spot there is, by
	// definition, no project to list.
	pv.Drill = &Drill{Target: "signals"}
	for i, code := range codes {
		// The bar is a share gap, not a count: the list shows the approved
		// signals of the term, the rows the gap is made from.
		pv.Drill.add(fmt.Sprint(i), map[string]string{scheme: code, "signal_status": "approved"}, gaps[i], "")
	}
	return withFormat(DivergingBar(cats, gaps, flags, i18n.T(lang, "col.gap")),
		Format{Kind: KindShare, Measure: i18n.T(lang, "col.gap"), X: s.Label.In(lang)})
}

func convergence(m *portfolio.Mission, scheme string, cells []metrics.ConvergenceCell, sc portfolio.Scope, from, to time.Time, lang string, pv *PanelView) Option {
	s, level := m.Scheme(scheme), m.Scheme("level")
	if level == nil {
		pv.Summary = i18n.T(lang, "summary.empty")
		return Heatmap(nil, nil, nil, "")
	}
	var rows, cols []string
	ri, ci := map[string]int{}, map[string]int{}
	for i, t := range s.ActiveTerms() {
		rows = append(rows, t.Label.In(lang))
		ri[t.Code] = i
	}
	for i, t := range level.ActiveTerms() {
		cols = append(cols, t.Label.In(lang))
		ci[t.Code] = i
	}
	values := make([][]float64, len(rows))
	for i := range values {
		values[i] = make([]float64, len(cols))
	}
	for _, c := range cells {
		r, okR := ri[c.Term]
		k, okC := ci[c.Level]
		if okR && okC {
			values[r][k] = float64(c.Signals)
		}
	}
	pv.Table.Columns = []string{s.Label.In(lang), level.Label.In(lang), i18n.T(lang, "col.signals")}
	var converging []string
	for i, t := range s.ActiveTerms() {
		seen := 0
		for j, l := range level.ActiveTerms() {
			if values[i][j] > 0 {
				seen++
			}
			pv.Table.addRow(fmt.Sprintf("%d,%d", j, i), Cell{rows[i], t.Code}, Cell{cols[j], l.Code},
				Cell{i18n.Int(lang, int64(values[i][j])), fmt.Sprint(int64(values[i][j]))})
		}
		if seen >= 3 {
			converging = append(converging, rows[i])
		}
	}
	pv.Summary = i18n.T(lang, "summary.convergence", strings.Join(converging, ", "))
	var rowCodes, colCodes []string
	for _, t := range s.ActiveTerms() {
		rowCodes = append(rowCodes, t.Code)
	}
	for _, t := range level.ActiveTerms() {
		colCodes = append(colCodes, t.Code)
	}
	pv.Drill = &Drill{Target: "signals"}
	for i, row := range rowCodes {
		if sc.Excludes(scheme, row) {
			continue // counted only with the filter's terms: no list of its own
		}
		for j, col := range colCodes {
			pv.Drill.add(fmt.Sprintf("%d,%d", j, i), map[string]string{scheme: row, "level_observed": col, "signal_status": "approved",
				"observed_from": from.Format(time.DateOnly), "observed_to": to.Format(time.DateOnly)}, values[i][j], MeasureSignals)
		}
	}
	return withFormat(Heatmap(rows, cols, values, "·"),
		Format{Kind: KindCount, Measure: i18n.T(lang, "col.signals"), X: level.Label.In(lang), Y: s.Label.In(lang)})
}

func dataHealth(vs []metrics.Value, lang string, pv *PanelView) Option {
	var cats []string
	var values []float64
	pv.Table.Columns = []string{i18n.T(lang, "col.measure"), i18n.T(lang, "col.share"), "n"}
	for _, measure := range []string{"fresh_share", "completeness"} {
		v := pick(vs, "C20", "measure", measure)
		if len(v) == 0 {
			continue
		}
		label := i18n.T(lang, "health."+measure)
		cats, values = append(cats, label), append(values, num(v[0]))
		raw := ""
		if v[0].Value != nil {
			raw = fmt.Sprintf("%.4f", *v[0].Value)
		}
		pv.Table.addRow(fmt.Sprint(len(pv.Table.Rows)), Cell{label, measure}, Cell{pct(lang, v[0].Value), raw}, Cell{i18n.Int(lang, v[0].N), fmt.Sprint(v[0].N)})
	}
	if len(values) == 2 {
		pv.Summary = i18n.T(lang, "summary.health", i18n.Percent(lang, values[0], 0), i18n.Percent(lang, values[1], 0))
	}
	// A bar is a share of the projects in scope: it opens those projects
	// (its n), the least recently updated first for freshness, so the rows
	// that pull the share down come first.
	pv.Drill = &Drill{}
	for i, row := range pv.Table.Rows {
		q := map[string]string{}
		if row[0].Raw == "fresh_share" {
			q["sort"] = "updated"
		}
		n, _ := strconv.ParseFloat(row[2].Raw, 64)
		pv.Drill.add(fmt.Sprint(i), q, n, MeasureCount)
	}
	return withFormat(Bar(cats, values, i18n.T(lang, "col.share")), Format{Kind: KindShare, Measure: i18n.T(lang, "col.share"), X: i18n.T(lang, "col.measure")})
}

func maxf(xs ...float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
