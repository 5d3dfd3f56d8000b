package metrics

import (
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Betweenness (C17) is computed on the unweighted shared-partner network:
// a shortest path is the one with the fewest hops, whatever the number of
// organisations two projects share, with Brandes' algorithm. Up to
// exactBetweennessMax nodes every node is a source, which is exact (the
// catalogue's definition); above, pivot sources drawn with a fixed seed
// estimate it (Brandes & Pich 2007), the same answer on every run, as many
// as a work budget allows (see betweennessSources).
//
// The breadth-first searches walk the project–organisation memberships the
// network is made of, not its links: an organisation in k projects stands
// for k(k−1)/2 links but is crossed once per search, so a search costs the
// number of memberships (about 175,000 on the 70,000-project benchmark)
// rather than twice the links (4.7 million there). Counting shortest paths
// through organisations counts a pair that shares m organisations m times;
// those pairs (677 of 2.4 million links on the benchmark) are listed apart and the
// excess subtracted, so the figures are exactly those of Brandes on the
// links — the tests check them against gonum's network.Betweenness.
//
// Leaves are not walked. A project in exactly one organisation (about a
// quarter of the benchmark's) is never between two others: its neighbours
// are that organisation's other members, all linked to one another. It
// lies one hop beyond its organisation's level, with σ the organisation's
// forward sum, and on the way back hands 1/σ (its δ being 0) to the
// organisation. So the searches keep per organisation the number of its
// leaf members instead of walking them: forward nothing is done for them,
// and backward the organisation starts from count/σ. A leaf that is the
// source is walked like any source (its one organisation at level 0).
//
// The sampled work is bounded: each source costs a search of every
// membership in both directions, so the searches together cost sources ×
// memberships, kept within betweennessBudget (see betweennessSources). The
// budget is 200 pivots of the 100,000-project benchmark (167,000
// memberships: 33 million) with room to spare, and 50 pivots of the
// 1,000,000-project one (952,000 memberships). 500 pivots took 1.6 s of the
// catalogue's 3 s budget at 70,000 projects. Exact networks cost up to
// 20,000 searches (about 27 s of one core at 20,000 projects under load):
// the price of the catalogue's exact figures, paid once per scope and
// data version.
const (
	exactBetweennessMax  = 20000
	betweennessBudget    = 48_000_000 // membership visits of all the pivots' searches of one network
	betweennessMaxPivots = 200
	betweennessMinPivots = 50
	betweennessSeed      = 0xBE617A
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
		return normalisedBetweenness(ctx, pg, betweennessSources(len(pg.nodes), len(pg.members.items)), betweennessSeed)
	})
}

// betweennessSources returns how many sources the searches of a network of
// n nodes and m memberships take: n, every node (exact), up to
// exactBetweennessMax nodes; above, as many pivots as fit
// betweennessBudget, at most betweennessMaxPivots and at least
// betweennessMinPivots. The count depends on the network only, and the
// pivots are a prefix of one seeded permutation, so the same network gets
// the same figures.
//
// The trade-off is accuracy: the estimate's error shrinks like 1/√k. On
// synthetic networks of 6,000 projects (no project standing out) the mean
// relative error of the top hundred's estimates was about 25% with 200
// pivots, 35% with 100, 47% with 50, 55% with 32 and 65–70% with 20 (five
// seeds each). Below 50 an estimate is off by more than half its value on
// average, no longer a ranking a reader can use; so the floor is 50, and
// the work above about 960,000 memberships (a million projects in the
// benchmark's shape) grows with the memberships again, 50 searches' worth.
func betweennessSources(n, m int) int {
	if n <= exactBetweennessMax || m == 0 {
		return n
	}
	return min(max(betweennessBudget/m, betweennessMinPivots), betweennessMaxPivots, n)
}

// normalisedBetweenness returns the betweenness of every node of pg divided
// by (n−1)(n−2)/2, the number of pairs of other nodes in an undirected
// graph, from k sources: exact when k ≥ n, estimated from k pivots below.
// sampledBetweenness sums dependencies over every source, so each unordered
// pair {s, t} is counted twice (once from s, once from t): the raw sum is
// divided by (n−1)(n−2). With fewer than three nodes no node can lie
// between two others and every value is 0.
func normalisedBetweenness(ctx context.Context, pg *partnerGraph, k int, seed uint64) (*betweenness, error) {
	n := len(pg.nodes)
	out := &betweenness{values: make([]float64, n), sampled: k < n}
	if n < 3 {
		out.sampled = false
		return out, nil
	}
	raw, err := sampledBetweenness(ctx, pg, k, seed)
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
// shared-partner network pg with Brandes' algorithm run from k pivot
// sources drawn uniformly without replacement with a PCG generator seeded
// by seed, scaling the summed dependencies by n/k. Like gonum's
// network.Betweenness it returns the sum over sources (each unordered pair
// counted from both ends), so with k ≥ n (every node a pivot) it equals
// gonum's exact figure.
//
// The pivots are split into betweennessChunks interleaved chunks, run by
// GOMAXPROCS workers; each chunk sums into its own slice and the chunks are
// added in order, so the result depends neither on scheduling nor on the
// number of cores.
func sampledBetweenness(ctx context.Context, pg *partnerGraph, k int, seed uint64) ([]float64, error) {
	n := len(pg.nodes)
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
	bp, old := newBipartite(pg)
	renumbered := bp.renumber(pivots)
	chunks := min(betweennessChunks, len(pivots))
	partial := make([][]float64, chunks)
	errs := make([]error, chunks)
	// One worker per core, each running its share of the chunks one after
	// the other with one set of search slices: eight sets at once on two
	// cores evicted one another from the caches (a third slower).
	workers := min(runtime.GOMAXPROCS(0), chunks)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := newBrandes(bp)
			for c := w; c < chunks; c += workers {
				b.sum = make([]float64, bp.nodes())
				partial[c], errs[c] = b.chunk(ctx, renumbered, c, chunks)
			}
		}()
	}
	wg.Wait()
	for c := range chunks {
		if errs[c] != nil {
			return nil, errs[c]
		}
		for i, v := range partial[c] {
			out[old[i]] += v
		}
	}
	scale := float64(n) / float64(len(pivots))
	for i := range out {
		out[i] *= scale
	}
	return out, nil
}

// bipartite is the project–organisation network the searches walk, with
// nodes and organisations renumbered in the order a breadth-first search
// from the largest organisation meets them. Neighbours then sit closer in
// memory than in ext_ref order: on the 70,000-project benchmark the
// searches run about a sixth faster.
type bipartite struct {
	orgsOf, multi csr32
	// members lists the organisations' members in more than one
	// organisation; leaves counts the others (the leaves, never walked).
	members     csr32
	leaves      []float64
	multiShared []int32
	// inMulti has bit v set when node v shares several organisations with
	// a neighbour: a few hundred nodes of 70,000 on the benchmark, so a
	// search tests this bitset (9 KB, in cache) rather than read every
	// node's multi row bounds.
	inMulti []uint64
	new     []int32 // node index in pg → node index here
}

// newBipartite renumbers pg's memberships; old maps the new node indices
// back to pg's.
func newBipartite(pg *partnerGraph) (*bipartite, []int32) {
	n, m := len(pg.nodes), pg.members.rows()
	newNode, newOrg := make([]int32, n), make([]int32, m)
	for i := range newNode {
		newNode[i] = -1
	}
	for i := range newOrg {
		newOrg[i] = -1
	}
	oldNode, oldOrg := make([]int32, 0, n), make([]int32, 0, m)
	// Organisations by size, largest first, start the searches; leaves
	// (never walked, see above) and nodes in no organisation come last.
	leaf := func(v int32) bool { return pg.orgsOf.start[v+1]-pg.orgsOf.start[v] == 1 }
	bySize := make([]int32, m)
	for o := range bySize {
		bySize[o] = int32(o)
	}
	slices.SortStableFunc(bySize, func(a, b int32) int { return len(pg.members.row(int(b))) - len(pg.members.row(int(a))) })
	for _, root := range bySize {
		if newOrg[root] >= 0 {
			continue
		}
		newOrg[root] = int32(len(oldOrg))
		oldOrg = append(oldOrg, root)
		for head := len(oldOrg) - 1; head < len(oldOrg); head++ {
			for _, v := range pg.members.row(int(oldOrg[head])) {
				if newNode[v] >= 0 || leaf(v) {
					continue
				}
				newNode[v] = int32(len(oldNode))
				oldNode = append(oldNode, v)
				for _, o := range pg.orgsOf.row(int(v)) {
					if newOrg[o] < 0 {
						newOrg[o] = int32(len(oldOrg))
						oldOrg = append(oldOrg, o)
					}
				}
			}
		}
	}
	for v := range n {
		if newNode[v] < 0 {
			newNode[v] = int32(len(oldNode))
			oldNode = append(oldNode, int32(v))
		}
	}
	bp := &bipartite{new: newNode, leaves: make([]float64, m)}
	bp.members = csrPermute(pg.members, oldOrg, newNode)
	walked := csr32{start: make([]int32, 0, m+1), items: make([]int32, 0, len(bp.members.items))}
	for o := range m {
		walked.start = append(walked.start, int32(len(walked.items)))
		for _, v := range bp.members.row(o) {
			if leaf(oldNode[v]) {
				bp.leaves[o]++
			} else {
				walked.items = append(walked.items, v)
			}
		}
	}
	bp.members = walked
	bp.members.start = append(bp.members.start, int32(len(bp.members.items)))
	bp.orgsOf = csrPermute(pg.orgsOf, oldNode, newOrg)
	bp.multi = csrPermute(pg.multi, oldNode, newNode)
	bp.inMulti = make([]uint64, (n+63)/64)
	for v := range n {
		if bp.multi.start[v] < bp.multi.start[v+1] {
			bp.inMulti[v>>6] |= 1 << (v & 63)
		}
	}
	bp.multiShared = make([]int32, 0, len(pg.multiShared))
	for _, v := range oldNode {
		bp.multiShared = append(bp.multiShared, pg.multiShared[pg.multi.start[v]:pg.multi.start[v+1]]...)
	}
	return bp, oldNode
}

// csrPermute returns c with row i of the result being row old[i] of c, and
// every item x replaced by items[x], in the original item order.
func csrPermute(c csr, old []int32, items []int32) csr32 {
	out := csr32{start: make([]int32, 0, len(old)+1), items: make([]int32, 0, len(c.items))}
	for _, r := range old {
		out.start = append(out.start, int32(len(out.items)))
		for _, x := range c.row(int(r)) {
			out.items = append(out.items, items[x])
		}
	}
	out.start = append(out.start, int32(len(out.items)))
	return out
}

func (bp *bipartite) nodes() int { return bp.orgsOf.rows() }

// renumber maps pg's node indices to bp's.
func (bp *bipartite) renumber(nodes []int) []int {
	out := make([]int, len(nodes))
	for i, v := range nodes {
		out[i] = int(bp.new[v])
	}
	return out
}

// brandes is the state of one worker: slices of the nodes and of the
// organisations, reset after each source for what it touched only.
type brandes struct {
	pg      *bipartite
	sum     []float64 // dependencies summed over this worker's sources
	dist    []int32   // by node: hops from the source, −1 unreached
	node    []brandesNode
	level   []int32   // by organisation: distance of its nearest member, −1 unreached
	orgSum  []float64 // by organisation: Σσ of its members at its level (forward), Σ(1+δ)/σ of those one further, its leaves included (backward)
	queue   []int32   // nodes in BFS order: non-decreasing distance
	levels  []int     // queue[levels[d]:levels[d+1]] are the nodes at distance d
	orgs    []int32   // organisations reached, by level
	orgLvls []int     // orgs[orgLvls[d]:orgLvls[d+1]] have level d
}

// Distances and levels have slices of their own: most visits only test
// them (reached yet? at this level?), and 4-byte entries keep them in the
// cores' caches (280 KB and 80 KB on the benchmark); σ and δ are read
// together, when the test passes.
type brandesNode struct {
	sigma float64 // shortest paths from the source
	delta float64 // dependency of the source on the node
}

func newBrandes(pg *bipartite) *brandes {
	n, m := pg.nodes(), pg.members.rows()
	b := &brandes{pg: pg, sum: make([]float64, n), dist: make([]int32, n), node: make([]brandesNode, n),
		level: make([]int32, m), orgSum: make([]float64, m)}
	for i := range b.dist {
		b.dist[i] = -1
	}
	for i := range b.level {
		b.level[i] = -1
	}
	return b
}

// chunk sums the dependencies of every node on the sources pivots[c],
// pivots[c+stride], … (Brandes 2001, unweighted case).
func (b *brandes) chunk(ctx context.Context, pivots []int, c, stride int) ([]float64, error) {
	for p := c; p < len(pivots); p += stride {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b.source(int32(pivots[p]))
	}
	return b.sum, nil
}

// source adds the dependencies on s. The search is level-synchronous.
// All members of an organisation are pairwise linked, so they lie at two
// consecutive distances d and d+1, d being the organisation's level: it
// carries shortest paths from its members at d to its members at d+1 only.
//
// Forward, level d: every organisation of a node at d not yet reached
// takes level d and collects Σσ of its members at d; then each such
// organisation hands that sum to its members at d+1 (discovering them). A
// node w at d+1 sharing m organisations with a node v at d received σ(v) m
// times instead of once: m−1 are taken back. Backward, from the deepest
// level: δ(v) = σ(v)·Σ_w (1+δ(w))/σ(w) over the successors w of v, summed
// the same way through the organisations of level d, with the same
// correction. An organisation's leaves are at its level + 1: backward,
// its sum starts from leaves/σ, their share.
func (b *brandes) source(s int32) {
	pg := b.pg
	b.dist[s], b.node[s].sigma = 0, 1
	b.queue = append(b.queue[:0], s)
	b.levels = append(b.levels[:0], 0)
	b.orgs, b.orgLvls = b.orgs[:0], append(b.orgLvls[:0], 0)
	for d := int32(0); ; d++ {
		lo, hi := b.levels[d], len(b.queue)
		if lo == hi {
			break
		}
		for _, v := range b.queue[lo:hi] {
			for _, o := range pg.orgsOf.row(int(v)) {
				if b.level[o] < 0 {
					b.level[o] = d
					b.orgs = append(b.orgs, o)
				}
				if b.level[o] == d {
					b.orgSum[o] += b.node[v].sigma
				}
			}
		}
		for _, o := range b.orgs[b.orgLvls[d]:] {
			for _, w := range pg.members.row(int(o)) {
				if b.dist[w] < 0 {
					b.dist[w] = d + 1
					b.queue = append(b.queue, w)
				}
				if b.dist[w] == d+1 {
					b.node[w].sigma += b.orgSum[o]
				}
			}
		}
		b.orgLvls = append(b.orgLvls, len(b.orgs))
		b.levels = append(b.levels, hi)
		for _, w := range b.queue[hi:] {
			if pg.inMulti[w>>6]&(1<<(w&63)) == 0 {
				continue
			}
			first, end := pg.multi.bounds(int(w))
			for j := first; j < end; j++ {
				if v := pg.multi.items[j]; b.dist[v] == d {
					b.node[w].sigma -= float64(pg.multiShared[j]-1) * b.node[v].sigma
				}
			}
		}
	}
	for _, o := range b.orgs {
		if l := pg.leaves[o]; l > 0 {
			b.orgSum[o] = l / b.orgSum[o]
		} else {
			b.orgSum[o] = 0
		}
	}
	// Backward, from the deepest level up, one walk of each node's
	// organisations: at level e its δ is complete (its successors, at
	// e+1, were done), so it takes its share from the organisations of
	// level e and at once hands (1+δ)/σ to those of level e−1, whose
	// members at e−1 read them next. Two walks, one for each direction,
	// read every row twice from memory; the second is now in cache.
	// levels has one entry per distance plus the end; the source (level
	// 0) hands nothing on. Nodes at the deepest level have successors
	// too when their organisations have leaves.
	deepest := int32(len(b.levels) - 2)
	for e := deepest; e >= 1; e-- {
		for _, v := range b.queue[b.levels[e]:b.levels[e+1]] {
			row := pg.orgsOf.row(int(v))
			acc := 0.0
			for _, o := range row {
				if b.level[o] == e {
					acc += b.orgSum[o]
				}
			}
			first, end := 0, 0
			if pg.inMulti[v>>6]&(1<<(v&63)) != 0 {
				first, end = pg.multi.bounds(int(v))
			}
			for j := first; j < end; j++ {
				if w := pg.multi.items[j]; b.dist[w] == e+1 {
					acc -= float64(pg.multiShared[j]-1) * (1 + b.node[w].delta) / b.node[w].sigma
				}
			}
			b.node[v].delta = b.node[v].sigma * acc
			b.sum[v] += b.node[v].delta
			c := (1 + b.node[v].delta) / b.node[v].sigma
			for _, o := range row {
				if b.level[o] == e-1 {
					b.orgSum[o] += c
				}
			}
		}
	}
	for _, v := range b.queue { // reset only what this source touched
		b.dist[v], b.node[v].sigma, b.node[v].delta = -1, 0, 0
	}
	for _, o := range b.orgs {
		b.level[o], b.orgSum[o] = -1, 0
	}
}
