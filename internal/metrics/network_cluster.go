package metrics

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/graph/community"
)

// Thematic clusters (C18). The thematic network links two projects when the
// Jaccard similarity of their challenge ∪ lever term sets is at least
// netJaccardMin; the pairs come from queries/c18_edges.sql, which only compares
// projects sharing a term, so the cost follows the portfolio's overlap, not
// n². The network is unweighted (the threshold graph): a link is a link,
// whatever its similarity above 0.5. Communities come from gonum's Louvain
// (community.Modularize, resolution 1) with a fixed PCG source and
// ID-ordered iteration, so the same portfolio always gives the same
// clusters; Q is gonum's community.Q of that partition.
const (
	netJaccardMin      = 0.5 // $11 of c18_edges.sql
	netClusterSeed     = 0xC18
	netClusterTopTerms = 3 // terms naming a cluster
)

// networkC18 reports the thematic clusters. A cluster is a Louvain community
// of at least two projects: a project without a thematic link is its own
// community but no cluster. Every row's n is the number of projects.
// Clusters are numbered by size (largest first), ties by their first
// ext_ref; their top_terms are the netClusterTopTerms most frequent term codes
// among their members, ties in taxonomy order (challenges, then levers).
func networkC18(ctx context.Context, e *Env) ([]Value, error) {
	pg, err := partnerGraphOf(ctx, e) // the same node set: every project in scope
	if err != nil {
		return nil, err
	}
	n := len(pg.nodes)
	nn := int64(n)
	if n == 0 {
		return []Value{
			null("C18", 0, "measure", "clusters"),
			null("C18", 0, "measure", "modularity"),
			null("C18", 0, "measure", "largest_cluster_share"),
		}, nil
	}
	edges, err := netLoadEdges(ctx, e, "c18_edges", pg.index, netJaccardMin)
	if err != nil {
		return nil, err
	}
	for i := range edges {
		edges[i].w = 1 // the threshold graph is unweighted
	}
	if len(edges) == 0 {
		return []Value{
			val("C18", 0, nn, "measure", "clusters"),
			null("C18", nn, "measure", "modularity"), // Q is undefined without edges
			val("C18", 0, nn, "measure", "largest_cluster_share"),
		}, nil
	}
	terms, err := netProjectThemes(ctx, e, pg.index)
	if err != nil {
		return nil, err
	}
	g := newOrderedGraph(n, edges)
	communities := community.Modularize(g, 1, rand.NewPCG(netClusterSeed, netClusterSeed)).Communities()
	q := community.Q(g, communities, 1)

	var clusters [][]int
	for _, c := range communities {
		if len(c) < 2 {
			continue
		}
		members := make([]int, len(c))
		for i, nd := range c {
			members[i] = int(nd.ID())
		}
		slices.SortFunc(members, func(a, b int) int { return cmp.Compare(pg.nodes[a].ref, pg.nodes[b].ref) })
		clusters = append(clusters, members)
	}
	slices.SortFunc(clusters, func(a, b []int) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return cmp.Compare(pg.nodes[a[0]].ref, pg.nodes[b[0]].ref)
	})
	largest := 0
	if len(clusters) > 0 {
		largest = len(clusters[0])
	}
	out := []Value{
		val("C18", float64(len(clusters)), nn, "measure", "clusters"),
		val("C18", q, nn, "measure", "modularity"),
		val("C18", float64(largest)/float64(n), nn, "measure", "largest_cluster_share"),
	}
	rank := netThemeRank(e)
	for i, members := range clusters {
		out = append(out, val("C18", float64(len(members)), nn,
			"cluster", strconv.Itoa(i+1), "measure", "size", "top_terms", netTopTerms(members, terms, rank)))
	}
	return out, nil
}

// netTheme is one challenge or lever term of a project.
type netTheme struct{ scheme, code string }

// netProjectThemes returns the challenge and lever terms of every node.
func netProjectThemes(ctx context.Context, e *Env, index map[int64]int) (map[int][]netTheme, error) {
	rows, err := e.Query(ctx, "c18_terms")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int][]netTheme{}
	for rows.Next() {
		var id int64
		var t netTheme
		if err := rows.Scan(&id, &t.scheme, &t.code); err != nil {
			return nil, fmt.Errorf("metrics: scan c18_terms: %w", err)
		}
		if i, ok := index[id]; ok {
			out[i] = append(out[i], t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: c18_terms: %w", err)
	}
	return out, nil
}

// netThemeRank orders terms as the taxonomy lists them: challenges, then
// levers, each in document order.
func netThemeRank(e *Env) map[netTheme]int {
	rank := map[netTheme]int{}
	for _, code := range []string{"challenge", "lever"} {
		if s := e.Mission.Scheme(code); s != nil {
			for _, t := range s.Terms {
				rank[netTheme{code, t.Code}] = len(rank)
			}
		}
	}
	return rank
}

// netTopTerms names a cluster by its most frequent terms, comma-separated codes.
func netTopTerms(members []int, terms map[int][]netTheme, rank map[netTheme]int) string {
	count := map[netTheme]int{}
	for _, m := range members {
		for _, t := range terms[m] {
			count[t]++
		}
	}
	ts := make([]netTheme, 0, len(count))
	for t := range count {
		ts = append(ts, t)
	}
	rankOf := func(t netTheme) int {
		if r, ok := rank[t]; ok {
			return r
		}
		return len(rank) // unknown to the taxonomy: last, then by name
	}
	slices.SortFunc(ts, func(a, b netTheme) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		if c := cmp.Compare(rankOf(a), rankOf(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.scheme+"/"+a.code, b.scheme+"/"+b.code)
	})
	codes := make([]string, 0, netClusterTopTerms)
	for _, t := range ts[:min(netClusterTopTerms, len(ts))] {
		codes = append(codes, t.code)
	}
	return strings.Join(codes, ",")
}
