package dashboard

import (
	"sort"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// A network page is bounded before its chart is built: with 100,000
// projects the shared-partner network has millions of links, and building
// its chart option took a minute and 6.7 GB for one page. The chart shows
// the anchors — the graphNodes projects of highest betweenness — and the
// graphLinks heaviest links among them; the summary and the table of
// anchors still speak of the whole network.
const (
	graphNodes = 300
	graphLinks = 1500
)

// boundedPartnerGraph is partnerGraph over the anchors of g.
func boundedPartnerGraph(m *portfolio.Mission, g *metrics.Graph, lang string, pv *PanelView) Option {
	if len(g.Nodes) <= graphNodes && len(g.Edges) <= graphLinks {
		return partnerGraph(m, g, lang, pv)
	}
	o := partnerGraph(m, anchors(g), lang, pv)
	pv.Summary = i18n.T(lang, "summary.graph", len(g.Nodes), len(g.Edges)) + " " +
		i18n.T(lang, "summary.graph_anchors", graphNodes, graphLinks)
	return o
}

// anchors keeps g's graphNodes nodes of highest betweenness (ties: by
// ext_ref) and the graphLinks heaviest links among them.
func anchors(g *metrics.Graph) *metrics.Graph {
	order := make([]int, len(g.Nodes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		na, nb := g.Nodes[order[a]], g.Nodes[order[b]]
		if na.Betweenness != nb.Betweenness {
			return na.Betweenness > nb.Betweenness
		}
		return na.Ref < nb.Ref
	})
	out := &metrics.Graph{Sampled: g.Sampled}
	kept := map[string]bool{}
	for _, i := range order[:min(graphNodes, len(order))] {
		out.Nodes = append(out.Nodes, g.Nodes[i])
		kept[g.Nodes[i].Ref] = true
	}
	for _, e := range g.Edges {
		if kept[e.Source] && kept[e.Target] {
			out.Edges = append(out.Edges, e)
		}
	}
	sort.SliceStable(out.Edges, func(a, b int) bool { return out.Edges[a].Weight > out.Edges[b].Weight })
	out.Edges = out.Edges[:min(graphLinks, len(out.Edges))]
	return out
}
