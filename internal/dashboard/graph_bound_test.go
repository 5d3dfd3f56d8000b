package dashboard

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// TestNetworkChartShowsItsAnchors: a network of 5,000 projects and 100,000
// links is drawn as its 300 anchor projects (highest betweenness) and the
// 1,500 heaviest links among them, while the summary counts the whole
// network and the table lists the same anchors. Before, every node and
// link went into the chart option: at 100,000 projects one network page
// took a minute and 6.7 GB.
func TestNetworkChartShowsItsAnchors(t *testing.T) {
	g := &metrics.Graph{}
	for i := range 5000 {
		g.Nodes = append(g.Nodes, metrics.GraphNode{Ref: fmt.Sprintf("P-%05d", i), Title: "t", Betweenness: float64(i%1000) / 1000})
	}
	for i := range 5000 {
		for j := 1; j <= 20; j++ {
			g.Edges = append(g.Edges, metrics.GraphEdge{Source: g.Nodes[i].Ref, Target: g.Nodes[(i+j*250)%5000].Ref, Weight: int64(j)})
		}
	}
	m := &portfolio.Mission{Slug: "x"}
	var pv PanelView
	o := boundedPartnerGraph(m, g, "en", &pv)
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Series []struct {
			Data  []map[string]any `json:"data"`
			Links []map[string]any `json:"links"`
		} `json:"series"`
	}
	if err := json.Unmarshal(b, &opt); err != nil {
		t.Fatal(err)
	}
	s := opt.Series[0]
	if len(s.Data) != graphNodes || len(s.Links) == 0 || len(s.Links) > graphLinks {
		t.Fatalf("%d nodes, %d links; want %d and at most %d", len(s.Data), len(s.Links), graphNodes, graphLinks)
	}
	for _, d := range s.Data {
		if name := d["name"].(string); !strings.HasPrefix(name, "P-") || g.Nodes[mustIndex(t, name)].Betweenness < 0.940 {
			t.Fatalf("node %s is not an anchor", name)
		}
	}
	if !strings.Contains(pv.Summary, "5000 projects, 100000 shared-partner links") || !strings.Contains(pv.Summary, "300 anchor projects") {
		t.Errorf("summary %q", pv.Summary)
	}
	if len(b) > 200_000 {
		t.Errorf("the option is %d bytes", len(b))
	}
}

func mustIndex(t *testing.T, name string) int {
	var i int
	if _, err := fmt.Sscanf(name, "P-%05d", &i); err != nil {
		t.Fatal(err)
	}
	return i
}
