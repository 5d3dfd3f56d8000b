package web

import (
	"encoding/json"
	"html/template"
	"slices"
	"strconv"

	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/i18n"
)

// Pages bounded at any size. A dashboard's panels are built from the whole
// portfolio; what a page carries is bounded here, after the fact, so that
// the chart code stays about charts: with 151,000 projects the overview
// was 87 MB of HTML and the network page 329 MB, and one reader's request
// ran the server out of memory. Every bound keeps what a reader can see
// on a screen; the full data stays one click away (each panel's CSV).
const (
	maxTableRows  = 200  // a panel's data table on the page
	maxCategories = 40   // bars and pie slices: the largest, then "Other"
	maxTreeKids   = 40   // treemap children per node: the largest, then "Other"
	maxLeaves     = 3000 // sunburst leaves: beyond, the ring of leaves is cut
	maxNodes      = 300  // network nodes: the best connected
	maxLinks      = 1500 // network links among them: the heaviest
)

// boundView bounds every panel of v in place.
func boundView(v *dashboard.View, lang string) {
	if v == nil {
		return
	}
	for i := range v.Panels {
		boundPanel(&v.Panels[i], lang)
	}
}

func boundPanel(pv *dashboard.PanelView, lang string) {
	if n := max(len(pv.Table.Rows), pv.Table.Total); n > maxTableRows {
		pv.Table.Rows = pv.Table.Rows[:min(maxTableRows, len(pv.Table.Rows))]
		pv.Summary += " " + i18n.T(lang, "table.cut", maxTableRows, n)
	}
	if len(pv.Option) == 0 {
		return
	}
	var o map[string]any
	if err := json.Unmarshal([]byte(pv.Option), &o); err != nil {
		return
	}
	changed := false
	other := i18n.T(lang, "chart.other")
	series, _ := o["series"].([]any)
	for _, s := range series {
		sm, _ := s.(map[string]any)
		switch sm["type"] {
		case "sunburst":
			changed = cutSunburst(sm) || changed
		case "graph":
			changed = cutGraph(sm) || changed
		case "treemap":
			if data, ok := sm["data"].([]any); ok {
				sm["data"], changed = cutTree(data, other, changed)
			}
		case "pie":
			if data, ok := sm["data"].([]any); ok && len(data) > maxCategories {
				var keep []int
				sm["data"], keep = topPie(data, other)
				keepIndexMarks(pv.Drill, keep)
				changed = true
			}
		}
	}
	if topBars(o, series, pv.Drill, other) {
		changed = true
	}
	if !changed {
		return
	}
	// The same HTML-safe encoding as dashboard.Option.JSON.
	if b, err := json.Marshal(o); err == nil {
		pv.Option = template.JS(b)
		dropUnreachablePages(pv.Drill, o)
	}
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case map[string]any:
		return num(x["value"])
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

// topIndexes returns the indexes of the n largest weights, in their order.
func topIndexes(weights []float64, n int) []int {
	idx := make([]int, len(weights))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case weights[a] > weights[b]:
			return -1
		case weights[a] < weights[b]:
			return 1
		}
		return 0
	})
	idx = idx[:n]
	slices.Sort(idx)
	return idx
}

// topBars keeps a bar chart's maxCategories largest categories (by the sum
// of its series), in their order, and adds "Other" with the rest; the
// drill-down follows, and "Other" drills nowhere.
func topBars(o map[string]any, series []any, drill *dashboard.Drill, other string) bool {
	var axis map[string]any
	for _, name := range []string{"xAxis", "yAxis"} {
		list, _ := o[name].([]any)
		for _, a := range list {
			if am, _ := a.(map[string]any); am["type"] == "category" {
				axis = am
			}
		}
	}
	if axis == nil {
		return false
	}
	cats, _ := axis["data"].([]any)
	if len(cats) <= maxCategories {
		return false
	}
	var bars []map[string]any
	for _, s := range series {
		if sm, _ := s.(map[string]any); sm["type"] == "bar" {
			if d, _ := sm["data"].([]any); len(d) == len(cats) {
				bars = append(bars, sm)
			}
		}
	}
	if len(bars) == 0 {
		return false
	}
	weights := make([]float64, len(cats))
	for _, sm := range bars {
		for i, v := range sm["data"].([]any) {
			weights[i] += num(v)
		}
	}
	keep := topIndexes(weights, maxCategories-1)
	kept := map[int]bool{}
	newCats := make([]any, 0, maxCategories)
	for _, i := range keep {
		kept[i] = true
		newCats = append(newCats, cats[i])
	}
	axis["data"] = append(newCats, other)
	for _, sm := range bars {
		data := sm["data"].([]any)
		out := make([]any, 0, maxCategories)
		rest := 0.0
		for i, v := range data {
			if kept[i] {
				out = append(out, v)
			} else {
				rest += num(v)
			}
		}
		sm["data"] = append(out, map[string]any{"value": rest})
	}
	keepIndexMarks(drill, keep)
	return true
}

// keepIndexMarks renumbers the marks keyed by data index after a cut that
// kept the items keep (in order): kept item k opens what item keep[k]
// opened, and "Other" opens nothing.
func keepIndexMarks(drill *dashboard.Drill, keep []int) {
	if drill == nil {
		return
	}
	marks := map[string]dashboard.Mark{}
	for k, mk := range drill.Marks {
		if _, err := strconv.Atoi(k); err != nil {
			marks[k] = mk // keyed otherwise: not moved by the cut
		}
	}
	for k, i := range keep {
		if mk, ok := drill.Marks[strconv.Itoa(i)]; ok {
			marks[strconv.Itoa(k)] = mk
		}
	}
	drill.Marks = marks
}

// dropUnreachablePages removes the marks of pages (a project's) whose item
// a cut took off the chart: with 100,000 projects they would weigh more
// than the chart. The keys still on the chart are gathered once from the
// option's items.
func dropUnreachablePages(drill *dashboard.Drill, o map[string]any) {
	if drill == nil {
		return
	}
	onChart := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if k, ok := x["drill"].(string); ok {
				onChart[k] = true
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(o["series"])
	walk(o[dashboard.NetworkAltKey]) // the organisation network the page can switch to
	for k, mk := range drill.Marks {
		if mk.Path != "" && !onChart[k] {
			delete(drill.Marks, k)
		}
	}
}

// topPie keeps the largest slices and sums the rest into "Other"; keep
// are the indexes of the slices kept, in order.
func topPie(data []any, other string) (out []any, keep []int) {
	weights := make([]float64, len(data))
	for i, d := range data {
		weights[i] = num(d)
	}
	keep = topIndexes(weights, maxCategories-1)
	kept := map[int]bool{}
	out = make([]any, 0, maxCategories)
	for _, i := range keep {
		kept[i] = true
		out = append(out, data[i])
	}
	rest := 0.0
	for i, w := range weights {
		if !kept[i] {
			rest += w
		}
	}
	return append(out, map[string]any{"name": other, "value": rest}), keep
}

// cutTree keeps, at every level of a treemap, the largest children and an
// "Other" node summing the rest.
func cutTree(nodes []any, other string, changed bool) ([]any, bool) {
	if len(nodes) > maxTreeKids {
		weights := make([]float64, len(nodes))
		for i, n := range nodes {
			weights[i] = treeValue(n)
		}
		keep := topIndexes(weights, maxTreeKids-1)
		kept := map[int]bool{}
		out := make([]any, 0, maxTreeKids)
		for _, i := range keep {
			kept[i] = true
			out = append(out, nodes[i])
		}
		rest := 0.0
		for i, w := range weights {
			if !kept[i] {
				rest += w
			}
		}
		nodes, changed = append(out, map[string]any{"name": other, "value": rest}), true
	}
	for _, n := range nodes {
		if nm, ok := n.(map[string]any); ok {
			if kids, ok := nm["children"].([]any); ok {
				nm["children"], changed = cutTree(kids, other, changed)
			}
		}
	}
	return nodes, changed
}

// treeValue is a node's value, or its children's sum.
func treeValue(n any) float64 {
	nm, _ := n.(map[string]any)
	if v, ok := nm["value"]; ok {
		return num(v)
	}
	sum := 0.0
	kids, _ := nm["children"].([]any)
	for _, k := range kids {
		sum += treeValue(k)
	}
	return sum
}

// cutSunburst drops the outer ring when it has more than maxLeaves leaves:
// each node of the ring before it takes the sum of its leaves (with many
// projects, the challenge level is the last one drawn).
func cutSunburst(sm map[string]any) bool {
	data, _ := sm["data"].([]any)
	var leaves int
	var depth func(nodes []any, d int) int
	depth = func(nodes []any, d int) int {
		deepest := d
		for _, n := range nodes {
			nm, _ := n.(map[string]any)
			if kids, ok := nm["children"].([]any); ok && len(kids) > 0 {
				deepest = max(deepest, depth(kids, d+1))
			} else {
				leaves++
			}
		}
		return deepest
	}
	deepest := depth(data, 1)
	if leaves <= maxLeaves || deepest < 2 {
		return false
	}
	var cut func(nodes []any, d int)
	cut = func(nodes []any, d int) {
		for _, n := range nodes {
			nm, _ := n.(map[string]any)
			kids, _ := nm["children"].([]any)
			if d == deepest-1 && len(kids) > 0 {
				nm["value"] = treeValue(nm)
				delete(nm, "children")
				continue
			}
			cut(kids, d+1)
		}
	}
	cut(data, 1)
	cutSunburst(sm) // still too many: cut the next ring
	return true
}

// cutGraph keeps the maxNodes best connected nodes (by symbol size, which
// the network panel sets from the degree) and the heaviest maxLinks links
// among them. Links name their ends by index or by name.
func cutGraph(sm map[string]any) bool {
	key := "data"
	if _, ok := sm[key]; !ok {
		key = "nodes"
	}
	nodes, _ := sm[key].([]any)
	links, _ := sm["links"].([]any)
	if len(nodes) <= maxNodes && len(links) <= maxLinks {
		return false
	}
	keep := make([]int, len(nodes))
	for i := range keep {
		keep[i] = i
	}
	if len(nodes) > maxNodes {
		weights := make([]float64, len(nodes))
		for i, n := range nodes {
			nm, _ := n.(map[string]any)
			weights[i] = num(nm["symbolSize"]) + num(nm["value"])
		}
		keep = topIndexes(weights, maxNodes)
	}
	at := map[int]int{}     // old index → new index
	names := map[any]bool{} // names kept
	out := make([]any, 0, len(keep))
	for newIdx, i := range keep {
		at[i] = newIdx
		nm, _ := nodes[i].(map[string]any)
		names[nm["name"]] = true
		out = append(out, nodes[i])
	}
	sm[key] = out
	end := func(v any) (any, bool) {
		if f, ok := v.(float64); ok {
			j, kept := at[int(f)]
			return j, kept
		}
		return v, names[v]
	}
	var kept []any
	var weights []float64
	for _, l := range links {
		lm, _ := l.(map[string]any)
		src, ok1 := end(lm["source"])
		dst, ok2 := end(lm["target"])
		if ok1 && ok2 {
			lm["source"], lm["target"] = src, dst
			kept = append(kept, lm)
			weights = append(weights, num(lm["value"]))
		}
	}
	if len(kept) > maxLinks {
		idx := topIndexes(weights, maxLinks)
		heavy := make([]any, 0, maxLinks)
		for _, i := range idx {
			heavy = append(heavy, kept[i])
		}
		kept = heavy
	}
	sm["links"] = kept
	return true
}
