package metrics

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// netRandomPartners returns the shared-partner network of n projects taking
// part in 1–4 of orgs organisations drawn with a skewed popularity (rank
// ⌊orgs·u²⌋, as the benchmark's generator does), from a fixed seed: popular
// organisations make dense neighbourhoods and pairs sharing several
// organisations, the case the betweenness corrects for.
func netRandomPartners(n, orgs int, seed uint64) *partnerGraph {
	return netPartners(n, orgs, 4, seed)
}

// netPartners is netRandomPartners with 1–most organisations drawn per
// project: most = 2 makes at least half the projects leaves (in one
// organisation), which the searches count rather than walk.
func netPartners(n, orgs, most int, seed uint64) *partnerGraph {
	r := rand.New(rand.NewPCG(seed, seed))
	rows := make([][]int32, orgs)
	for p := range n {
		seen := map[int]bool{}
		for range 1 + r.IntN(most) {
			u := r.Float64()
			o := int(float64(orgs) * u * u)
			if !seen[o] {
				seen[o] = true
				rows[o] = append(rows[o], int32(p))
			}
		}
	}
	members := csr{start: []int{0}}
	for _, row := range rows {
		if len(row) > 0 {
			members.items = append(members.items, row...)
			members.start = append(members.start, len(members.items))
		}
	}
	pg := &partnerGraph{nodes: make([]netNode, n)}
	pg.build(n, members, NetworkHubProjects)
	return pg
}

// netGonumGraph is pg's network as a gonum graph, the reference.
func netGonumGraph(pg *partnerGraph) *simple.UndirectedGraph {
	g := simple.NewUndirectedGraph()
	for i := range pg.nodes {
		g.AddNode(simple.Node(i))
	}
	ls := pg.newLinker()
	for a := range pg.nodes {
		for _, l := range ls.neighbours(a) {
			if int(l.to) > a {
				g.SetEdge(g.NewEdge(simple.Node(a), simple.Node(l.to)))
			}
		}
	}
	return g
}

// netLeaves counts pg's leaves: the nodes in exactly one linking
// organisation.
func netLeaves(pg *partnerGraph) int {
	leaves := 0
	for v := range pg.nodes {
		if len(pg.orgsOf.row(v)) == 1 {
			leaves++
		}
	}
	return leaves
}

// Sampling every node as a pivot is Brandes' exact algorithm: walking the
// organisations, with the correction for pairs sharing several and the
// leaves counted rather than walked, it must agree with gonum's
// network.Betweenness on the links (up to floating-point summation order),
// on dense networks with many multi-organisation pairs, on sparse ones
// with many components, and on networks where most projects are leaves
// (every leaf is a source once, and leaves hang off the deepest level).
func TestBetweennessSampledAllPivotsIsExact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		n, orgs, most int
		leafShare     float64 // at least this share of the nodes are leaves
	}{
		{"dense, few organisations", 60, 8, 4, 0},
		{"medium", 120, 60, 4, 0.1},
		{"sparse with components", 80, 300, 4, 0.1},
		{"pair", 2, 1, 4, 0},
		{"leaves, dense", 150, 20, 2, 0.4},
		{"leaves, sparse", 300, 200, 2, 0.5},
		{"only leaves", 100, 15, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := netPartners(tc.n, tc.orgs, tc.most, 7)
			if tc.n >= 60 && tc.orgs <= 60 && tc.most > 1 && len(pg.multi.items) == 0 {
				t.Fatal("the test network has no pair sharing two organisations")
			}
			if l := netLeaves(pg); float64(l) < tc.leafShare*float64(tc.n) {
				t.Fatalf("the test network has %d leaves of %d nodes, want at least %.0f%%", l, tc.n, 100*tc.leafShare)
			}
			exact := network.Betweenness(netGonumGraph(pg))
			got, err := sampledBetweenness(context.Background(), pg, tc.n, 1)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range got {
				if w := exact[int64(i)]; math.Abs(v-w) > 1e-9*math.Max(1, w) {
					t.Errorf("node %d: got %v, want %v", i, v, w)
				}
			}
		})
	}
}

// normalisedBetweenness is exact with a source per node and says it
// sampled with fewer; its values are normalised into [0, 1], and match
// gonum's exact figures divided by (n−1)(n−2).
func TestBetweennessNormalised(t *testing.T) {
	t.Parallel()
	g := netRandomPartners(50, 30, 3)
	exact, err := normalisedBetweenness(context.Background(), g, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	sampled, err := normalisedBetweenness(context.Background(), g, 49, 99)
	if err != nil {
		t.Fatal(err)
	}
	if exact.sampled || !sampled.sampled {
		t.Fatalf("got sampled flags %v, %v; want false, true", exact.sampled, sampled.sampled)
	}
	want := network.Betweenness(netGonumGraph(g))
	for i := range exact.values {
		if w := want[int64(i)] / (49 * 48); math.Abs(exact.values[i]-w) > 1e-12 {
			t.Errorf("node %d: got %v, want %v", i, exact.values[i], w)
		}
		if exact.values[i] < 0 || exact.values[i] > 1 {
			t.Errorf("node %d: normalised betweenness %v outside [0, 1]", i, exact.values[i])
		}
	}
}

// The number of sources: exact up to 20,000 nodes (the catalogue's
// definition), then 200 pivots (the 100,000-project benchmark keeps them),
// fewer as the memberships grow (sources × memberships within the budget),
// never fewer than the floor; the count depends on the network's size only.
func TestBetweennessSources(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		n, m int
		want int
	}{
		{"small: exact", 300, 700, 300},
		{"4,000 projects: exact", 4000, 9400, 4000},
		{"dense, under 20,000: exact", 19000, 3000000, 19000},
		{"20,000 projects: exact", 20000, 47133, 20000},
		{"20,001 projects: sampled", 20001, 47133, betweennessMaxPivots},
		{"100k benchmark", 70020, 166514, 200},
		{"between", 300000, 400000, 120},
		{"1M benchmark", 699902, 952168, 50},
		{"beyond: the floor", 3000000, 7000000, betweennessMinPivots},
		{"isolated nodes only", 50000, 0, 50000},
	} {
		got := betweennessSources(tc.n, tc.m)
		if got != tc.want {
			t.Errorf("%s: %d nodes, %d memberships: got %d sources, want %d", tc.name, tc.n, tc.m, got, tc.want)
		}
		if got < tc.n && got > betweennessMinPivots && got*tc.m > betweennessBudget {
			t.Errorf("%s: %d pivots × %d memberships exceed the budget %d", tc.name, got, tc.m, betweennessBudget)
		}
	}
}

// With fewer pivots than nodes the estimate is reproducible (fixed seed,
// fixed chunking) and close to the exact figure for the central nodes.
func TestBetweennessSampledDeterministic(t *testing.T) {
	t.Parallel()
	g := netRandomPartners(400, 300, 11)
	a, err := sampledBetweenness(context.Background(), g, 200, betweennessSeed)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sampledBetweenness(context.Background(), g, 200, betweennessSeed)
	exact := network.Betweenness(netGonumGraph(g))
	var top int64
	for id, v := range exact {
		if v > exact[top] {
			top = id
		}
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("node %d: got %v then %v", i, a[i], b[i])
		}
	}
	if w := exact[top]; math.Abs(a[top]-w) > 0.2*w {
		t.Errorf("top node %d: estimate %v too far from exact %v", top, a[top], w)
	}
}

func TestBetweennessSampledCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sampledBetweenness(ctx, netRandomPartners(100, 80, 1), 50, 1); err == nil {
		t.Error("got no error from a cancelled context")
	}
}

// BenchmarkBetweennessSampled times C17's sampled branch: 30,000 projects
// with 1–4 of 6,000 organisations each, betweennessMaxPivots pivots.
func BenchmarkBetweennessSampled(b *testing.B) {
	g := netRandomPartners(30000, 6000, 42)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := sampledBetweenness(context.Background(), g, betweennessMaxPivots, betweennessSeed); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/op")
}

// netReferenceBetweenness is Brandes' algorithm as the textbook gives it
// (Brandes 2001, unweighted), on the links of pg as adjacency lists, from
// the sources pivots, scaled by n/len(pivots): the straightforward
// reference for the searches through organisations.
func netReferenceBetweenness(pg *partnerGraph, pivots []int) []float64 {
	n := len(pg.nodes)
	adj := make([][]int32, n)
	ls := pg.newLinker()
	for v := range n {
		for _, l := range ls.neighbours(v) {
			adj[v] = append(adj[v], l.to)
		}
	}
	out := make([]float64, n)
	for _, s := range pivots {
		dist, sigma, delta := make([]int, n), make([]float64, n), make([]float64, n)
		for i := range dist {
			dist[i] = -1
		}
		dist[s], sigma[s] = 0, 1
		order := []int32{int32(s)}
		for head := 0; head < len(order); head++ {
			v := order[head]
			for _, w := range adj[v] {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					order = append(order, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
				}
			}
		}
		for i := len(order) - 1; i >= 0; i-- {
			w := order[i]
			for _, v := range adj[w] {
				if dist[v] == dist[w]-1 {
					delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
				}
			}
			if int(w) != s {
				out[w] += delta[w]
			}
		}
	}
	for i := range out {
		out[i] *= float64(n) / float64(len(pivots))
	}
	return out
}

// With fewer pivots than nodes (the branch every portfolio above 20,000
// projects takes), the searches through organisations must give, node by
// node, the scores of the textbook algorithm on the links from the same
// pivots: the seeded draw, sorted.
func TestBetweennessSampledMatchesReference(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n, orgs, k int
		seed       uint64
		most       int
	}{{300, 40, 37, 5, 4}, {500, 400, 60, betweennessSeed, 4}, {400, 600, 90, 9, 4}, {600, 150, 80, 13, 2}} {
		pg := netPartners(tc.n, tc.orgs, tc.most, tc.seed)
		r := rand.New(rand.NewPCG(tc.seed, tc.seed^0x9E3779B97F4A7C15))
		pivots := r.Perm(tc.n)[:tc.k]
		want := netReferenceBetweenness(pg, pivots)
		got, err := sampledBetweenness(context.Background(), pg, tc.k, tc.seed)
		if err != nil {
			t.Fatal(err)
		}
		nonzero := 0
		for i := range want {
			if want[i] > 0 {
				nonzero++
			}
			if math.Abs(got[i]-want[i]) > 1e-9*math.Max(1, want[i]) {
				t.Errorf("n=%d k=%d node %d: got %v, want %v", tc.n, tc.k, i, got[i], want[i])
			}
		}
		if nonzero < tc.n/10 {
			t.Errorf("n=%d: only %d nodes with a positive score: the test network is too thin", tc.n, nonzero)
		}
	}
}
