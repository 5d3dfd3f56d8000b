package metrics

import "slices"

// csr is a compact adjacency list (compressed sparse rows): the items of row
// i are items[start[i]:start[i+1]]. A network of millions of links fits in a
// few flat slices, where Go maps or gonum's map-based graphs took seconds
// and gigabytes to build.
type csr struct {
	start []int // len rows+1
	items []int32
}

func (c csr) bounds(i int) (int, int) { return c.start[i], c.start[i+1] }
func (c csr) row(i int) []int32       { return c.items[c.start[i]:c.start[i+1]] }
func (c csr) rows() int               { return len(c.start) - 1 }

// csrTranspose returns the transpose of c, whose items are below n: row i
// of the result lists, in ascending order, the rows of c that contain i.
func csrTranspose(c csr, n int) csr {
	t := csr{start: make([]int, n+1), items: make([]int32, len(c.items))}
	for _, i := range c.items {
		t.start[i+1]++
	}
	for i := range n {
		t.start[i+1] += t.start[i]
	}
	next := slices.Clone(t.start[:n])
	for r := range c.rows() {
		for _, i := range c.row(r) {
			t.items[next[i]] = int32(r)
			next[i]++
		}
	}
	return t
}

// csr32 is a csr whose row starts are 4 bytes rather than 8: the
// betweenness searches read a row start for every node and organisation
// they reach, from every source, and the smaller slices stay in the cores'
// caches. A csr32 holds fewer than 2³¹ items (memberships: about 2.4
// million at a million projects).
type csr32 struct {
	start []int32 // len rows+1
	items []int32
}

func (c csr32) bounds(i int) (int, int) { return int(c.start[i]), int(c.start[i+1]) }
func (c csr32) row(i int) []int32       { return c.items[c.start[i]:c.start[i+1]] }
func (c csr32) rows() int               { return len(c.start) - 1 }
