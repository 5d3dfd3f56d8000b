package metrics

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
)

// Betweenness (C17) is computed on the unweighted shared-partner network:
// a shortest path is the one with the fewest hops, whatever the number of
// organisations two projects share, with Brandes' algorithm (O(n·m)). Up to
// exactBetweennessMax nodes every node is a source, which is exact; above,
// betweennessPivots sources drawn with a fixed seed estimate it (Brandes &
// Pich 2007), the same answer on every run.
//
// Gonum's network.Betweenness is the reference the tests check against, but
// not what runs: it keeps its state in maps and took about 2 s at 2,000
// nodes and 15 s at 5,000 (random graphs of mean degree 10, two cores),
// where the slice-based implementation here takes about 2 s at 5,000 nodes
// with every node a pivot and under a second at 30,000 with 500 pivots.
const (
	exactBetweennessMax = 20000
	betweennessPivots   = 500
	betweennessSeed     = 0xBE617A
	// betweennessChunks is the fixed number of partial sums the pivots are
	// split into; fixing it (rather than using GOMAXPROCS) keeps the
	// floating-point summation order, hence the figures, machine-independent.
	betweennessChunks = 8
)

// betweenness holds the normalised betweenness of every node of the
// shared-partner network.
type betweenness struct {
	values  []float64 // by node index, in [0, 1]
	sampled bool
}

// betweennessOf computes the normalised betweenness of e's shared-partner
// network once per Env.
func betweennessOf(ctx context.Context, e *Env) (*betweenness, error) {
	return once(e, "partner-betweenness", func() (*betweenness, error) {
		pg, err := partnerGraphOf(ctx, e)
		if err != nil {
			return nil, err
		}
		return normalisedBetweenness(ctx, pg.g, exactBetweennessMax, betweennessPivots, betweennessSeed)
	})
}

// normalisedBetweenness returns the betweenness of every node of g divided by
// (n−1)(n−2)/2, the number of pairs of other nodes in an undirected graph;
// exact up to exactMax nodes, estimated from pivots sources above. Both
// gonum and sampledBetweenness sum dependencies over every source, so each
// unordered pair {s, t} is counted twice (once from s, once from t): the raw
// sum is divided by (n−1)(n−2). With fewer than three nodes no node can lie
// between two others and every value is 0.
func normalisedBetweenness(ctx context.Context, g *orderedGraph, exactMax, pivots int, seed uint64) (*betweenness, error) {
	n := len(g.nodes)
	out := &betweenness{values: make([]float64, n)}
	if n < 3 {
		return out, nil
	}
	k := n // every node a source: exact
	if n > exactMax {
		k, out.sampled = pivots, true
	}
	raw, err := sampledBetweenness(ctx, g.adjacency(), k, seed)
	if err != nil {
		return nil, err
	}
	out.values = raw
	norm := float64(n-1) * float64(n-2)
	for i := range out.values {
		out.values[i] /= norm
	}
	return out, nil
}

// sampledBetweenness estimates the betweenness of every node of the
// unweighted undirected graph adj (neighbour lists by node index) with
// Brandes' algorithm run from k pivot sources drawn uniformly without
// replacement with a PCG generator seeded by seed, scaling the summed
// dependencies by n/k. Like gonum's network.Betweenness it returns the sum
// over sources (each unordered pair counted from both ends), so with k ≥ n
// (every node a pivot) it equals gonum's exact figure.
//
// Predecessors are not stored: while accumulating, the predecessors of w are
// its neighbours one hop closer to the source, which keeps memory at a few
// slices of n per worker. The pivots are split into betweennessChunks
// interleaved chunks run concurrently; each chunk sums into its own slice
// and the chunks are added in order, so the result does not depend on
// scheduling.
func sampledBetweenness(ctx context.Context, adj [][]int32, k int, seed uint64) ([]float64, error) {
	n := len(adj)
	out := make([]float64, n)
	if n == 0 || k <= 0 {
		return out, nil
	}
	var pivots []int
	if k >= n {
		pivots = make([]int, n)
		for i := range pivots {
			pivots[i] = i
		}
	} else {
		r := rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
		pivots = r.Perm(n)[:k]
		slices.Sort(pivots)
	}
	chunks := min(betweennessChunks, len(pivots))
	partial := make([][]float64, chunks)
	errs := make([]error, chunks)
	var wg sync.WaitGroup
	for c := range chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			partial[c], errs[c] = brandesChunk(ctx, adj, pivots, c, chunks)
		}()
	}
	wg.Wait()
	for c := range chunks {
		if errs[c] != nil {
			return nil, errs[c]
		}
		for i, v := range partial[c] {
			out[i] += v
		}
	}
	scale := float64(n) / float64(len(pivots))
	for i := range out {
		out[i] *= scale
	}
	return out, nil
}

// brandesChunk sums the dependencies of every node on the sources
// pivots[c], pivots[c+stride], … (Brandes 2001, unweighted case).
func brandesChunk(ctx context.Context, adj [][]int32, pivots []int, c, stride int) ([]float64, error) {
	n := len(adj)
	var (
		sum   = make([]float64, n)
		sigma = make([]float64, n) // shortest paths from the source
		delta = make([]float64, n) // dependency of the source on the node
		dist  = make([]int32, n)
		queue = make([]int32, 0, n) // BFS order: non-decreasing distance
	)
	for i := range dist {
		dist[i] = -1
	}
	for p := c; p < len(pivots); p += stride {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s := int32(pivots[p])
		dist[s], sigma[s] = 0, 1
		queue = append(queue[:0], s)
		for head := 0; head < len(queue); head++ {
			v := queue[head]
			for _, w := range adj[v] {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					queue = append(queue, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
				}
			}
		}
		for i := len(queue) - 1; i > 0; i-- { // queue[0] is the source: it is not between anything
			w := queue[i]
			coeff := (1 + delta[w]) / sigma[w]
			for _, v := range adj[w] {
				if dist[v] == dist[w]-1 {
					delta[v] += sigma[v] * coeff
				}
			}
			sum[w] += delta[w]
		}
		for _, v := range queue { // reset only what this source touched
			dist[v], sigma[v], delta[v] = -1, 0, 0
		}
	}
	return sum, nil
}
