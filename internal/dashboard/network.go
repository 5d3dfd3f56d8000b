package dashboard

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// The network page. Its chart is bounded before it is built: with 100,000
// projects the shared-partner network has millions of links. The chart
// shows the anchors — the graphNodes projects of highest betweenness — and
// the graphLinks heaviest links among them, coloured by thematic cluster
// (C18), the graphLabels first anchors named, laid out on the server
// (layout.go). The same option carries, under NetworkAltKey, the
// organisation network the page's toggle switches to. The summary and the
// table still speak of the whole network.
const (
	graphNodes   = 300
	graphLinks   = 1500
	graphLabels  = 15 // anchor projects named on the chart
	graphColours = 8  // clusters with a colour of their own
	orgNodes     = 150
	labelRunes   = 32
)

// NetworkAltKey is the option key of the organisation network; the page
// script takes it out of the project network's option.
const NetworkAltKey = "begiraOrganisations"

// networkPanel builds the network chart of env's scope.
func networkPanel(ctx context.Context, env *metrics.Env, m *portfolio.Mission, lang string, pv *PanelView) (Option, error) {
	g, err := metrics.PartnerGraph(ctx, env, graphNodes)
	if err != nil {
		return nil, err
	}
	refs := make([]string, len(g.Nodes))
	for i, n := range g.Nodes {
		refs[i] = n.Ref
	}
	clusters, of, err := metrics.ThemeClusters(ctx, env, refs)
	if err != nil {
		return nil, err
	}
	og, err := metrics.OrganisationGraph(ctx, env, orgNodes)
	if err != nil {
		return nil, err
	}
	o := partnerGraph(m, g, clusters, of, lang, pv)
	o[NetworkAltKey] = organisationGraph(og, lang, pv)
	return o, nil
}

// partnerGraph draws the project network g: colour = thematic cluster,
// size = betweenness, the graphLabels first anchors named; a node opens
// its project's page.
func partnerGraph(m *portfolio.Mission, g *metrics.Graph, clusters []metrics.Cluster, of map[string]int, lang string, pv *PanelView) Option {
	// Colours: the graphColours largest clusters, the others, none.
	var cats []string
	for _, c := range clusters[:min(graphColours, len(clusters))] {
		var names []string
		for _, t := range c.Terms {
			name := t[1]
			if s := m.Scheme(t[0]); s != nil {
				name = termLabel(s, t[1], lang)
			}
			names = append(names, name)
		}
		cats = append(cats, i18n.T(lang, "chart.cluster", c.Number, strings.Join(names, ", ")))
	}
	otherCat, noneCat := len(cats), len(cats)+1
	cats = append(cats, i18n.T(lang, "chart.other_clusters"), i18n.T(lang, "chart.no_cluster"))

	order := make([]int, len(g.Nodes)) // by betweenness, ties by ext_ref
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return g.Nodes[order[a]].Betweenness > g.Nodes[order[b]].Betweenness })
	named := map[int]bool{}
	for _, i := range order[:min(graphLabels, len(order))] {
		named[i] = true
	}
	maxB := 0.0
	for _, n := range g.Nodes {
		maxB = max(maxB, n.Betweenness)
	}
	nodes := make([]GraphNode, len(g.Nodes))
	index := map[string]int{}
	for i, n := range g.Nodes {
		index[n.Ref] = i
		size := 5.0
		if maxB > 0 {
			size += 25 * n.Betweenness / maxB
		}
		c := noneCat
		if k := of[n.Ref]; k > 0 && k <= graphColours {
			c = k - 1
		} else if k > 0 {
			c = otherCat
		}
		nodes[i] = GraphNode{Name: n.Ref + " " + n.Title, Category: c, Size: size}
		if named[i] {
			nodes[i].Label = clipRunes(n.Title, labelRunes)
		}
	}
	edges := append([]metrics.GraphEdge(nil), g.Edges...)
	sort.SliceStable(edges, func(a, b int) bool { return edges[a].Weight > edges[b].Weight })
	edges = edges[:min(graphLinks, len(edges))]
	links := make([]GraphLink, len(edges))
	for i, e := range edges {
		links[i] = GraphLink{Source: index[e.Source], Target: index[e.Target], Weight: float64(e.Weight)}
	}
	place(nodes, links)

	// The table lists the anchor projects, best connected first.
	pv.Table.Columns = []string{i18n.T(lang, "col.ext_ref"), i18n.T(lang, "col.project"), i18n.T(lang, "col.level"), i18n.T(lang, "col.betweenness")}
	for _, i := range order[:min(50, len(order))] {
		n := g.Nodes[i]
		pv.Table.addRow("project:"+n.Ref, Cell{n.Ref, n.Ref}, Cell{n.Title, n.Title}, Cell{n.Level, n.Level},
			Cell{i18n.Number(lang, n.Betweenness, 4), fmt.Sprintf("%.6f", n.Betweenness)})
	}
	pv.Summary = i18n.T(lang, "summary.graph", g.TotalNodes, g.TotalEdges)
	if g.TotalNodes > len(g.Nodes) || len(g.Edges) > len(edges) {
		pv.Summary += " " + i18n.T(lang, "summary.graph_anchors", len(g.Nodes), len(edges))
	}
	pv.Summary += " " + i18n.T(lang, "summary.graph_colour", min(graphLabels, len(g.Nodes)))
	if g.Hubs > 0 {
		pv.Summary += " " + i18n.T(lang, "summary.graph_hubs", g.Hubs, metrics.NetworkHubProjects)
	}
	// A node opens its project's page.
	pv.Drill = &Drill{Marks: map[string]Mark{}}
	o := withFormat(PlacedGraph(nodes, links, cats), Format{Kind: KindCount, Measure: i18n.T(lang, "col.edges"), X: i18n.T(lang, "col.project")})
	// Greys for the projects outside the coloured clusters, so that the
	// palette is left to the clusters.
	sc := o["series"].([]any)[0].(map[string]any)["categories"].([]any)
	sc[otherCat].(map[string]any)["itemStyle"] = map[string]any{"color": "#8c959f"}
	sc[noneCat].(map[string]any)["itemStyle"] = map[string]any{"color": "#d0d7de"}
	tagSeries(o, func(_, i int) string {
		key := "project:" + g.Nodes[i].Ref
		pv.Drill.Marks[key] = Mark{Path: "projects/" + url.PathEscape(g.Nodes[i].Ref), Value: 1}
		return key
	})
	return o
}

// organisationGraph draws the organisation network: size = projects in
// scope, hubs in a colour of their own, the graphLabels largest named.
func organisationGraph(g *metrics.OrgGraph, lang string, pv *PanelView) Option {
	cats := []string{i18n.T(lang, "chart.organisation"), i18n.T(lang, "chart.hub", metrics.NetworkHubProjects)}
	maxP := 1
	for _, n := range g.Nodes {
		maxP = max(maxP, n.Projects)
	}
	order := make([]int, len(g.Nodes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return g.Nodes[order[a]].Projects > g.Nodes[order[b]].Projects })
	nodes := make([]GraphNode, len(g.Nodes))
	for i, n := range g.Nodes {
		nodes[i] = GraphNode{Name: n.Name, Size: 5 + 25*math.Sqrt(float64(n.Projects)/float64(maxP))}
		if n.Hub {
			nodes[i].Category = 1
		}
	}
	for _, i := range order[:min(graphLabels, len(order))] {
		nodes[i].Label = clipRunes(g.Nodes[i].Name, labelRunes)
	}
	edges := append([]metrics.OrgEdge(nil), g.Edges...)
	sort.SliceStable(edges, func(a, b int) bool { return edges[a].Weight > edges[b].Weight })
	edges = edges[:min(graphLinks, len(edges))]
	links := make([]GraphLink, len(edges))
	for i, e := range edges {
		links[i] = GraphLink{Source: e.Source, Target: e.Target, Weight: float64(e.Weight)}
	}
	place(nodes, links)
	o := PlacedGraph(nodes, links, cats)
	// An organisation opens its page, as a project node opens the
	// project's: the marks join the panel's drill, which the page's
	// toggle keeps.
	if pv.Drill == nil {
		pv.Drill = &Drill{Marks: map[string]Mark{}}
	}
	tagSeries(o, func(_, i int) string {
		key := "org:" + strconv.FormatInt(g.Nodes[i].ID, 10)
		pv.Drill.Marks[key] = Mark{Path: "organisations/" + strconv.FormatInt(g.Nodes[i].ID, 10), Value: 1}
		return key
	})
	return o
}

// place lays nodes out (layout.go).
func place(nodes []GraphNode, links []GraphLink) {
	xs, ys := layoutSpring(len(nodes), links)
	for i := range nodes {
		nodes[i].X, nodes[i].Y = xs[i], ys[i]
	}
}

// clipRunes cuts s to at most n runes, marking a cut with an ellipsis.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
