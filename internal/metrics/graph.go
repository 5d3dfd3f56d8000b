package metrics

import (
	"context"
	"fmt"
	"slices"
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
	out := &Graph{Nodes: make([]GraphNode, len(pg.nodes)), Edges: make([]GraphEdge, 0, pg.edges), Sampled: bc.sampled}
	for i, nd := range pg.nodes {
		out.Nodes[i] = GraphNode{Ref: nd.ref, Title: nd.title, Level: nd.level, Betweenness: bc.values[i]}
	}
	// Edges in node order (a < b), as the view has always listed them.
	type half struct{ b, w int32 }
	var row []half
	for a := range pg.nodes {
		row = row[:0]
		lo, hi := pg.adj.bounds(a)
		for j := lo; j < hi; j++ {
			if b := pg.adj.items[j]; int(b) > a {
				row = append(row, half{b, pg.shared[j]})
			}
		}
		slices.SortFunc(row, func(x, y half) int { return int(x.b) - int(y.b) })
		for _, h := range row {
			out.Edges = append(out.Edges, GraphEdge{Source: pg.nodes[a].ref, Target: pg.nodes[h.b].ref, Weight: int64(h.w)})
		}
	}
	return out, nil
}

// netNode is one project of a network; its index in partnerGraph.nodes is
// its node index.
type netNode struct {
	id    int64 // project.id
	ref   string
	title string
	level string
}

// partnerGraph is the shared-partner network (C16) of one Env. It keeps the
// bipartite project–organisation memberships it is made of (orgsOf,
// members), which C17's betweenness walks, and the projected network itself
// (adj, with the organisations each pair shares), which C16, C19 and the
// view read. Every organisation shared by k projects links k(k−1)/2 pairs;
// pairs sharing m ≥ 2 organisations are one link of weight m, and are also
// listed in multi (with their m in multiShared) for the betweenness.
type partnerGraph struct {
	nodes       []netNode // every project in scope, by ext_ref
	orgsOf      csr       // node → organisations (dense indices), ascending
	members     csr       // organisation → nodes, ascending
	adj         csr       // node → neighbouring nodes
	shared      []int32   // parallel to adj.items: organisations the pair shares
	multi       csr       // node → neighbours sharing ≥ 2 organisations
	multiShared []int32   // parallel to multi.items
	edges       int       // links (unordered pairs)
}

// degree returns the number of neighbours of node i.
func (pg *partnerGraph) degree(i int) int {
	lo, hi := pg.adj.bounds(i)
	return hi - lo
}

// partnerGraphOf loads the shared-partner network of e's scope once per Env:
// the nodes from queries/c16_nodes.sql (every project in scope, isolated
// ones included) and the memberships from queries/c16_members.sql. The
// pairs are built here rather than in a DuckDB self-join: the join emitted
// millions of rows that then had to cross the driver one by one, while the
// memberships are a few hundred thousand and the pairs, built with a
// marker array, cost a few tens of milliseconds.
func partnerGraphOf(ctx context.Context, e *Env) (*partnerGraph, error) {
	return once(e, "partner-graph", func() (*partnerGraph, error) {
		pg := &partnerGraph{}
		index := map[int64]int32{}
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
			index[nd.id] = int32(len(pg.nodes))
			pg.nodes = append(pg.nodes, nd)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("metrics: c16_nodes: %w", err)
		}
		members, err := netLoadMembers(ctx, e, index)
		if err != nil {
			return nil, err
		}
		pg.build(len(pg.nodes), members)
		return pg, nil
	})
}

// netLoadMembers reads queries/c16_members.sql (organisation, project) in
// organisation order and returns, per organisation with at least one
// project in scope, its nodes in ascending order.
func netLoadMembers(ctx context.Context, e *Env, index map[int64]int32) (csr, error) {
	rows, err := e.Query(ctx, "c16_members")
	if err != nil {
		return csr{}, err
	}
	defer rows.Close()
	m := csr{start: []int{0}}
	last := int64(0)
	for rows.Next() {
		var org, project int64
		if err := rows.Scan(&org, &project); err != nil {
			return csr{}, fmt.Errorf("metrics: scan c16_members: %w", err)
		}
		i, ok := index[project]
		if !ok {
			continue // both queries read the same scope; a miss would be a defect, not data
		}
		if len(m.items) > 0 && org != last {
			m.start = append(m.start, len(m.items))
		}
		last = org
		m.items = append(m.items, i)
	}
	if err := rows.Err(); err != nil {
		return csr{}, fmt.Errorf("metrics: c16_members: %w", err)
	}
	if len(m.items) > 0 {
		m.start = append(m.start, len(m.items))
	}
	for o := range m.rows() {
		slices.Sort(m.row(o))
	}
	return m, nil
}

// build fills the graph of n nodes from the organisations' member lists:
// orgsOf by transposing them, then each node's neighbours, deduplicated
// with a marker array (mark[w] = v+1 once w is a neighbour of v), counting
// the organisations each pair shares.
func (pg *partnerGraph) build(n int, members csr) {
	pg.members = members
	pg.orgsOf = csrTranspose(members, n)
	mark := make([]int32, n)
	at := make([]int, n)
	pg.adj = csr{start: make([]int, n+1)}
	pg.multi = csr{start: make([]int, n+1)}
	for v := range n {
		pg.adj.start[v] = len(pg.adj.items)
		for _, o := range pg.orgsOf.row(v) {
			for _, w := range members.row(int(o)) {
				switch {
				case int(w) == v:
				case mark[w] != int32(v+1):
					mark[w], at[w] = int32(v+1), len(pg.adj.items)
					pg.adj.items = append(pg.adj.items, w)
					pg.shared = append(pg.shared, 1)
				default:
					pg.shared[at[w]]++
				}
			}
		}
		pg.multi.start[v] = len(pg.multi.items)
		for j := pg.adj.start[v]; j < len(pg.adj.items); j++ {
			if pg.shared[j] > 1 {
				pg.multi.items = append(pg.multi.items, pg.adj.items[j])
				pg.multiShared = append(pg.multiShared, pg.shared[j])
			}
		}
	}
	pg.adj.start[n] = len(pg.adj.items)
	pg.multi.start[n] = len(pg.multi.items)
	pg.edges = len(pg.adj.items) / 2
}

// largestComponent returns the number of nodes in the largest connected
// component (0 without nodes): a union–find over the memberships, since
// every organisation joins all its members.
func (pg *partnerGraph) largestComponent() int {
	parent := make([]int32, len(pg.nodes))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]] // path halving
			x = parent[x]
		}
		return x
	}
	for o := range pg.members.rows() {
		row := pg.members.row(o)
		for _, w := range row[1:] {
			if a, b := find(row[0]), find(w); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	size := make([]int, len(pg.nodes))
	largest := 0
	for i := range parent {
		r := find(int32(i))
		size[r]++
		largest = max(largest, size[r])
	}
	return largest
}
