package metrics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Graph is the part of the shared-partner network (C16) a chart draws:
// node colour = thematic cluster (C18), node size = betweenness (C17), edge
// width = shared organisations. It holds at most the limit of nodes asked
// of PartnerGraph, the anchors (highest betweenness), and the links among
// them; Total* speak of the whole network.
type Graph struct {
	Nodes []GraphNode `json:"nodes"`
	Edges []GraphEdge `json:"edges"`
	// Sampled reports that betweenness was estimated from sampled pivots
	// (networks above 20,000 projects, see betweennessSources) rather than computed exactly.
	Sampled bool `json:"sampled"`
	// TotalNodes and TotalEdges are the whole network's projects and links.
	TotalNodes int `json:"total_nodes"`
	TotalEdges int `json:"total_edges"`
	// Hubs is the number of hub organisations (more than NetworkHubProjects
	// projects in scope), which link no projects.
	Hubs int `json:"hubs"`
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

// NetworkHubProjects bounds the shared-partner network. An organisation
// taking part in more projects of the scope than this is a hub (a funder, a
// regional agency, a large utility): sharing it says little about two
// projects working together, and it alone would link k(k−1)/2 pairs — one
// organisation in 100,000 projects is five billion links, which took a
// million-project portfolio to 23 GB. Hubs therefore link no projects in
// the network (C16–C19); they are counted (C16 hubs, hub_share) and drawn
// in the organisation network with everyone else. Below the cap the
// network is exactly the shared-partner projection, so every link is one a
// reader can explain, and the work is at most NetworkHubProjects per
// membership.
const NetworkHubProjects = 100

// PartnerGraph returns the part of e's shared-partner network a chart can
// show: every project when there are at most limit, else the limit
// projects of highest betweenness (ties by ext_ref), in ext_ref order, and
// the links among them, each with the organisations the pair shares. It
// shares e's memo with C16–C19, so a page computing both pays for the
// network once.
func PartnerGraph(ctx context.Context, e *Env, limit int) (*Graph, error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, err
	}
	bc, err := betweennessOf(ctx, e)
	if err != nil {
		return nil, err
	}
	keep := make([]int32, 0, min(limit, len(pg.nodes)))
	if len(pg.nodes) <= limit {
		for i := range pg.nodes {
			keep = append(keep, int32(i))
		}
	} else {
		order := pg.byBetweenness(bc)
		for _, i := range order[:limit] {
			keep = append(keep, int32(i))
		}
		slices.Sort(keep) // nodes are in ext_ref order
	}
	out := &Graph{Nodes: make([]GraphNode, len(keep)), Sampled: bc.sampled,
		TotalNodes: len(pg.nodes), TotalEdges: pg.edges, Hubs: pg.hubs}
	titles, err := pg.titles(ctx, e, keep)
	if err != nil {
		return nil, err
	}
	kept := make([]bool, len(pg.nodes))
	for k, i := range keep {
		kept[i] = true
		nd := pg.nodes[i]
		out.Nodes[k] = GraphNode{Ref: nd.ref, Title: titles[nd.ref], Level: nd.level, Betweenness: bc.values[i]}
	}
	// Links in node order (a < b), as the view has always listed them.
	ls := pg.newLinker()
	for _, a := range keep {
		row := ls.neighbours(int(a))
		slices.SortFunc(row, func(x, y link) int { return int(x.to) - int(y.to) })
		for _, l := range row {
			if l.to > a && kept[l.to] {
				out.Edges = append(out.Edges, GraphEdge{Source: pg.nodes[a].ref, Target: pg.nodes[l.to].ref, Weight: int64(l.shared)})
			}
		}
	}
	return out, nil
}

// byBetweenness returns the node indices by decreasing betweenness, ties
// by ext_ref (the anchors of C17 and of the view).
func (pg *partnerGraph) byBetweenness(bc *betweenness) []int {
	order := make([]int, len(pg.nodes))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(bc.values[b], bc.values[a]); c != 0 {
			return c
		}
		return cmp.Compare(pg.nodes[a].ref, pg.nodes[b].ref)
	})
	return order
}

// netNode is one project of a network; its index in partnerGraph.nodes is
// its node index. Titles are read only for the nodes shown (titles): at a
// million projects they were a hundred megabytes.
type netNode struct {
	id    int64 // project.id
	ref   string
	level string
}

// titles reads the titles of the nodes idx (queries/c16_titles.sql), by
// ext_ref.
func (pg *partnerGraph) titles(ctx context.Context, e *Env, idx []int32) (map[string]string, error) {
	refs := make([]string, len(idx))
	for k, i := range idx {
		refs[k] = pg.nodes[i].ref
	}
	out := make(map[string]string, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	rows, err := e.Query(ctx, "c16_titles", refs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ref, title string
		if err := rows.Scan(&ref, &title); err != nil {
			return nil, fmt.Errorf("metrics: scan c16_titles: %w", err)
		}
		out[ref] = title
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: c16_titles: %w", err)
	}
	return out, nil
}

// partnerGraph is the shared-partner network (C16) of one Env, kept as the
// bipartite project–organisation memberships it is made of, never as its
// list of links: a portfolio of a million projects has tens of millions of
// links, while its memberships are a few million. The links are walked
// when needed (linker), each node's from its organisations' members.
//
// orgs and all hold every organisation with a project in scope; members
// and orgsOf only those that link (at most hubMax projects), which C16,
// C17's betweenness and C19 read. Pairs sharing m ≥ 2 linking
// organisations are listed in multi (with their m in multiShared) for the
// betweenness.
type partnerGraph struct {
	nodes       []netNode // every project in scope, by ext_ref
	orgs        []int64   // organisation.id of each row of all
	all         csr       // organisation → nodes, every organisation in scope
	members     csr       // linking organisation → nodes, ascending
	orgsOf      csr       // node → linking organisations (dense indices), ascending
	degree      []int32   // neighbours of each node
	multi       csr       // node → neighbours sharing ≥ 2 organisations
	multiShared []int32   // parallel to multi.items
	edges       int       // links (unordered pairs)
	hubs        int       // organisations above hubMax
	hubProjects int       // projects with at least one hub organisation
}

// partnerGraphOf loads the shared-partner network of e's scope once per Env:
// the nodes from queries/c16_nodes.sql (every project in scope, isolated
// ones included) and the memberships from queries/c16_members.sql. The
// pairs are walked here rather than built in a DuckDB self-join: the join
// emitted millions of rows that then had to cross the driver one by one,
// while the memberships are a few per project.
func partnerGraphOf(ctx context.Context, e *Env) (*partnerGraph, error) {
	return once(e, "partner-graph", func() (*partnerGraph, error) {
		pg := &partnerGraph{}
		rows, err := e.Query(ctx, "c16_nodes")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var nd netNode
			var level *string
			if err := rows.Scan(&nd.id, &nd.ref, &level); err != nil {
				rows.Close()
				return nil, fmt.Errorf("metrics: scan c16_nodes: %w", err)
			}
			if level != nil {
				nd.level = *level
			}
			pg.nodes = append(pg.nodes, nd)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("metrics: c16_nodes: %w", err)
		}
		orgs, members, err := netLoadMembers(ctx, e, newNodeIndex(pg.nodes))
		if err != nil {
			return nil, err
		}
		pg.orgs = orgs
		pg.build(len(pg.nodes), members, NetworkHubProjects)
		return pg, nil
	})
}

// nodeIndex maps a project.id to its node index. Project ids come from a
// sequence, so those of a scope usually fill most of their range: then a
// slice over the range answers (a million lookups, one per membership,
// took 0.6 s of CPU in a map at a million projects); ids spread wider
// than four slots per node fall back to a map.
type nodeIndex struct {
	min   int64
	dense []int32 // by id − min: node index, −1 none
	ids   map[int64]int32
}

func newNodeIndex(nodes []netNode) nodeIndex {
	if len(nodes) == 0 {
		return nodeIndex{}
	}
	lo, hi := nodes[0].id, nodes[0].id
	for _, nd := range nodes {
		lo, hi = min(lo, nd.id), max(hi, nd.id)
	}
	if span := hi - lo + 1; span <= 4*int64(len(nodes))+1024 {
		x := nodeIndex{min: lo, dense: make([]int32, span)}
		for i := range x.dense {
			x.dense[i] = -1
		}
		for i, nd := range nodes {
			x.dense[nd.id-lo] = int32(i)
		}
		return x
	}
	x := nodeIndex{ids: make(map[int64]int32, len(nodes))}
	for i, nd := range nodes {
		x.ids[nd.id] = int32(i)
	}
	return x
}

// of returns the node index of the project id, if it is a node.
func (x nodeIndex) of(id int64) (int32, bool) {
	if x.ids != nil {
		i, ok := x.ids[id]
		return i, ok
	}
	if id < x.min || id-x.min >= int64(len(x.dense)) {
		return 0, false
	}
	i := x.dense[id-x.min]
	return i, i >= 0
}

// netLoadMembers reads queries/c16_members.sql (organisation, project) in
// organisation order and returns the organisations with at least one
// project in scope and, per organisation, its nodes in ascending order.
func netLoadMembers(ctx context.Context, e *Env, index nodeIndex) ([]int64, csr, error) {
	rows, err := e.Query(ctx, "c16_members")
	if err != nil {
		return nil, csr{}, err
	}
	defer rows.Close()
	m := csr{start: []int{0}}
	var orgs []int64
	for rows.Next() {
		var org, project int64
		if err := rows.Scan(&org, &project); err != nil {
			return nil, csr{}, fmt.Errorf("metrics: scan c16_members: %w", err)
		}
		i, ok := index.of(project)
		if !ok {
			continue // both queries read the same scope; a miss would be a defect, not data
		}
		if len(orgs) == 0 || org != orgs[len(orgs)-1] {
			if len(orgs) > 0 {
				m.start = append(m.start, len(m.items))
			}
			orgs = append(orgs, org)
		}
		m.items = append(m.items, i)
	}
	if err := rows.Err(); err != nil {
		return nil, csr{}, fmt.Errorf("metrics: c16_members: %w", err)
	}
	if len(m.items) > 0 {
		m.start = append(m.start, len(m.items))
	}
	for o := range m.rows() {
		slices.Sort(m.row(o))
	}
	return orgs, m, nil
}

// build fills the graph of n nodes from every organisation's member list:
// the organisations of more than hubMax members are hubs and left out of
// the links; orgsOf is the transpose of the others; then one walk of every
// node's neighbours counts the degrees and the links and lists the pairs
// sharing several organisations.
func (pg *partnerGraph) build(n int, all csr, hubMax int) {
	pg.all = all
	pg.members = csr{start: []int{0}}
	inHub := make([]bool, n)
	for o := range all.rows() {
		row := all.row(o)
		if len(row) > hubMax {
			pg.hubs++
			for _, v := range row {
				inHub[v] = true
			}
			continue
		}
		pg.members.items = append(pg.members.items, row...)
		pg.members.start = append(pg.members.start, len(pg.members.items))
	}
	for _, h := range inHub {
		if h {
			pg.hubProjects++
		}
	}
	pg.orgsOf = csrTranspose(pg.members, n)
	pg.degree = make([]int32, n)
	pg.multi = csr{start: make([]int, n+1)}
	ls := pg.newLinker()
	total := 0
	for v := range n {
		row := ls.neighbours(v)
		pg.degree[v] = int32(len(row))
		total += len(row)
		pg.multi.start[v] = len(pg.multi.items)
		for _, l := range row {
			if l.shared > 1 {
				pg.multi.items = append(pg.multi.items, l.to)
				pg.multiShared = append(pg.multiShared, l.shared)
			}
		}
	}
	pg.multi.start[n] = len(pg.multi.items)
	pg.edges = total / 2
}

// link is one neighbour of a node and the organisations they share.
type link struct{ to, shared int32 }

// linker walks the links of pg one node at a time, deduplicating a node's
// neighbours with a marker array (mark[w] = v+1 once w is a neighbour of
// v), so that no list of links is ever stored: a walk of every node costs
// the sum over organisations of their squared sizes, bounded by the hub
// cap.
type linker struct {
	pg   *partnerGraph
	mark []int32
	at   []int32
	row  []link
}

func (pg *partnerGraph) newLinker() *linker {
	return &linker{pg: pg, mark: make([]int32, len(pg.nodes)), at: make([]int32, len(pg.nodes))}
}

// neighbours returns v's neighbours in the order its organisations (then
// their members, ascending) reach them; the slice is reused by the next
// call.
func (ls *linker) neighbours(v int) []link {
	ls.row = ls.row[:0]
	for _, o := range ls.pg.orgsOf.row(v) {
		for _, w := range ls.pg.members.row(int(o)) {
			switch {
			case int(w) == v:
			case ls.mark[w] != int32(v+1):
				ls.mark[w], ls.at[w] = int32(v+1), int32(len(ls.row))
				ls.row = append(ls.row, link{w, 1})
			default:
				ls.row[ls.at[w]].shared++
			}
		}
	}
	return ls.row
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
