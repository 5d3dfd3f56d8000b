package metrics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Thematic clusters (C18). The thematic network links two projects when the
// Jaccard similarity of their challenge ∪ lever term sets is at least
// netJaccardMin. The network is unweighted (the threshold graph): a link is
// a link, whatever its similarity above 0.5. Communities come from Louvain
// (network_louvain.go, resolution 1) and Q is the modularity of that
// partition.
//
// Projects with the same term set have similarity 1, so they are all linked
// to each other and to the same other projects: a portfolio of 70,000
// projects over a few dozen terms has only a few thousand distinct term
// sets, but hundreds of projects share each, and the links between single
// projects ran to tens of millions (C18 never finished on the benchmark).
// Each term set is therefore one node of the network Louvain sees, weighted
// so that modularity is exactly that of the project network: a group of s
// projects carries the s(s−1)/2 links among them as a self-loop, and two
// linked groups of s and t projects a link of weight s·t. The only
// difference from Louvain on single projects is that projects with the
// same term set always end up in the same cluster — which the definition
// states — and on portfolios whose projects all have distinct term sets
// nothing changes at all.
const (
	netJaccardMin      = 0.5
	netClusterTopTerms = 3 // terms naming a cluster
)

// netTheme is one challenge or lever term of a project.
type netTheme struct{ scheme, code string }

// netThemeGroup is the projects in scope sharing one challenge ∪ lever term
// set (queries/c18_groups.sql).
type netThemeGroup struct {
	terms    []netTheme // sorted by scheme, code
	projects int
	firstRef string // the smallest ext_ref among them
}

// themeClusters is the Louvain partition of one Env's thematic network.
type themeClusters struct {
	n        int     // projects in scope
	linked   bool    // the network has links (else Q is undefined)
	q        float64 // modularity
	clusters []themeCluster
	// ofSet numbers each term set (by netSetKey) with its cluster, 1 for
	// the largest; sets in no cluster are absent.
	ofSet map[string]int
}

// themeCluster is one community of at least two projects.
type themeCluster struct {
	groups   []netThemeGroup
	size     int
	firstRef string
	topTerms []netTheme
}

// themeClustersOf computes the thematic clusters of e's scope once per Env
// (C18 and the network view share them). A cluster is a Louvain community
// of at least two projects: a project without a thematic link is its own
// community but no cluster. Clusters are numbered by size (largest first),
// ties by their first ext_ref.
func themeClustersOf(ctx context.Context, e *Env) (*themeClusters, error) {
	return once(e, "theme-clusters", func() (*themeClusters, error) {
		groups, n, err := netThemeGroups(ctx, e)
		if err != nil {
			return nil, err
		}
		tc := &themeClusters{n: n, ofSet: map[string]int{}}
		if n == 0 {
			return tc, nil
		}
		g := netThemeGraph(groups)
		if _, m2 := g.strengths(); m2 == 0 {
			return tc, nil
		}
		tc.linked = true
		labels := louvain(g)
		tc.q = modularity(g, labels)
		byLabel := map[int32][]netThemeGroup{}
		for i, l := range labels {
			byLabel[l] = append(byLabel[l], groups[i])
		}
		for _, gs := range byLabel {
			c := themeCluster{groups: gs, firstRef: gs[0].firstRef}
			for _, g := range gs {
				c.size += g.projects
				c.firstRef = min(c.firstRef, g.firstRef)
			}
			if c.size >= 2 {
				tc.clusters = append(tc.clusters, c)
			}
		}
		slices.SortFunc(tc.clusters, func(a, b themeCluster) int {
			if c := cmp.Compare(b.size, a.size); c != 0 {
				return c
			}
			return cmp.Compare(a.firstRef, b.firstRef)
		})
		rank := netThemeRank(e)
		for i := range tc.clusters {
			c := &tc.clusters[i]
			c.topTerms = netTopTerms(c.groups, rank)
			for _, g := range c.groups {
				tc.ofSet[netSetKey(g.terms)] = i + 1
			}
		}
		return tc, nil
	})
}

// networkC18 reports the thematic clusters: their number, Q, the largest
// one's share and each one's size and most frequent terms (top_terms, the
// netClusterTopTerms most frequent term codes among its members, ties in
// taxonomy order: challenges, then levers). Every row's n is the number of
// projects.
func networkC18(ctx context.Context, e *Env) ([]Value, error) {
	tc, err := themeClustersOf(ctx, e)
	if err != nil {
		return nil, err
	}
	n := tc.n
	nn := int64(n)
	if n == 0 {
		return []Value{
			null("C18", 0, "measure", "clusters"),
			null("C18", 0, "measure", "modularity"),
			null("C18", 0, "measure", "largest_cluster_share"),
		}, nil
	}
	if !tc.linked {
		return []Value{
			val("C18", 0, nn, "measure", "clusters"),
			null("C18", nn, "measure", "modularity"), // Q is undefined without links
			val("C18", 0, nn, "measure", "largest_cluster_share"),
		}, nil
	}
	largest := 0
	if len(tc.clusters) > 0 {
		largest = tc.clusters[0].size
	}
	out := []Value{
		val("C18", float64(len(tc.clusters)), nn, "measure", "clusters"),
		val("C18", tc.q, nn, "measure", "modularity"),
		val("C18", float64(largest)/float64(n), nn, "measure", "largest_cluster_share"),
	}
	for i, c := range tc.clusters {
		codes := make([]string, len(c.topTerms))
		for k, t := range c.topTerms {
			codes[k] = t.code
		}
		out = append(out, val("C18", float64(c.size), nn,
			"cluster", strconv.Itoa(i+1), "measure", "size", "top_terms", strings.Join(codes, ",")))
	}
	return out, nil
}

// Cluster is one thematic cluster (C18) as the network view names it.
type Cluster struct {
	Number int // 1 for the largest
	Size   int // projects
	// Terms are its most frequent terms, as (scheme, code) pairs.
	Terms [][2]string
}

// ThemeClusters returns the thematic clusters (C18) of e's scope, largest
// first, and the cluster number of each project of refs that is in one
// (projects in no cluster are absent). It shares C18's memo.
func ThemeClusters(ctx context.Context, e *Env, refs []string) ([]Cluster, map[string]int, error) {
	tc, err := themeClustersOf(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Cluster, len(tc.clusters))
	for i, c := range tc.clusters {
		out[i] = Cluster{Number: i + 1, Size: c.size}
		for _, t := range c.topTerms {
			out[i].Terms = append(out[i].Terms, [2]string{t.scheme, t.code})
		}
	}
	of := map[string]int{}
	if len(tc.clusters) == 0 || len(refs) == 0 {
		return out, of, nil
	}
	rows, err := e.Query(ctx, "c18_project_sets", refs)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ref string
		var schemes, codes any
		if err := rows.Scan(&ref, &schemes, &codes); err != nil {
			return nil, nil, fmt.Errorf("metrics: scan c18_project_sets: %w", err)
		}
		ss, _ := schemes.([]any)
		cs, _ := codes.([]any)
		terms := make([]netTheme, min(len(ss), len(cs)))
		for i := range terms {
			terms[i].scheme, _ = ss[i].(string)
			terms[i].code, _ = cs[i].(string)
		}
		if c := tc.ofSet[netSetKey(terms)]; c > 0 {
			of[ref] = c
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("metrics: c18_project_sets: %w", err)
	}
	return out, of, nil
}

// netSetKey names a term set (sorted by scheme, code, as the queries list
// them) as one string.
func netSetKey(terms []netTheme) string {
	var b strings.Builder
	for _, t := range terms {
		b.WriteString(t.scheme)
		b.WriteByte(0)
		b.WriteString(t.code)
		b.WriteByte(1)
	}
	return b.String()
}

// netThemeGroups runs queries/c18_groups.sql: the term-set groups in order
// of their first ext_ref, and the number of projects in scope (the row
// without terms).
func netThemeGroups(ctx context.Context, e *Env) ([]netThemeGroup, int, error) {
	rows, err := e.Query(ctx, "c18_groups")
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var groups []netThemeGroup
	n := 0
	for rows.Next() {
		var schemes, codes any
		var projects int
		var first *string
		if err := rows.Scan(&schemes, &codes, &projects, &first); err != nil {
			return nil, 0, fmt.Errorf("metrics: scan c18_groups: %w", err)
		}
		if first == nil {
			n = projects
			continue
		}
		ss, _ := schemes.([]any)
		cs, _ := codes.([]any)
		if len(ss) != len(cs) || len(ss) == 0 {
			return nil, 0, fmt.Errorf("metrics: c18_groups: a term set of %d schemes and %d codes", len(ss), len(cs))
		}
		g := netThemeGroup{projects: projects, firstRef: *first, terms: make([]netTheme, len(ss))}
		for i := range ss {
			s, _ := ss[i].(string)
			c, _ := cs[i].(string)
			g.terms[i] = netTheme{s, c}
		}
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("metrics: c18_groups: %w", err)
	}
	return groups, n, nil
}

// netThemeGraph builds the weighted network of the groups: a group of s
// projects has the self-loop s(s−1) (its s(s−1)/2 links, counted from both
// ends), and two groups of s and t projects whose term sets have a Jaccard
// similarity of at least netJaccardMin are linked with weight s·t. Only
// groups sharing a term are compared, through an index of the groups by
// term.
func netThemeGraph(groups []netThemeGroup) wgraph {
	ids := map[netTheme]int32{}
	sets := make([][]int32, len(groups))
	for i, g := range groups {
		for _, t := range g.terms {
			id, ok := ids[t]
			if !ok {
				id = int32(len(ids))
				ids[t] = id
			}
			sets[i] = append(sets[i], id)
		}
	}
	byTerm := make([][]int32, len(ids))
	for i, set := range sets {
		for _, t := range set {
			byTerm[t] = append(byTerm[t], int32(i))
		}
	}
	n := len(groups)
	g := wgraph{self: make([]float64, n)}
	var links [][2]int32
	var weights []float64
	shared := make([]int32, n) // |A∩B| for the groups b touched from a
	var touched []int32
	for a := range n {
		s := float64(groups[a].projects)
		g.self[a] = s * (s - 1)
		touched = touched[:0]
		for _, t := range sets[a] {
			for _, b := range byTerm[t] {
				if int(b) <= a {
					continue
				}
				if shared[b] == 0 {
					touched = append(touched, b)
				}
				shared[b]++
			}
		}
		slices.Sort(touched)
		for _, b := range touched {
			inter := float64(shared[b])
			union := float64(len(sets[a])+len(sets[b])) - inter
			if inter >= netJaccardMin*union {
				links = append(links, [2]int32{int32(a), b})
				weights = append(weights, s*float64(groups[b].projects))
			}
			shared[b] = 0
		}
	}
	// Both directions of every link, by row.
	ends := csr{start: louvainRowStarts(2 * len(links)), items: make([]int32, 2*len(links))}
	for i, l := range links {
		ends.items[2*i], ends.items[2*i+1] = l[0], l[1]
	}
	byNode := csrTranspose(ends, n) // node → half-links (2i, 2i+1) it is an end of
	g.adj = csr{start: byNode.start, items: make([]int32, len(byNode.items))}
	g.w = make([]float64, len(byNode.items))
	for v := range n {
		lo, _ := byNode.bounds(v)
		for j, h := range byNode.row(v) {
			g.adj.items[lo+j] = ends.items[h^1] // the other end
			g.w[lo+j] = weights[h/2]
		}
	}
	return g
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

// netTopTerms names a cluster by its netClusterTopTerms most frequent
// terms among its projects.
func netTopTerms(groups []netThemeGroup, rank map[netTheme]int) []netTheme {
	count := map[netTheme]int{}
	for _, g := range groups {
		for _, t := range g.terms {
			count[t] += g.projects
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
	return ts[:min(netClusterTopTerms, len(ts))]
}
