package metrics

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// Graph is the shared-partner network of the projects in scope (C16) as a
// chart draws it: node colour = level, node size = betweenness (C17), edge
// width = shared organisations.
type Graph struct {
	Nodes []GraphNode `json:"nodes"`
	Edges []GraphEdge `json:"edges"`
	// Sampled reports that betweenness was estimated from sampled pivots
	// (portfolios above 20,000 projects) rather than computed exactly.
	Sampled bool `json:"sampled"`
}

// GraphNode is one project of the shared-partner network.
type GraphNode struct {
	Ref   string `json:"ref"` // the project's ext_ref
	Title string `json:"title"`
	Level string `json:"level,omitempty"` // term of the level scheme; "" when untagged
	// Betweenness is normalised by (n−1)(n−2)/2, so it lies in [0, 1]; it is
	// 0 for every node when there are fewer than three projects.
	Betweenness float64 `json:"betweenness"`
}

// GraphEdge links two projects that share organisations.
type GraphEdge struct {
	Source string `json:"source"` // ext_ref of one project
	Target string `json:"target"` // ext_ref of the other
	Weight int64  `json:"weight"` // organisations they share
}

// PartnerGraph returns the shared-partner network of e's scope with every
// node's level and betweenness, for the network view. It shares e's memo
// with C16–C19, so a page computing both pays for the graph once.
func PartnerGraph(ctx context.Context, e *Env) (*Graph, error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, err
	}
	bc, err := betweennessOf(ctx, e)
	if err != nil {
		return nil, err
	}
	out := &Graph{Nodes: make([]GraphNode, len(pg.nodes)), Edges: make([]GraphEdge, len(pg.edges)), Sampled: bc.sampled}
	for i, nd := range pg.nodes {
		out.Nodes[i] = GraphNode{Ref: nd.ref, Title: nd.title, Level: nd.level, Betweenness: bc.values[i]}
	}
	for i, ed := range pg.edges {
		out.Edges[i] = GraphEdge{Source: pg.nodes[ed.a].ref, Target: pg.nodes[ed.b].ref, Weight: int64(ed.w)}
	}
	return out, nil
}

// netNode is one project of a network; its index in partnerGraph.nodes is
// its gonum node ID.
type netNode struct {
	id    int64 // project.id
	ref   string
	title string
	level string
}

// netEdge links nodes a < b (indices) with weight w.
type netEdge struct {
	a, b int
	w    float64
}

// partnerGraph is the shared-partner network (C16) of one Env.
type partnerGraph struct {
	nodes []netNode
	index map[int64]int // project.id → node index
	edges []netEdge
	g     *orderedGraph
}

// partnerGraphOf loads the shared-partner network of e's scope once per Env:
// nodes from queries/c16_nodes.sql (every project in scope, isolated ones
// included), edges from queries/c16_edges.sql (the pairs are generated in
// DuckDB, which is where the data is and where a self-join is cheapest).
func partnerGraphOf(ctx context.Context, e *Env) (*partnerGraph, error) {
	return once(e, "partner-graph", func() (*partnerGraph, error) {
		pg := &partnerGraph{index: map[int64]int{}}
		rows, err := e.Query(ctx, "c16_nodes")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var nd netNode
			var level *string
			if err := rows.Scan(&nd.id, &nd.ref, &nd.title, &level); err != nil {
				rows.Close()
				return nil, fmt.Errorf("metrics: scan c16_nodes: %w", err)
			}
			if level != nil {
				nd.level = *level
			}
			pg.index[nd.id] = len(pg.nodes)
			pg.nodes = append(pg.nodes, nd)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("metrics: c16_nodes: %w", err)
		}
		pg.edges, err = netLoadEdges(ctx, e, "c16_edges", pg.index)
		if err != nil {
			return nil, err
		}
		pg.g = newOrderedGraph(len(pg.nodes), pg.edges)
		return pg, nil
	})
}

// netLoadEdges runs an edge query returning (project a, project b, weight),
// with args after the scope, and maps the projects to node indices, keeping
// a < b.
func netLoadEdges(ctx context.Context, e *Env, name string, index map[int64]int, args ...any) ([]netEdge, error) {
	rows, err := e.Query(ctx, name, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var edges []netEdge
	for rows.Next() {
		var a, b int64
		var w float64
		if err := rows.Scan(&a, &b, &w); err != nil {
			return nil, fmt.Errorf("metrics: scan %s: %w", name, err)
		}
		ia, oka := index[a]
		ib, okb := index[b]
		if !oka || !okb || ia == ib {
			continue // both queries read the same scope; a miss would be a defect, not data
		}
		if ia > ib {
			ia, ib = ib, ia
		}
		edges = append(edges, netEdge{a: ia, b: ib, w: w})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: %s: %w", name, err)
	}
	return edges, nil
}

// orderedGraph is a gonum simple.WeightedUndirectedGraph whose Nodes and From
// iterate in ID order. simple's graphs iterate over Go maps, in random order,
// which makes Louvain's tie-breaking and the floating-point sums of
// betweenness vary from run to run; with ordered iteration and a fixed
// random source every figure is reproducible. Node IDs are 0…n−1.
//
// Memory: simple keeps each edge twice in nested maps, and orderedGraph adds
// a sorted neighbour list, so a pathological network (one organisation in
// 5,000 projects: 12.5 million edges) costs gigabytes. Real portfolios have
// a few hundred to a few thousand projects.
type orderedGraph struct {
	*simple.WeightedUndirectedGraph
	nodes []graph.Node
	nbrs  [][]graph.Node
}

var _ graph.WeightedUndirected = (*orderedGraph)(nil)

// newOrderedGraph builds a graph of n nodes (isolated ones included) and the
// given edges.
func newOrderedGraph(n int, edges []netEdge) *orderedGraph {
	g := &orderedGraph{
		WeightedUndirectedGraph: simple.NewWeightedUndirectedGraph(0, 0),
		nodes:                   make([]graph.Node, n),
		nbrs:                    make([][]graph.Node, n),
	}
	for i := range n {
		g.nodes[i] = simple.Node(i)
		g.AddNode(g.nodes[i])
	}
	for _, ed := range edges {
		g.SetWeightedEdge(simple.WeightedEdge{F: g.nodes[ed.a], T: g.nodes[ed.b], W: ed.w})
		g.nbrs[ed.a] = append(g.nbrs[ed.a], g.nodes[ed.b])
		g.nbrs[ed.b] = append(g.nbrs[ed.b], g.nodes[ed.a])
	}
	for _, ns := range g.nbrs {
		slices.SortFunc(ns, func(x, y graph.Node) int { return cmp.Compare(x.ID(), y.ID()) })
	}
	return g
}

// Nodes returns every node in ID order.
func (g *orderedGraph) Nodes() graph.Nodes { return iterator.NewOrderedNodes(g.nodes) }

// From returns the neighbours of id in ID order.
func (g *orderedGraph) From(id int64) graph.Nodes {
	if id < 0 || id >= int64(len(g.nbrs)) || len(g.nbrs[id]) == 0 {
		return graph.Empty
	}
	return iterator.NewOrderedNodes(g.nbrs[id])
}

// degree returns the number of neighbours of node i.
func (g *orderedGraph) degree(i int) int { return len(g.nbrs[i]) }

// adjacency returns the neighbour lists as plain indices, the compact form
// the sampled betweenness walks.
func (g *orderedGraph) adjacency() [][]int32 {
	adj := make([][]int32, len(g.nbrs))
	for i, ns := range g.nbrs {
		adj[i] = make([]int32, len(ns))
		for j, v := range ns {
			adj[i][j] = int32(v.ID())
		}
	}
	return adj
}
