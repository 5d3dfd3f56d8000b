package metrics

// Louvain community detection (Blondel et al. 2008) on a weighted
// undirected graph with self-loops, for C18's thematic clusters.
//
// C18 runs Louvain on projects aggregated into groups of identical term
// sets (network_cluster.go), and an aggregated node carries a self-loop: the
// links among its own projects. gonum's community.Modularize drops the
// self-loops of the graph it is given (it reads them only on the graphs it
// aggregates itself) and keeps its state in maps, so it is not used here;
// the tests check this implementation against gonum's community.Q and
// against Louvain on the expanded, one-node-per-project graph.

// wgraph is a weighted undirected graph: each link appears in the rows of
// both its ends with its weight; self[i] is node i's self-loop counted as in
// Σ_ij A_ij, i.e. twice the weight of the links inside an aggregated node.
type wgraph struct {
	adj  csr
	w    []float64 // parallel to adj.items
	self []float64
}

// strengths returns every node's k_i = A_ii + Σ_j A_ij and their sum 2m.
func (g wgraph) strengths() ([]float64, float64) {
	k := make([]float64, len(g.self))
	m2 := 0.0
	for i := range k {
		k[i] = g.self[i]
		lo, hi := g.adj.bounds(i)
		for j := lo; j < hi; j++ {
			k[i] += g.w[j]
		}
		m2 += k[i]
	}
	return k, m2
}

// louvainGain is the smallest modularity gain (times m) that moves a node:
// below it, rounding could make two communities swap a node forever.
const louvainGain = 1e-12

// louvain returns a community label (0…c−1) for every node of g at
// resolution 1. Each level moves nodes, in index order, to the neighbouring
// community with the largest gain ΔQ ∝ k_i,C − Σ_C·k_i/2m (staying put on
// ties, then the first neighbour's community), until a sweep moves
// nothing; the communities then become the nodes of the next level. It
// stops when a level moves no node. Everything is in index order and
// without randomness, so the same graph always gives the same labels.
func louvain(g wgraph) []int32 {
	n := len(g.self)
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(i)
	}
	for {
		comm, moved := louvainMove(g)
		if !moved {
			return labels
		}
		lab, c := louvainRelabel(comm)
		for i, l := range labels {
			labels[i] = lab[l]
		}
		g = louvainAggregate(g, lab, c)
	}
}

// louvainMove is one level's local moving: comm[i] is node i's community
// (a node index), moved whether any node changed community.
func louvainMove(g wgraph) (comm []int32, moved bool) {
	n := len(g.self)
	k, m2 := g.strengths()
	comm = make([]int32, n)
	tot := make([]float64, n) // Σ_C: strength of community C
	for i := range comm {
		comm[i], tot[i] = int32(i), k[i]
	}
	if m2 == 0 {
		return comm, false
	}
	toComm := make([]float64, n) // k_i,C: weight from i to community C
	seen := make([]int32, n)     // i+1 once C is in touched for node i
	var touched []int32
	for {
		changed := false
		for i := range n {
			touched = touched[:0]
			lo, hi := g.adj.bounds(i)
			for j := lo; j < hi; j++ {
				c := comm[g.adj.items[j]]
				if seen[c] != int32(i+1) {
					seen[c] = int32(i + 1)
					touched = append(touched, c)
				}
				toComm[c] += g.w[j]
			}
			own := comm[i]
			tot[own] -= k[i]
			best, bestGain := own, toComm[own]-tot[own]*k[i]/m2
			for _, c := range touched {
				if gain := toComm[c] - tot[c]*k[i]/m2; gain > bestGain+louvainGain {
					best, bestGain = c, gain
				}
			}
			tot[best] += k[i]
			comm[i] = best
			if best != own {
				changed, moved = true, true
			}
			for _, c := range touched {
				toComm[c] = 0
			}
		}
		if !changed {
			return comm, moved
		}
	}
}

// louvainRelabel numbers the communities 0…c−1 in order of their first node.
func louvainRelabel(comm []int32) ([]int32, int) {
	id := make([]int32, len(comm))
	for i := range id {
		id[i] = -1
	}
	lab := make([]int32, len(comm))
	c := 0
	for i, x := range comm {
		if id[x] < 0 {
			id[x] = int32(c)
			c++
		}
		lab[i] = id[x]
	}
	return lab, c
}

// louvainAggregate returns the graph of the c communities of lab: links
// inside a community add to its self-loop (both directions, as A_ij and
// A_ji), links between communities add up.
func louvainAggregate(g wgraph, lab []int32, c int) wgraph {
	members := csrTranspose(csr{start: louvainRowStarts(len(lab)), items: lab}, c)
	out := wgraph{adj: csr{start: make([]int, c+1)}, self: make([]float64, c)}
	mark := make([]int32, c)
	at := make([]int, c)
	for C := range c {
		out.adj.start[C] = len(out.adj.items)
		for _, i := range members.row(C) {
			out.self[C] += g.self[i]
			lo, hi := g.adj.bounds(int(i))
			for j := lo; j < hi; j++ {
				D := lab[g.adj.items[j]]
				switch {
				case int(D) == C:
					out.self[C] += g.w[j]
				case mark[D] != int32(C+1):
					mark[D], at[D] = int32(C+1), len(out.adj.items)
					out.adj.items = append(out.adj.items, D)
					out.w = append(out.w, g.w[j])
				default:
					out.w[at[D]] += g.w[j]
				}
			}
		}
	}
	out.adj.start[c] = len(out.adj.items)
	return out
}

// louvainRowStarts is the start slice of a csr with n rows of one item.
func louvainRowStarts(n int) []int {
	s := make([]int, n+1)
	for i := range s {
		s[i] = i
	}
	return s
}

// modularity returns Q = Σ_C [L_C/2m − (Σ_C/2m)²] of the partition labels
// of g, L_C being Σ_ij A_ij over i, j in C (self-loops included) and Σ_C the
// strength of C; NaN when g has no link.
func modularity(g wgraph, labels []int32) float64 {
	k, m2 := g.strengths()
	c := 0
	for _, l := range labels {
		c = max(c, int(l)+1)
	}
	in, tot := make([]float64, c), make([]float64, c)
	for i, l := range labels {
		tot[l] += k[i]
		in[l] += g.self[i]
		lo, hi := g.adj.bounds(i)
		for j := lo; j < hi; j++ {
			if labels[g.adj.items[j]] == l {
				in[l] += g.w[j]
			}
		}
	}
	q := 0.0
	for C := range c {
		q += in[C]/m2 - (tot[C]/m2)*(tot[C]/m2)
	}
	return q
}
