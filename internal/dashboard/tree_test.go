package dashboard_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/portfolio"
)

// sunburstCells sums a two- or three-ring sunburst option per (ring 1,
// ring 2) name: the weight of each cell.
func sunburstCells(t *testing.T, o []byte) map[[2]string]float64 {
	t.Helper()
	type node struct {
		Name     string  `json:"name"`
		Value    float64 `json:"value"`
		Children []node  `json:"children"`
	}
	var opt struct {
		Series []struct {
			Data []node `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(o, &opt); err != nil {
		t.Fatal(err)
	}
	out := map[[2]string]float64{}
	for _, a := range opt.Series[0].Data {
		for _, b := range a.Children {
			v := b.Value
			if len(b.Children) > 0 {
				v = 0
				for _, leaf := range b.Children {
					v += leaf.Value
				}
			}
			out[[2]string{a.Name, b.Name}] += v
		}
	}
	return out
}

// TestCellTreeWeighsAsTheProjects: above a few thousand leaves the
// overview's project tree is drawn from the coverage cells without its
// ring of projects; on the demo, where the ring is drawn, both give every
// cell the same weight, and the summary the same number of projects.
func TestCellTreeWeighsAsTheProjects(t *testing.T) {
	t.Parallel()
	st, m := MustDemo(t)
	d := MustDashboard(t, "overview")
	var panel dashboard.Panel
	for _, p := range d.Panels {
		if p.Data.Kind == "project_tree" {
			panel = p
		}
	}
	ctx := context.Background()
	sc := portfolio.Scope{}
	ring := dashboard.RenderPanel(ctx, testSource(st), m, panel, sc, "en")
	if ring.Err != "" {
		t.Fatal(ring.Err)
	}
	cells, err := st.Coverage(ctx, m, panel.Data.A, panel.Data.B, sc)
	if err != nil {
		t.Fatal(err)
	}
	var pv dashboard.PanelView
	o := dashboard.CellTree(m, panel, cells, sc, "en", &pv)
	b, err := o.JSON()
	if err != nil {
		t.Fatal(err)
	}
	want, got := sunburstCells(t, []byte(ring.Option)), sunburstCells(t, b)
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("%d cells without the ring, %d with it", len(got), len(want))
	}
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-9 {
			t.Errorf("cell %v weighs %v without the ring, %v with it", k, got[k], w)
		}
	}
	if pv.Summary != ring.Summary {
		t.Errorf("summary %q without the ring, %q with it", pv.Summary, ring.Summary)
	}
	if len(pv.Table.Rows) != len(want) || pv.Drill == nil || len(pv.Drill.Marks) == 0 {
		t.Errorf("%d table rows for %d cells; drill %+v", len(pv.Table.Rows), len(want), pv.Drill)
	}
}
