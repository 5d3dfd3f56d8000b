package dashboard

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// graphSeries is the part of a graph option the tests read.
type graphSeries struct {
	Layout string `json:"layout"`
	Data   []struct {
		Name     string         `json:"name"`
		X        *float64       `json:"x"`
		Y        *float64       `json:"y"`
		Category int            `json:"category"`
		Label    map[string]any `json:"label"`
		Drill    string         `json:"drill"`
	} `json:"data"`
	Links      []map[string]any `json:"links"`
	Categories []struct {
		Name string `json:"name"`
	} `json:"categories"`
}

func seriesOf(t *testing.T, o Option) graphSeries {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Series []graphSeries `json:"series"`
	}
	if err := json.Unmarshal(b, &opt); err != nil {
		t.Fatal(err)
	}
	return opt.Series[0]
}

// TestNetworkChartReads: 300 anchors of a 5,000-project network with 6,000
// links among them are drawn with the 1,500 heaviest links, at positions
// computed here (layout "none": no simulation in the browser), coloured by
// thematic cluster (the eight largest named by their terms, then "other
// clusters" and "no cluster"), the 15 of highest betweenness named, and
// every node opening its project; the summary counts the whole network and
// its hubs.
func TestNetworkChartReads(t *testing.T) {
	t.Parallel()
	g := &metrics.Graph{TotalNodes: 5000, TotalEdges: 100000, Hubs: 3}
	for i := range 300 {
		g.Nodes = append(g.Nodes, metrics.GraphNode{Ref: fmt.Sprintf("P-%05d", i), Title: fmt.Sprintf("Project number %d with a long title to clip", i), Betweenness: float64(i) / 300})
	}
	for i := range 300 {
		for j := 1; j <= 20; j++ {
			g.Edges = append(g.Edges, metrics.GraphEdge{Source: g.Nodes[i].Ref, Target: g.Nodes[(i+j*7)%300].Ref, Weight: int64(j)})
		}
	}
	var clusters []metrics.Cluster
	for c := 1; c <= 10; c++ {
		clusters = append(clusters, metrics.Cluster{Number: c, Size: 100 - c, Terms: [][2]string{{"challenge", "energy"}, {"lever", fmt.Sprint("l", c)}}})
	}
	of := map[string]int{}
	for i := range 300 {
		if i%11 != 0 {
			of[g.Nodes[i].Ref] = 1 + i%10
		}
	}
	m := &portfolio.Mission{Slug: "x", Schemes: []portfolio.Scheme{{Code: "challenge", Terms: []portfolio.Term{{Code: "energy", Label: portfolio.Labels{EN: "Energy"}}}}}}
	var pv PanelView
	s := seriesOf(t, partnerGraph(m, g, clusters, of, "en", &pv))
	if s.Layout != "none" || len(s.Data) != 300 || len(s.Links) != graphLinks {
		t.Fatalf("layout %q, %d nodes, %d links; want none, 300, %d", s.Layout, len(s.Data), len(s.Links), graphLinks)
	}
	for _, l := range s.Links {
		if l["value"].(float64) < 16 { // 300 links of each weight 1…20: the 1,500 heaviest weigh 16 or more
			t.Fatalf("a link of weight %v was kept", l["value"])
		}
	}
	if len(s.Categories) != graphColours+2 || s.Categories[0].Name != "Cluster 1: Energy, l1" || s.Categories[graphColours].Name != "Other clusters" || s.Categories[graphColours+1].Name != "No thematic cluster" {
		t.Errorf("categories %+v", s.Categories)
	}
	labelled := 0
	seen := map[[2]float64]bool{}
	for i, d := range s.Data {
		if d.X == nil || d.Y == nil {
			t.Fatalf("node %d has no position", i)
		}
		seen[[2]float64{*d.X, *d.Y}] = true
		if d.Label != nil {
			labelled++
			if i < 300-graphLabels {
				t.Errorf("node %d (not an anchor) is labelled", i)
			}
			if f := d.Label["formatter"].(string); len([]rune(f)) > labelRunes || !strings.HasPrefix(f, "Project number") {
				t.Errorf("label %q", f)
			}
		}
		want := graphColours + 1 // no cluster
		if k := of[g.Nodes[i].Ref]; k > graphColours {
			want = graphColours
		} else if k > 0 {
			want = k - 1
		}
		if d.Category != want {
			t.Errorf("node %d in cluster %d has colour %d, want %d", i, of[g.Nodes[i].Ref], d.Category, want)
		}
		if d.Drill != "project:"+g.Nodes[i].Ref || pv.Drill.Marks[d.Drill].Path != "projects/"+g.Nodes[i].Ref {
			t.Errorf("node %d drills to %q", i, d.Drill)
		}
	}
	if labelled != graphLabels || len(seen) != 300 {
		t.Errorf("%d labelled (want %d), %d distinct positions (want 300)", labelled, graphLabels, len(seen))
	}
	for _, want := range []string{"5000 projects, 100000 shared-partner links", "300 anchor projects", "3 hub organisations"} {
		if !strings.Contains(pv.Summary, want) {
			t.Errorf("summary %q lacks %q", pv.Summary, want)
		}
	}
}

// The layout is the same on every run, keeps every node apart and draws
// linked nodes closer than unlinked ones: two rings of 20 joined by one
// link.
func TestLayoutSpring(t *testing.T) {
	t.Parallel()
	var links []GraphLink
	for r := range 2 {
		for i := range 20 {
			links = append(links, GraphLink{Source: r*20 + i, Target: r*20 + (i+1)%20, Weight: 1})
		}
	}
	links = append(links, GraphLink{Source: 0, Target: 20, Weight: 1})
	xs, ys := layoutSpring(40, links)
	xs2, ys2 := layoutSpring(40, links)
	linked, all := 0.0, 0.0
	for i := range 40 {
		if xs[i] != xs2[i] || ys[i] != ys2[i] || math.IsNaN(xs[i]) || math.IsNaN(ys[i]) {
			t.Fatalf("node %d at (%v, %v) then (%v, %v)", i, xs[i], ys[i], xs2[i], ys2[i])
		}
		for j := i + 1; j < 40; j++ {
			d := math.Hypot(xs[i]-xs[j], ys[i]-ys[j])
			if d < 1 {
				t.Errorf("nodes %d and %d overlap", i, j)
			}
			all += d
		}
	}
	for _, l := range links {
		linked += math.Hypot(xs[l.Source]-xs[l.Target], ys[l.Source]-ys[l.Target])
	}
	if mean, meanAll := linked/float64(len(links)), all/(40*39/2); mean > meanAll/2 {
		t.Errorf("linked nodes are %.0f apart on average, all nodes %.0f", mean, meanAll)
	}
}
