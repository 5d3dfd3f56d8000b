package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"
)

// wgraphOf returns the wgraph (no self-loops, unit weights) and the gonum
// graph of n nodes and the given links.
func wgraphOf(n int, links [][2]int) (wgraph, *simple.UndirectedGraph) {
	gg := simple.NewUndirectedGraph()
	for i := range n {
		gg.AddNode(simple.Node(i))
	}
	ends := csr{start: louvainRowStarts(2 * len(links)), items: make([]int32, 2*len(links))}
	for i, l := range links {
		ends.items[2*i], ends.items[2*i+1] = int32(l[0]), int32(l[1])
		gg.SetEdge(gg.NewEdge(simple.Node(l[0]), simple.Node(l[1])))
	}
	byNode := csrTranspose(ends, n)
	g := wgraph{adj: csr{start: byNode.start, items: make([]int32, len(byNode.items))},
		w: make([]float64, len(byNode.items)), self: make([]float64, n)}
	for v := range n {
		lo, _ := byNode.bounds(v)
		for j, h := range byNode.row(v) {
			g.adj.items[lo+j], g.w[lo+j] = ends.items[h^1], 1
		}
	}
	return g, gg
}

// communitiesOf turns labels into gonum's communities.
func communitiesOf(labels []int32) [][]graph.Node {
	byLabel := map[int32][]graph.Node{}
	for i, l := range labels {
		byLabel[l] = append(byLabel[l], simple.Node(i))
	}
	var out [][]graph.Node
	for _, c := range byLabel {
		out = append(out, c)
	}
	return out
}

// plantedLinks links n nodes in groups of size: inside a group with
// probability pIn, across with pOut, from a fixed seed.
func plantedLinks(n, size int, pIn, pOut float64, seed uint64) [][2]int {
	r := rand.New(rand.NewPCG(seed, seed))
	var links [][2]int
	for a := range n {
		for b := a + 1; b < n; b++ {
			p := pOut
			if a/size == b/size {
				p = pIn
			}
			if r.Float64() < p {
				links = append(links, [2]int{a, b})
			}
		}
	}
	return links
}

// The modularity of a partition is gonum's community.Q, and Louvain here
// finds partitions as good as gonum's Modularize on graphs with a planted
// community structure and on noise.
func TestLouvainAgainstGonum(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		n, size       int
		pIn, pOut     float64
		seed          uint64
		wantPlantedAt float64 // Q must reach at least this
	}{
		{"planted", 120, 20, 0.5, 0.02, 1, 0.6},
		{"weak structure", 150, 30, 0.2, 0.05, 2, 0.2},
		{"noise", 100, 100, 0.05, 0.05, 3, 0.2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, gg := wgraphOf(tc.n, plantedLinks(tc.n, tc.size, tc.pIn, tc.pOut, tc.seed))
			labels := louvain(g)
			q := modularity(g, labels)
			if ref := community.Q(gg, communitiesOf(labels), 1); math.Abs(q-ref) > 1e-9 {
				t.Errorf("got Q %v, gonum's Q of the same partition %v", q, ref)
			}
			theirs := community.Q(gg, community.Modularize(gg, 1, rand.NewPCG(1, 1)).Communities(), 1)
			if q < theirs-0.02 || q < tc.wantPlantedAt {
				t.Errorf("got Q %.4f; gonum's Louvain finds %.4f; want at least %.2f", q, theirs, tc.wantPlantedAt)
			}
			if again := louvain(g); !slices.Equal(again, labels) {
				t.Error("a second run gave other labels")
			}
		})
	}
}

// Grouping projects by term set does not change the figures it reports:
// on random term sets with many repeats, the modularity of the grouped
// network's partition equals gonum's Q of the same partition of the network
// of single projects (each project in its group's community), and it is as
// good as gonum's Louvain on single projects.
func TestC18GroupsAreExact(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(18, 18))
	terms := []netTheme{{"challenge", "a"}, {"challenge", "b"}, {"lever", "x"}, {"lever", "y"}, {"lever", "z"}}
	var sets [][]netTheme
	for range 150 {
		var set []netTheme
		for _, t := range terms {
			if r.Float64() < 0.35 {
				set = append(set, t)
			}
		}
		if len(set) > 0 {
			sets = append(sets, set)
		}
	}
	// Groups by term set in order of first project, as c18_groups.sql
	// returns them (refs P000, P001, … sort like their numbers).
	var groups []netThemeGroup
	groupOf := make([]int, len(sets))
	key := map[string]int{}
	for p, set := range sets {
		k := fmt.Sprint(set)
		g, ok := key[k]
		if !ok {
			g = len(groups)
			key[k] = g
			groups = append(groups, netThemeGroup{terms: set, firstRef: fmt.Sprintf("P%03d", p)})
		}
		groups[g].projects++
		groupOf[p] = g
	}
	if len(groups) >= len(sets) {
		t.Fatal("the test needs repeated term sets")
	}
	grouped := netThemeGraph(groups)
	labels := louvain(grouped)
	q := modularity(grouped, labels)

	// The network of single projects, linked by Jaccard ≥ 0.5.
	jaccard := func(a, b []netTheme) float64 {
		inter := 0
		for _, x := range a {
			if slices.Contains(b, x) {
				inter++
			}
		}
		return float64(inter) / float64(len(a)+len(b)-inter)
	}
	var links [][2]int
	for a := range sets {
		for b := a + 1; b < len(sets); b++ {
			if jaccard(sets[a], sets[b]) >= 0.5 {
				links = append(links, [2]int{a, b})
			}
		}
	}
	_, gg := wgraphOf(len(sets), links)
	expanded := make([]int32, len(sets))
	for p, g := range groupOf {
		expanded[p] = labels[g]
	}
	if ref := community.Q(gg, communitiesOf(expanded), 1); math.Abs(q-ref) > 1e-9 {
		t.Errorf("got Q %v on groups, %v on single projects", q, ref)
	}
	theirs := community.Q(gg, community.Modularize(gg, 1, rand.NewPCG(1, 1)).Communities(), 1)
	if q < theirs-0.02 {
		t.Errorf("got Q %.4f; gonum's Louvain on single projects finds %.4f", q, theirs)
	}
}
