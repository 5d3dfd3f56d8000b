package metrics

import (
	"context"
	"slices"
)

// LinkedPair is one link of the shared-partner network (C16): two projects
// that share Shared linking organisations (hubs link none).
type LinkedPair struct {
	A, B           string // ext_ref, A before B
	TitleA, TitleB string
	LevelA, LevelB string
	Shared         int
}

// LinksBetween lists the links that C19 counts in the cell of levels a and
// b of its matrix (a = b: the links within one level), in ext_ref order,
// one page of them; total is the cell's figure. It walks the same network,
// with the same hub rule, as the metric.
func LinksBetween(ctx context.Context, e *Env, a, b string, offset, limit int) (pairs []LinkedPair, total int, err error) {
	pg, err := partnerGraphOf(ctx, e)
	if err != nil {
		return nil, 0, err
	}
	var idx [][2]int32
	ls := pg.newLinker()
	shared := map[[2]int32]int{}
	var row []link
	for v := range pg.nodes {
		lv := pg.nodes[v].level
		if lv != a && lv != b {
			continue
		}
		// Each node's later neighbours, in ext_ref order (nodes are).
		row = append(row[:0], ls.neighbours(v)...)
		slices.SortFunc(row, func(x, y link) int { return int(x.to - y.to) })
		for _, l := range row {
			w := int(l.to)
			if w < v {
				continue // each link once
			}
			if lw := pg.nodes[w].level; !(lv == a && lw == b || lv == b && lw == a) {
				continue
			}
			if total >= offset && len(idx) < limit {
				pair := [2]int32{int32(v), l.to}
				idx = append(idx, pair)
				shared[pair] = int(l.shared)
			}
			total++
		}
	}
	nodes := make([]int32, 0, 2*len(idx))
	for _, p := range idx {
		nodes = append(nodes, p[0], p[1])
	}
	titles, err := pg.titles(ctx, e, nodes)
	if err != nil {
		return nil, 0, err
	}
	pairs = make([]LinkedPair, len(idx))
	for i, p := range idx {
		x, y := pg.nodes[p[0]], pg.nodes[p[1]]
		pairs[i] = LinkedPair{A: x.ref, B: y.ref, TitleA: titles[x.ref], TitleB: titles[y.ref],
			LevelA: x.level, LevelB: y.level, Shared: shared[p]}
	}
	return pairs, total, nil
}
