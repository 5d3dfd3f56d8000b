package metrics

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/begira/begira/internal/portfolio"
)

// networkMetrics: the shared-partner network (C16–C19).
//
// The networks are built in Go from what DuckDB returns — the
// project–organisation memberships (C16, graph.go) and the projects' term
// sets (C18, network_cluster.go) — as flat slices indexed by node, not as
// pairs generated in SQL: a portfolio of 100,000 projects has millions of
// linked pairs, which took seconds to cross the driver and to store in
// maps. The algorithms are written here for that layout: Brandes'
// betweenness over the memberships (graph_betweenness.go) and Louvain with
// self-loops (network_louvain.go); the tests check both against gonum's
// network.Betweenness and community.Q and Modularize.
func networkMetrics() []Metric {
	return []Metric{
		{
			Code:    "C16",
			Compute: networkC16,
		},
		{
			Code:    "C17",
			Compute: networkC17,
		},
		{
			Code:    "C18",
			Compute: networkC18,
		},
		{
			Code:    "C19",
			Compute: networkC19,
		},
	}
}

// networkC16 reports the shape of the shared-partner network. Counts (nodes,
// edges) are 0 on an empty portfolio; ratios are null when their
// denominator is 0 (density also when n < 2). Every row's n is the number
// of projects.
func networkC16(ctx context.Context, e *Env) ([]Value, error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, err
	}
	n := len(pg.nodes)
	nn := int64(n)
	edges := float64(pg.edges)
	isolated := 0
	for i := range n {
		if pg.degree[i] == 0 {
			isolated++
		}
	}
	giant := pg.largestComponent()
	ratio := func(measure string, num, den float64) Value {
		if den == 0 {
			return null("C16", nn, "measure", measure)
		}
		return val("C16", num/den, nn, "measure", measure)
	}
	return []Value{
		val("C16", float64(n), nn, "measure", "nodes"),
		val("C16", edges, nn, "measure", "edges"),
		ratio("density", 2*edges, float64(n)*float64(n-1)), // 0 when n < 2
		ratio("isolated_share", float64(isolated), float64(n)),
		ratio("giant_share", float64(giant), float64(n)),
		ratio("mean_degree", 2*edges, float64(n)),
		val("C16", float64(pg.hubs), nn, "measure", "hubs"),
		ratio("hub_share", float64(pg.hubProjects), float64(n)),
	}, nil
}

// networkAnchorTop is how many anchor projects C17 reports.
const networkAnchorTop = 10

// networkC17 reports the networkAnchorTop projects of highest betweenness,
// ranked by betweenness then ext_ref (so ties rank the same on every run).
// With fewer than three projects betweenness is undefined: one null row
// without a project.
func networkC17(ctx context.Context, e *Env) ([]Value, error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, err
	}
	n := len(pg.nodes)
	if n < 3 {
		return []Value{null("C17", int64(n))}, nil
	}
	bc, err := betweennessOf(ctx, e)
	if err != nil {
		return nil, err
	}
	order := pg.byBetweenness(bc)[:min(networkAnchorTop, n)]
	top := make([]int32, len(order))
	for k, i := range order {
		top[k] = int32(i)
	}
	titles, err := pg.titles(ctx, e, top)
	if err != nil {
		return nil, err
	}
	var out []Value
	for r, i := range order {
		out = append(out, val("C17", bc.values[i], int64(n),
			"project", pg.nodes[i].ref, "rank", strconv.Itoa(r+1), "title", titles[pg.nodes[i].ref]))
	}
	return out, nil
}

// linksByCategory counts pg's links by the categories of their two ends:
// out[i][j], i ≤ j, is the number of links between a node of category i−1
// and one of category j−1, cat[v] being in [−1, k) (−1 for none, row and
// column 0). The links are counted from the organisations, not walked: an
// organisation with c_x members of category x makes c_x·c_y links between
// x and y and c_x(c_x−1)/2 within x, and a pair sharing m organisations,
// counted m times so, is taken back m−1 times from the multi list. The
// cost is the memberships, where walking the links cost the sum of the
// organisations' squared sizes (29 million links at a million projects).
func (pg *partnerGraph) linksByCategory(cat []int, k int) [][]int {
	out := make([][]int, k+1)
	for i := range out {
		out[i] = make([]int, k+1)
	}
	count := make([]int, k+1)
	var seen []int
	for o := range pg.members.rows() {
		seen = seen[:0]
		for _, v := range pg.members.row(o) {
			x := cat[v] + 1
			if count[x] == 0 {
				seen = append(seen, x)
			}
			count[x]++
		}
		slices.Sort(seen)
		for a, x := range seen {
			out[x][x] += count[x] * (count[x] - 1) / 2
			for _, y := range seen[a+1:] {
				out[x][y] += count[x] * count[y]
			}
		}
		for _, x := range seen {
			count[x] = 0
		}
	}
	for a := range pg.nodes {
		first, end := pg.multi.bounds(a)
		for j := first; j < end; j++ {
			if b := int(pg.multi.items[j]); b > a {
				x, y := cat[a]+1, cat[b]+1
				out[min(x, y)][max(x, y)] -= int(pg.multiShared[j]) - 1
			}
		}
	}
	return out
}

// networkC19 reports how many shared-partner links cross levels of action.
// Links with an endpoint without a level are left out of cross_share (its n
// is the links kept) and counted as excluded_edges; the projects without a
// level are counted as untagged. The matrix lists every pair of active level
// terms (a ≤ b by ordinal), empty cells included; a link between levels no
// longer active counts in cross_share only.
func networkC19(ctx context.Context, e *Env) ([]Value, error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, err
	}
	scheme := e.Mission.Scheme("level")
	if scheme == nil {
		return []Value{null("C19", 0, "measure", "cross_share")}, nil
	}
	levels := scheme.ActiveTerms()
	slices.SortStableFunc(levels, func(a, b portfolio.Term) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
	pos := map[string]int{}
	for i, t := range levels {
		pos[t.Code] = i
	}
	untagged := 0
	for _, nd := range pg.nodes {
		if nd.level == "" {
			untagged++
		}
	}
	cells := make([][]int, len(levels))
	for i := range cells {
		cells[i] = make([]int, len(levels))
	}
	// Levels as small integers: −1 none, len(levels)+k for the k-th level
	// no longer active (it counts in cross_share only).
	lv := make([]int, len(pg.nodes))
	retired := map[string]int{}
	for i, nd := range pg.nodes {
		p, ok := pos[nd.level]
		switch {
		case nd.level == "":
			p = -1
		case !ok:
			if _, seen := retired[nd.level]; !seen {
				retired[nd.level] = len(levels) + len(retired)
			}
			p = retired[nd.level]
		}
		lv[i] = p
	}
	links := pg.linksByCategory(lv, len(levels)+len(retired))
	kept, cross, excluded := 0, 0, 0
	for i, row := range links {
		for j, c := range row[i:] {
			j += i
			switch {
			case i == 0: // no level
				excluded += c
			default:
				kept += c
				if i != j {
					cross += c
				}
				if i <= len(levels) && j <= len(levels) {
					cells[i-1][j-1] += c
				}
			}
		}
	}
	out := []Value{}
	if kept == 0 {
		out = append(out, null("C19", 0, "measure", "cross_share"))
	} else {
		out = append(out, val("C19", float64(cross)/float64(kept), int64(kept), "measure", "cross_share"))
	}
	out = append(out,
		val("C19", float64(untagged), int64(len(pg.nodes)), "measure", "untagged"),
		val("C19", float64(excluded), int64(pg.edges), "measure", "excluded_edges"))
	for i := range levels {
		for j := i; j < len(levels); j++ {
			out = append(out, val("C19", float64(cells[i][j]), int64(kept),
				"level_a", levels[i].Code, "level_b", levels[j].Code, "measure", "edges"))
		}
	}
	return out, nil
}
