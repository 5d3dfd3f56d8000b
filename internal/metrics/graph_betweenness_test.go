package metrics

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/graph/network"
)

// netRandomGraph returns a graph of n nodes and about n·deg/2 random edges
// (duplicates and loops dropped), from a fixed seed.
func netRandomGraph(n, deg int, seed uint64) *orderedGraph {
	r := rand.New(rand.NewPCG(seed, seed))
	seen := map[[2]int]bool{}
	var edges []netEdge
	for range n * deg / 2 {
		a, b := r.IntN(n), r.IntN(n)
		if a == b {
			continue
		}
		if a > b {
			a, b = b, a
		}
		if seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		edges = append(edges, netEdge{a: a, b: b, w: 1})
	}
	return newOrderedGraph(n, edges)
}

// Sampling every node as a pivot is Brandes' exact algorithm: it must agree
// with gonum's network.Betweenness (up to floating-point summation order),
// on a connected-ish random graph and on one with many components.
func TestBetweennessSampledAllPivotsIsExact(t *testing.T) {
	for _, tc := range []struct {
		name   string
		n, deg int
	}{
		{"dense", 60, 6},
		{"sparse with components", 80, 1},
		{"path", 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := netRandomGraph(tc.n, tc.deg, 7)
			exact := network.Betweenness(g)
			got, err := sampledBetweenness(context.Background(), g.adjacency(), tc.n, 1)
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

// normalisedBetweenness takes the sampled branch above exactMax; with as
// many pivots as nodes it must give the exact normalised figures.
func TestBetweennessNormalisedSampledBranch(t *testing.T) {
	g := netRandomGraph(50, 4, 3)
	exact, err := normalisedBetweenness(context.Background(), g, 1000, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	sampled, err := normalisedBetweenness(context.Background(), g, 10, 50, 99)
	if err != nil {
		t.Fatal(err)
	}
	if exact.sampled || !sampled.sampled {
		t.Fatalf("got sampled flags %v, %v; want false, true", exact.sampled, sampled.sampled)
	}
	for i := range exact.values {
		if math.Abs(exact.values[i]-sampled.values[i]) > 1e-12 {
			t.Errorf("node %d: got %v, want %v", i, sampled.values[i], exact.values[i])
		}
		if exact.values[i] < 0 || exact.values[i] > 1 {
			t.Errorf("node %d: normalised betweenness %v outside [0, 1]", i, exact.values[i])
		}
	}
}

// With fewer pivots than nodes the estimate is reproducible (fixed seed,
// fixed chunking) and close to the exact figure for the central nodes.
func TestBetweennessSampledDeterministic(t *testing.T) {
	g := netRandomGraph(400, 6, 11)
	adj := g.adjacency()
	a, err := sampledBetweenness(context.Background(), adj, 200, betweennessSeed)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sampledBetweenness(context.Background(), adj, 200, betweennessSeed)
	exact := network.Betweenness(g)
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
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sampledBetweenness(ctx, netRandomGraph(100, 4, 1).adjacency(), 50, 1); err == nil {
		t.Error("got no error from a cancelled context")
	}
}

// BenchmarkBetweennessSampled times C17's sampled branch: a 30,000-node
// random graph of mean degree about 10, 500 pivots.
func BenchmarkBetweennessSampled(b *testing.B) {
	g := netRandomGraph(30000, 10, 42)
	adj := g.adjacency()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := sampledBetweenness(context.Background(), adj, betweennessPivots, betweennessSeed); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/op")
}
