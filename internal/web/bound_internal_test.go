package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"testing"

	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/begira/begira/internal/dashboard"
)

func panelOf(t *testing.T, o dashboard.Option) *dashboard.PanelView {
	t.Helper()
	b, err := o.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return &dashboard.PanelView{Option: template.JS(b)}
}

func seriesOf(t *testing.T, pv *dashboard.PanelView) (map[string]any, map[string]any) {
	t.Helper()
	var o map[string]any
	if err := json.Unmarshal([]byte(pv.Option), &o); err != nil {
		t.Fatal(err)
	}
	return o, o["series"].([]any)[0].(map[string]any)
}

// TestPanelsAreBounded: whatever the portfolio, a panel carries at most
// maxCategories bars (the rest summed into "Other", drill-downs following),
// maxNodes nodes and maxLinks links, a sunburst of at most maxLeaves
// leaves, treemap levels of maxTreeKids, and maxTableRows table rows.
// Before the bounds a network of 151,000 projects put 7.5 million links on
// one page.
func TestPanelsAreBounded(t *testing.T) {
	t.Parallel()
	t.Run("bars", func(t *testing.T) {
		n := 1000
		cats, vals, drill := make([]string, n), make([]float64, n), make([]string, n)
		total := 0.0
		for i := range n {
			cats[i], vals[i], drill[i] = fmt.Sprint("c", i), float64(i%97), fmt.Sprint("term", i)
			total += vals[i]
		}
		pv := panelOf(t, dashboard.Bar(cats, vals, "projects"))
		pv.Drill = &dashboard.Drill{Marks: map[string]dashboard.Mark{}}
		for i, term := range drill {
			pv.Drill.Marks[fmt.Sprint(i)] = dashboard.Mark{Query: map[string]string{"lever": term}, Value: vals[i], Measure: dashboard.MeasureCount}
		}
		boundPanel(pv, "en")
		o, s := seriesOf(t, pv)
		axis := o["xAxis"].([]any)[0].(map[string]any)["data"].([]any)
		data := s["data"].([]any)
		if len(axis) != maxCategories || len(data) != maxCategories || axis[maxCategories-1] != "Other" {
			t.Fatalf("%d categories, %d values, last %v", len(axis), len(data), axis[len(axis)-1])
		}
		sum := 0.0
		for _, d := range data {
			sum += num(d)
		}
		if sum != total {
			t.Errorf("bars sum to %v, want %v", sum, total)
		}
		// Each kept bar still opens its own rows, with its own figure;
		// "Other" opens nothing.
		if len(pv.Drill.Marks) != maxCategories-1 {
			t.Errorf("%d marks after the cut, want %d", len(pv.Drill.Marks), maxCategories-1)
		}
		for k := range maxCategories - 1 {
			mk := pv.Drill.Marks[fmt.Sprint(k)]
			if mk.Query["lever"] != "term"+axis[k].(string)[1:] || mk.Value != num(data[k]) {
				t.Errorf("bar %d (%v = %v) opens %+v", k, axis[k], num(data[k]), mk)
			}
		}
	})
	t.Run("network", func(t *testing.T) {
		var nodes []dashboard.GraphNode
		var links []dashboard.GraphLink
		for i := range 5000 {
			nodes = append(nodes, dashboard.GraphNode{Name: fmt.Sprint("org", i), Size: float64(i % 50)})
			for j := 1; j <= 20; j++ {
				links = append(links, dashboard.GraphLink{Source: i, Target: (i + j) % 5000, Weight: float64(j)})
			}
		}
		pv := panelOf(t, dashboard.Graph(nodes, links, []string{"a"}))
		before := len(pv.Option)
		boundPanel(pv, "en")
		_, s := seriesOf(t, pv)
		ns, ls := s["data"].([]any), s["links"].([]any)
		if len(ns) != maxNodes || len(ls) > maxLinks || len(ls) == 0 {
			t.Fatalf("%d nodes, %d links", len(ns), len(ls))
		}
		for _, l := range ls {
			lm := l.(map[string]any)
			if int(num(lm["source"])) >= len(ns) || int(num(lm["target"])) >= len(ns) {
				t.Fatalf("link %v points past the kept nodes", lm)
			}
		}
		t.Logf("network option: %d → %d bytes", before, len(pv.Option))
	})
	t.Run("sunburst", func(t *testing.T) {
		var data []opts.SunBurstData
		for a := range 5 {
			node := opts.SunBurstData{Name: fmt.Sprint("pillar", a)}
			for b := range 10 {
				kid := &opts.SunBurstData{Name: fmt.Sprint("challenge", b)}
				for p := range 400 {
					kid.Children = append(kid.Children, &opts.SunBurstData{Name: fmt.Sprint("project", p), Value: 1})
				}
				node.Children = append(node.Children, kid)
			}
			data = append(data, node)
		}
		pv := panelOf(t, dashboard.Sunburst(data, "pillar"))
		boundPanel(pv, "en")
		_, s := seriesOf(t, pv)
		top := s["data"].([]any)
		kids := top[0].(map[string]any)["children"].([]any)
		c0 := kids[0].(map[string]any)
		if _, deep := c0["children"]; deep || num(c0["value"]) != 400 || len(kids) != 10 {
			t.Errorf("challenge node %v, want its 400 projects as its value", c0)
		}
	})
	t.Run("pie and treemap and table", func(t *testing.T) {
		cats, vals := make([]string, 300), make([]float64, 300)
		for i := range cats {
			cats[i], vals[i] = fmt.Sprint("c", i), 1
		}
		pv := panelOf(t, dashboard.Pie(cats, vals, "x"))
		for i := range 1000 {
			pv.Table.Rows = append(pv.Table.Rows, []dashboard.Cell{{Text: fmt.Sprint(i)}})
		}
		boundPanel(pv, "en")
		_, s := seriesOf(t, pv)
		if d := s["data"].([]any); len(d) != maxCategories || num(d[maxCategories-1]) != 300-maxCategories+1 {
			t.Errorf("pie: %d slices, other %v", len(d), d[len(d)-1])
		}
		if len(pv.Table.Rows) != maxTableRows || pv.Summary == "" {
			t.Errorf("table: %d rows, summary %q", len(pv.Table.Rows), pv.Summary)
		}
		var nodes []opts.TreeMapNode
		for i := range 500 {
			nodes = append(nodes, opts.TreeMapNode{Name: fmt.Sprint("n", i), Value: i})
		}
		tv := panelOf(t, dashboard.Treemap(nodes, "x"))
		boundPanel(tv, "en")
		_, s = seriesOf(t, tv)
		if d := s["data"].([]any); len(d) != maxTreeKids {
			t.Errorf("treemap: %d nodes", len(d))
		}
	})
}
