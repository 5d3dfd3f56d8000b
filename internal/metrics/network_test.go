package metrics

import (
	"time"

	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// netProjectsHeader is the header of every hand-built projects CSV below.
const netProjectsHeader = "ext_ref,title,pillars,challenges,levers,level,stage,status,lead_org,partners\n"

// networkEnv builds an Env over a projects CSV body (rows after the header).
func networkEnv(t *testing.T, rows string, sc portfolio.Scope) *Env {
	t.Helper()
	files := portfolioFiles{}
	if rows != "" {
		files[ingest.KindProjects] = netProjectsHeader + rows
	}
	return mustEnv(t, files, sc, Params{})
}

// netCompute runs one metric of the catalogue.
func netCompute(t *testing.T, e *Env, code string) []Value {
	t.Helper()
	m := Lookup(code)
	if m == nil {
		t.Fatalf("no metric %s in the catalogue", code)
	}
	vs, err := m.Compute(context.Background(), e)
	if err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return vs
}

// netWant checks one figure: want is a number, or nil for null.
func netWant(t *testing.T, vs []Value, code string, wantV any, wantN int64, dims ...string) {
	t.Helper()
	v := find(t, vs, code, dims...)
	switch w := wantV.(type) {
	case nil:
		if v.Value != nil {
			t.Errorf("%s %v: got %v, want null", code, dims, *v.Value)
		}
	case float64:
		if !approx(v.Value, w) {
			t.Errorf("%s %v: got %v, want %v", code, dims, netShow(v.Value), w)
		}
	default:
		t.Fatalf("bad want %T", wantV)
	}
	if v.N != wantN {
		t.Errorf("%s %v: got n %d, want %d", code, dims, v.N, wantN)
	}
}

func netShow(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// Path A–B–C plus an isolated D (and a completed project E that shares o1
// but is out of scope):
//
//	A(o1) — B(o1, o2) — C(o2)      D(o3)
//
// n = 4, E = 2; density = 2·2/(4·3) = 1/3; isolated = {D} → 1/4; giant
// component {A,B,C} → 3/4; mean degree = 2·2/4 = 1. B lies on the only
// shortest path between A and C: raw betweenness 1, normalised by
// (n−1)(n−2)/2 = 3·2/2 = 3 → 1/3 (the isolated D counts in n).
const netPathRows = `A,Project A,,,,community,,active,o1,
B,Project B,,,,startup,,active,o1,o2
C,Project C,,,,startup,,planned,o2,
D,Project D,,,,regulation,,active,o3,
E,Project E,,,,community,,completed,o1,
`

func TestC16Path(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, netPathRows, portfolio.Scope{})
	vs := netCompute(t, e, "C16")
	netWant(t, vs, "C16", 4.0, 4, "measure", "nodes")
	netWant(t, vs, "C16", 2.0, 4, "measure", "edges")
	netWant(t, vs, "C16", 1.0/3, 4, "measure", "density")
	netWant(t, vs, "C16", 0.25, 4, "measure", "isolated_share")
	netWant(t, vs, "C16", 0.75, 4, "measure", "giant_share")
	netWant(t, vs, "C16", 1.0, 4, "measure", "mean_degree")
	netWant(t, vs, "C16", 0.0, 4, "measure", "hubs")
	netWant(t, vs, "C16", 0.0, 4, "measure", "hub_share")
	if len(vs) != 8 {
		t.Errorf("got %d C16 rows, want 8", len(vs))
	}
}

// A hub links no projects. NetworkHubProjects+1 projects H0… all partner
// the agency "hub"; H0 and H1 also share "o1", and X shares "o2" with H1.
// Without the cap the agency alone would make a complete graph of
// (cap+1)·cap/2 links; with it the network is H0–H1 and H1–X: 2 links, one
// hub, and every H project (cap+1 of cap+2) has a hub among its partners.
// C17 and C19 read the same two links: H1 lies between H0 and X.
func TestC16HubLinksNothing(t *testing.T) {
	var b strings.Builder
	n := NetworkHubProjects + 1
	for i := range n {
		partners := "hub"
		if i < 2 {
			partners += "|o1"
		}
		if i == 1 {
			partners += "|o2"
		}
		fmt.Fprintf(&b, "H%03d,Project H%d,,,,community,,active,lead%d,%s\n", i, i, i, partners)
	}
	b.WriteString("X,Project X,,,,startup,,active,o2,\n")
	e := networkEnv(t, b.String(), portfolio.Scope{})
	nn := int64(n + 1)
	c16 := netCompute(t, e, "C16")
	netWant(t, c16, "C16", float64(n+1), nn, "measure", "nodes")
	netWant(t, c16, "C16", 2.0, nn, "measure", "edges")
	netWant(t, c16, "C16", 1.0, nn, "measure", "hubs")
	netWant(t, c16, "C16", float64(n)/float64(n+1), nn, "measure", "hub_share")
	netWant(t, c16, "C16", 3/float64(n+1), nn, "measure", "giant_share")
	c17 := netCompute(t, e, "C17")
	netWant(t, c17, "C17", 1/(float64(n)*float64(n-1)/2), nn, "rank", "1", "project", "H001")
	c19 := netCompute(t, e, "C19")
	netWant(t, c19, "C19", 0.5, 2, "measure", "cross_share")
	g, err := PartnerGraph(context.Background(), e, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The two anchors: H001 (the only betweenness above 0), then the
	// smallest ext_ref among the ties, H000; their one link.
	if len(g.Nodes) != 2 || g.Nodes[0].Ref != "H000" || g.Nodes[1].Ref != "H001" || g.TotalNodes != n+1 || g.TotalEdges != 2 || g.Hubs != 1 {
		t.Errorf("got nodes %+v totals %d/%d hubs %d", g.Nodes, g.TotalNodes, g.TotalEdges, g.Hubs)
	}
	if len(g.Edges) != 1 || g.Edges[0] != (GraphEdge{"H000", "H001", 1}) {
		t.Errorf("got edges %+v, want H000–H001 only", g.Edges)
	}
}

// Under the cap, build is the plain projection; an organisation over it
// is dropped from the links and from the memberships the betweenness and
// the components walk.
func TestPartnerGraphBuildCap(t *testing.T) {
	// o0 = {0,1,2}, o1 = {2,3}
	all := csr{start: []int{0, 3, 5}, items: []int32{0, 1, 2, 2, 3}}
	links := func(pg *partnerGraph) string {
		var out []string
		ls := pg.newLinker()
		for a := range 4 {
			for _, l := range ls.neighbours(a) {
				if int(l.to) > a {
					out = append(out, fmt.Sprintf("%d-%d", a, l.to))
				}
			}
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	open := &partnerGraph{nodes: make([]netNode, 4)}
	open.build(4, all, 3)
	if got := links(open); got != "0-1 0-2 1-2 2-3" || open.edges != 4 || open.hubs != 0 {
		t.Errorf("cap 3: got links %q, %d edges, %d hubs", got, open.edges, open.hubs)
	}
	capped := &partnerGraph{nodes: make([]netNode, 4)}
	capped.build(4, all, 2)
	if got := links(capped); got != "2-3" || capped.edges != 1 || capped.hubs != 1 || capped.hubProjects != 3 {
		t.Errorf("cap 2: got links %q, %d edges, %d hubs, %d hub projects", got, capped.edges, capped.hubs, capped.hubProjects)
	}
	if got := capped.largestComponent(); got != 2 {
		t.Errorf("cap 2: largest component %d, want 2", got)
	}
	if got := fmt.Sprint(capped.degree); got != "[0 0 1 1]" {
		t.Errorf("cap 2: degrees %s", got)
	}
}

// Scoped to level startup only B and C remain: one edge (o2), n = 2,
// density 2·1/(2·1) = 1, nobody isolated, giant 2/2.
func TestC16Scope(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, netPathRows, portfolio.Scope{Levels: []string{"startup"}})
	vs := netCompute(t, e, "C16")
	netWant(t, vs, "C16", 2.0, 2, "measure", "nodes")
	netWant(t, vs, "C16", 1.0, 2, "measure", "edges")
	netWant(t, vs, "C16", 1.0, 2, "measure", "density")
	netWant(t, vs, "C16", 0.0, 2, "measure", "isolated_share")
	netWant(t, vs, "C16", 1.0, 2, "measure", "giant_share")
	netWant(t, vs, "C16", 1.0, 2, "measure", "mean_degree")
}

// Triangle: A, B, C all with o1; A and B also share o2 (A–B weight 2).
// n = 3, E = 3, density 2·3/(3·2) = 1, no isolated, giant 1, mean degree 2;
// every pair is adjacent, so every betweenness is 0.
const netTriangleRows = `A,Project A,,,,community,,active,o1,o2
B,Project B,,,,community,,active,o1,o2
C,Project C,,,,community,,active,o1,
`

func TestC16Triangle(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, netTriangleRows, portfolio.Scope{})
	vs := netCompute(t, e, "C16")
	netWant(t, vs, "C16", 3.0, 3, "measure", "edges")
	netWant(t, vs, "C16", 1.0, 3, "measure", "density")
	netWant(t, vs, "C16", 0.0, 3, "measure", "isolated_share")
	netWant(t, vs, "C16", 1.0, 3, "measure", "giant_share")
	netWant(t, vs, "C16", 2.0, 3, "measure", "mean_degree")
	c17 := netCompute(t, e, "C17")
	if len(c17) != 3 {
		t.Fatalf("got %d C17 rows, want 3", len(c17))
	}
	for i, ref := range []string{"A", "B", "C"} { // all 0: ranked by ext_ref
		netWant(t, c17, "C17", 0.0, 3, "rank", fmt.Sprint(i+1), "project", ref)
	}
}

// Star: hub H partners with o1…o4, leaf Li leads oi. n = 5, E = 4;
// density 2·4/(5·4) = 0.4; mean degree 8/5 = 1.6. All C(4,2) = 6 pairs of
// leaves go through H: raw 6, normalised by 4·3/2 = 6 → 1. Leaves: 0.
const netStarRows = `H,Hub,,,,regulation,,active,,o1|o2|o3|o4
L1,Leaf 1,,,,community,,active,o1,
L2,Leaf 2,,,,community,,active,o2,
L3,Leaf 3,,,,startup,,active,o3,
L4,Leaf 4,,,,startup,,active,o4,
`

func TestC17Star(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, netStarRows, portfolio.Scope{})
	c16 := netCompute(t, e, "C16")
	netWant(t, c16, "C16", 0.4, 5, "measure", "density")
	netWant(t, c16, "C16", 1.6, 5, "measure", "mean_degree")
	vs := netCompute(t, e, "C17")
	if len(vs) != 5 {
		t.Fatalf("got %d C17 rows, want 5 (min(10, n))", len(vs))
	}
	netWant(t, vs, "C17", 1.0, 5, "rank", "1", "project", "H", "title", "Hub")
	for i := 2; i <= 5; i++ {
		netWant(t, vs, "C17", 0.0, 5, "rank", fmt.Sprint(i), "project", fmt.Sprintf("L%d", i-1))
	}
}

// On the path A–B–C alone (the first three rows, without D) B's normalised
// betweenness is 1: one pair (A, C) out of (3−1)(3−2)/2 = 1.
func TestC17PathOnly(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, strings.Join(strings.Split(netPathRows, "\n")[:3], "\n")+"\n", portfolio.Scope{})
	vs := netCompute(t, e, "C17")
	netWant(t, vs, "C17", 1.0, 3, "rank", "1", "project", "B", "title", "Project B")
	netWant(t, vs, "C17", 0.0, 3, "rank", "2", "project", "A")
	netWant(t, vs, "C17", 0.0, 3, "rank", "3", "project", "C")
}

func TestC17PathWithIsolated(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, netPathRows, portfolio.Scope{})
	vs := netCompute(t, e, "C17")
	netWant(t, vs, "C17", 1.0/3, 4, "rank", "1", "project", "B")
	if len(vs) != 4 {
		t.Errorf("got %d C17 rows, want 4", len(vs))
	}
}

func TestPartnerGraph(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, netPathRows+"F,Project F,,,,,,active,o1,o2\n", portfolio.Scope{})
	g, err := PartnerGraph(context.Background(), e, 300)
	if err != nil {
		t.Fatal(err)
	}
	// F shares o1 with A and B and o2 with B and C: edges A–B(1), A–F(1),
	// B–C(1), B–F(2), C–F(1). Between A and C there are two shortest paths
	// (via B and via F): B and F each get 1/2; between D and anyone nothing.
	// n = 5 → normalised by 4·3/2 = 6: 1/12 each.
	if g.Sampled {
		t.Error("got sampled betweenness on a 5-node graph")
	}
	var refs, levels []string
	bc := map[string]float64{}
	for _, nd := range g.Nodes {
		refs = append(refs, nd.Ref)
		levels = append(levels, nd.Level)
		bc[nd.Ref] = nd.Betweenness
	}
	if got, wantRefs := strings.Join(refs, ","), "A,B,C,D,F"; got != wantRefs {
		t.Errorf("got nodes %s, want %s", got, wantRefs)
	}
	if got, wantLv := strings.Join(levels, ","), "community,startup,startup,regulation,"; got != wantLv {
		t.Errorf("got levels %s, want %s", got, wantLv)
	}
	for ref, w := range map[string]float64{"A": 0, "B": 1.0 / 12, "C": 0, "D": 0, "F": 1.0 / 12} {
		if got := bc[ref]; !approx(&got, w) {
			t.Errorf("betweenness %s: got %v, want %v", ref, got, w)
		}
	}
	var edges []string
	for _, ed := range g.Edges {
		edges = append(edges, fmt.Sprintf("%s-%s:%d", ed.Source, ed.Target, ed.Weight))
	}
	slices.Sort(edges)
	if got, wantE := strings.Join(edges, " "), "A-B:1 A-F:1 B-C:1 B-F:2 C-F:1"; got != wantE {
		t.Errorf("got edges %s, want %s", got, wantE)
	}
	// The graph is memoised: C16 on the same Env sees the same 5 edges.
	netWant(t, netCompute(t, e, "C16"), "C16", 5.0, 5, "measure", "edges")
}

// Cross-level connectivity on the path plus G (no level) sharing o3 with D:
// edges A–B (community–startup, cross), B–C (startup–startup), D–G
// (excluded: G has no level). cross_share = 1/2 over 2 kept edges;
// untagged 1 of 5 projects; excluded 1 of 3 edges. Matrix (a ≤ b by
// ordinal): community–startup 1, startup–startup 1, the other four 0.
func TestC19(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, netPathRows+"G,Project G,,,,,,active,o3,\n", portfolio.Scope{})
	vs := netCompute(t, e, "C19")
	netWant(t, vs, "C19", 0.5, 2, "measure", "cross_share")
	netWant(t, vs, "C19", 1.0, 5, "measure", "untagged")
	netWant(t, vs, "C19", 1.0, 3, "measure", "excluded_edges")
	cells := map[[2]string]float64{
		{"community", "community"}: 0, {"community", "startup"}: 1, {"community", "regulation"}: 0,
		{"startup", "startup"}: 1, {"startup", "regulation"}: 0, {"regulation", "regulation"}: 0,
	}
	for c, w := range cells {
		netWant(t, vs, "C19", w, 2, "level_a", c[0], "level_b", c[1], "measure", "edges")
	}
	if len(vs) != 3+len(cells) {
		t.Errorf("got %d C19 rows, want %d", len(vs), 3+len(cells))
	}
	// The star: H (regulation) to two community and two startup leaves:
	// every edge crosses levels, cross_share 1; regulation sorts last by
	// ordinal, so the cells are (community, regulation) and (startup,
	// regulation).
	vs = netCompute(t, networkEnv(t, netStarRows, portfolio.Scope{}), "C19")
	netWant(t, vs, "C19", 1.0, 4, "measure", "cross_share")
	netWant(t, vs, "C19", 2.0, 4, "level_a", "community", "level_b", "regulation")
	netWant(t, vs, "C19", 2.0, 4, "level_a", "startup", "level_b", "regulation")
}

// Jaccard over challenge ∪ lever terms (≥ 0.5 links):
//
//	J1 {food, finance}   J2 {food}   J3 {food, finance, tech, policy}
//	J4 {water, tech}     J5 {water, tech, policy}   J6 {}
//
// J1–J2 1/2 and J1–J3 2/4: exactly 0.5, linked; J4–J5 2/3 linked;
// J2–J3 1/4, J3–J4 1/5, J3–J5 2/5 (just below): not linked; J6 nothing.
// Components {J1,J2,J3} (a star on J1) and {J4,J5}; m = 3, degrees
// J1 2, others 1, 2m = 6. Q = Σ_c L_c/m − (d_c/2m)²
// = (2/3 − (4/6)²) + (1/3 − (2/6)²) = 2/9 + 2/9 = 4/9. Two clusters, the
// largest 3 of 6 projects. Top terms of {J1,J2,J3}: food 3, finance 2, then
// tech and policy 1 each (taxonomy order: tech first); of {J4,J5}: water 2,
// tech 2, policy 1.
const netJaccardRows = `J1,J1,,food,finance,,,active,,
J2,J2,,food,,,,active,,
J3,J3,,food,finance|tech|policy,,,active,,
J4,J4,,water,tech,,,active,,
J5,J5,,water,tech|policy,,,active,,
J6,J6,,,,,,active,,
`

func TestC18JaccardEdges(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, netJaccardRows, portfolio.Scope{})
	groups, n, err := netThemeGroups(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	// Five distinct term sets (J6 has none): five groups of one project, in
	// ext_ref order; n counts J6 too.
	if n != 6 || len(groups) != 5 {
		t.Fatalf("got %d groups over %d projects, want 5 over 6", len(groups), n)
	}
	g := netThemeGraph(groups)
	var got []string
	for a := range groups {
		if g.self[a] != 0 {
			t.Errorf("group %s: got self-loop %v, want 0 (one project)", groups[a].firstRef, g.self[a])
		}
		lo, hi := g.adj.bounds(a)
		for j := lo; j < hi; j++ {
			if b := g.adj.items[j]; int(b) > a {
				got = append(got, fmt.Sprintf("%s-%s:%g", groups[a].firstRef, groups[b].firstRef, g.w[j]))
			}
		}
	}
	slices.Sort(got)
	if g, w := strings.Join(got, " "), "J1-J2:1 J1-J3:1 J4-J5:1"; g != w {
		t.Errorf("got thematic links %s, want %s", g, w)
	}
}

func TestC18Components(t *testing.T) {
	t.Parallel()
	e := networkEnv(t, netJaccardRows, portfolio.Scope{})
	vs := netCompute(t, e, "C18")
	netWant(t, vs, "C18", 2.0, 6, "measure", "clusters")
	netWant(t, vs, "C18", 4.0/9, 6, "measure", "modularity")
	netWant(t, vs, "C18", 0.5, 6, "measure", "largest_cluster_share")
	netWant(t, vs, "C18", 3.0, 6, "cluster", "1", "measure", "size", "top_terms", "food,finance,tech")
	netWant(t, vs, "C18", 2.0, 6, "cluster", "2", "measure", "size", "top_terms", "water,tech,policy")
	if len(vs) != 5 {
		t.Errorf("got %d C18 rows, want 5", len(vs))
	}
}

// ThemeClusters names, for the network view, the cluster of each project
// asked for, as C18 numbers them: on the two cliques every A is in the
// cluster of A1 and every B in the cluster of B1, two different clusters;
// a project outside the list or outside every cluster is absent.
func TestThemeClustersByProject(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&b, "A%d,A%d,,food,finance,,,active,,\n", i, i)
		fmt.Fprintf(&b, "B%d,B%d,,water,tech,,,active,,\n", i, i)
	}
	b.WriteString("L,Lonely,,water,policy|finance,,,active,,\nN,No terms,,,,,,active,,\n")
	e := networkEnv(t, b.String(), portfolio.Scope{})
	clusters, of, err := ThemeClusters(context.Background(), e, []string{"A1", "A3", "B2", "B4", "L", "N"})
	if err != nil {
		t.Fatal(err)
	}
	if len(clusters) != 2 || clusters[0].Size != 4 || clusters[1].Size != 4 || len(clusters[0].Terms) != 2 {
		t.Fatalf("got clusters %+v", clusters)
	}
	if len(of) != 4 || of["A1"] != of["A3"] || of["B2"] != of["B4"] || of["A1"] == of["B2"] || of["A1"] == 0 || of["B2"] == 0 {
		t.Errorf("got clusters by project %v", of)
	}
	// Same numbering as C18: cluster 1 is the one with the smallest first ext_ref on a tie.
	if of["A1"] != 1 || clusters[0].Terms[0] != [2]string{"challenge", "food"} {
		t.Errorf("cluster 1 is %v (terms %v), want the A clique", of["A1"], clusters[0].Terms)
	}
}

// Two obvious clusters for Louvain: A1…A4 {food, finance} and B1…B4
// {water, tech} form two 4-cliques (Jaccard 1); X {food, finance, water,
// tech} has Jaccard 2/4 = 0.5 with all eight, so it is linked to both.
// m = 6 + 6 + 8 = 20, degrees A 4, B 4, X 8, 2m = 40. With X in either
// clique: (10/20 − (24/40)²) + (6/20 − (16/40)²) = 0.14 + 0.14 = 0.28,
// better than X alone (0.24) or one community (0). Clusters 2, sizes 5 and
// 4, largest share 5/9.
func TestC18Louvain(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&b, "A%d,A%d,,food,finance,,,active,,\n", i, i)
		fmt.Fprintf(&b, "B%d,B%d,,water,tech,,,active,,\n", i, i)
	}
	b.WriteString("X,X,,food|water,finance|tech,,,active,,\n")
	e := networkEnv(t, b.String(), portfolio.Scope{})
	vs := netCompute(t, e, "C18")
	netWant(t, vs, "C18", 2.0, 9, "measure", "clusters")
	netWant(t, vs, "C18", 0.28, 9, "measure", "modularity")
	netWant(t, vs, "C18", 5.0/9, 9, "measure", "largest_cluster_share")
	c1 := find(t, vs, "C18", "cluster", "1")
	c2 := find(t, vs, "C18", "cluster", "2")
	if !approx(c1.Value, 5) || !approx(c2.Value, 4) {
		t.Errorf("got cluster sizes %s, %s, want 5, 4", netShow(c1.Value), netShow(c2.Value))
	}
	// X joins one clique (a tie the fixed seed settles): its cluster is
	// named by the clique's two terms, then X's first other term.
	if tt := c1.Dims["top_terms"] + " / " + c2.Dims["top_terms"]; tt != "food,finance,water / water,tech" &&
		tt != "water,tech,food / food,finance" {
		t.Errorf("got top terms %s", tt)
	}
	// Deterministic: a second computation on a fresh Env agrees.
	again := netCompute(t, netFreshEnv(t, e), "C18")
	for i := range vs {
		if fmt.Sprint(vs[i].Dims, netShow(vs[i].Value)) != fmt.Sprint(again[i].Dims, netShow(again[i].Value)) {
			t.Errorf("row %d: got %v %s then %v %s", i, vs[i].Dims, netShow(vs[i].Value), again[i].Dims, netShow(again[i].Value))
		}
	}
}

// netFreshEnv returns a fresh Env (empty memo) over e's store and scope.
func netFreshEnv(t *testing.T, e *Env) *Env {
	t.Helper()
	f, err := NewEnv(e.Store, e.Mission, e.Scope, e.Params, e.Now)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Edge cases (docs/METRICS.md): an empty portfolio, one project, and three
// projects that share nothing. Counts are counts (0 is a fact); ratios are
// null when undefined, never NaN or Inf.
func TestNetworkEdgeCases(t *testing.T) {
	t.Parallel()
	t.Run("empty", func(t *testing.T) {
		e := networkEnv(t, "", portfolio.Scope{})
		c16 := netCompute(t, e, "C16")
		netWant(t, c16, "C16", 0.0, 0, "measure", "nodes")
		netWant(t, c16, "C16", 0.0, 0, "measure", "edges")
		for _, m := range []string{"density", "isolated_share", "giant_share", "mean_degree"} {
			netWant(t, c16, "C16", nil, 0, "measure", m)
		}
		c17 := netCompute(t, e, "C17")
		if len(c17) != 1 || c17[0].Value != nil || c17[0].N != 0 {
			t.Errorf("got C17 %+v, want one null row with n 0", c17)
		}
		c18 := netCompute(t, e, "C18")
		for _, m := range []string{"clusters", "modularity", "largest_cluster_share"} {
			netWant(t, c18, "C18", nil, 0, "measure", m)
		}
		c19 := netCompute(t, e, "C19")
		netWant(t, c19, "C19", nil, 0, "measure", "cross_share")
		netWant(t, c19, "C19", 0.0, 0, "level_a", "community", "level_b", "regulation")
		g, err := PartnerGraph(context.Background(), e, 300)
		if err != nil || len(g.Nodes) != 0 || len(g.Edges) != 0 {
			t.Errorf("got graph %+v, %v; want an empty graph", g, err)
		}
	})
	t.Run("one project", func(t *testing.T) {
		e := networkEnv(t, "A,Project A,,food,,community,,active,o1,\n", portfolio.Scope{})
		c16 := netCompute(t, e, "C16")
		netWant(t, c16, "C16", 1.0, 1, "measure", "nodes")
		netWant(t, c16, "C16", nil, 1, "measure", "density")
		netWant(t, c16, "C16", 1.0, 1, "measure", "isolated_share")
		netWant(t, c16, "C16", 1.0, 1, "measure", "giant_share")
		netWant(t, c16, "C16", 0.0, 1, "measure", "mean_degree")
		c17 := netCompute(t, e, "C17")
		if len(c17) != 1 || c17[0].Value != nil || c17[0].N != 1 {
			t.Errorf("got C17 %+v, want one null row with n 1", c17)
		}
		c18 := netCompute(t, e, "C18")
		netWant(t, c18, "C18", 0.0, 1, "measure", "clusters")
		netWant(t, c18, "C18", nil, 1, "measure", "modularity")
	})
	t.Run("no edges", func(t *testing.T) {
		e := networkEnv(t, `A,A,,food,,community,,active,o1,
B,B,,water,,startup,,active,o2,
C,C,,,,startup,,active,,
`, portfolio.Scope{})
		c16 := netCompute(t, e, "C16")
		netWant(t, c16, "C16", 0.0, 3, "measure", "edges")
		netWant(t, c16, "C16", 0.0, 3, "measure", "density")
		netWant(t, c16, "C16", 1.0, 3, "measure", "isolated_share")
		netWant(t, c16, "C16", 1.0/3, 3, "measure", "giant_share")
		netWant(t, c16, "C16", 0.0, 3, "measure", "mean_degree")
		c17 := netCompute(t, e, "C17")
		if len(c17) != 3 {
			t.Errorf("got %d C17 rows, want 3", len(c17))
		}
		netWant(t, c17, "C17", 0.0, 3, "rank", "1", "project", "A")
		c18 := netCompute(t, e, "C18")
		netWant(t, c18, "C18", 0.0, 3, "measure", "clusters")
		netWant(t, c18, "C18", nil, 3, "measure", "modularity")
		netWant(t, c18, "C18", 0.0, 3, "measure", "largest_cluster_share")
		c19 := netCompute(t, e, "C19")
		netWant(t, c19, "C19", nil, 0, "measure", "cross_share")
		netWant(t, c19, "C19", 0.0, 0, "measure", "excluded_edges")
	})
}

// TestNetworkCatalogue checks C16–C19 are in the catalogue with labels and
// definitions in the three languages.
func TestNetworkCatalogue(t *testing.T) {
	t.Parallel()
	for _, m := range networkMetrics() {
		for _, l := range catalogued(t, m.Code) {
			if l.EN == "" || l.ES == "" || l.EU == "" {
				t.Errorf("%s: missing a language in %+v", m.Code, l)
			}
		}
		if Lookup(m.Code) == nil {
			t.Errorf("%s not in the catalogue", m.Code)
		}
	}
	if got := len(networkMetrics()); got != 4 {
		t.Errorf("got %d network metrics, want 4", got)
	}
}

// The organisation network of the path plus F: o1 = {A, B, F}, o2 = {B, C,
// F}, o3 = {D} (E is out of scope). o1 and o2 share B and F: one link of
// weight 2. With a limit of 2 the two largest stay, by id.
func TestOrganisationGraph(t *testing.T) {
	e := networkEnv(t, netPathRows+"F,Project F,,,,,,active,o1,o2\n", portfolio.Scope{})
	g, err := OrganisationGraph(context.Background(), e, 2)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range g.Nodes {
		names = append(names, fmt.Sprintf("%s:%d:%v", n.Name, n.Projects, n.Hub))
	}
	slices.Sort(names) // nodes are in id order, which the import decides
	if got := strings.Join(names, " "); got != "o1:3:false o2:3:false" || g.TotalNodes != 3 {
		t.Errorf("got nodes %s of %d", got, g.TotalNodes)
	}
	if len(g.Edges) != 1 || g.Edges[0] != (OrgEdge{0, 1, 2}) {
		t.Errorf("got edges %+v, want o1–o2 (2)", g.Edges)
	}
	all, err := OrganisationGraph(context.Background(), e, 10)
	if err != nil || len(all.Nodes) != 3 || len(all.Edges) != 1 {
		t.Errorf("limit 10: %+v, %v", all, err)
	}
}

// LinksBetween lists exactly the links C19 counts in a cell, either way
// round, paged: on the path, A–B (community–startup) and B–C (within
// startup); the star's four regulation links, two a page.
func TestLinksBetween(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := networkEnv(t, netPathRows+"G,Project G,,,,,,active,o3,\n", portfolio.Scope{})
	for _, c := range []struct {
		a, b, want string
	}{
		{"community", "startup", "A-B:1"}, {"startup", "community", "A-B:1"},
		{"startup", "startup", "B-C:1"}, {"community", "community", ""}, {"regulation", "startup", ""},
	} {
		pairs, total, err := LinksBetween(ctx, e, c.a, c.b, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range pairs {
			got = append(got, fmt.Sprintf("%s-%s:%d", p.A, p.B, p.Shared))
		}
		if strings.Join(got, " ") != c.want || total != len(got) {
			t.Errorf("%s × %s: got %v (total %d), want %q", c.a, c.b, got, total, c.want)
		}
	}
	star := networkEnv(t, netStarRows, portfolio.Scope{})
	var all []string
	for offset := 0; offset < 6; offset += 2 {
		pairs, total, err := LinksBetween(ctx, star, "regulation", "community", offset, 2)
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 {
			t.Errorf("star regulation × community: total %d, want 2", total)
		}
		for _, p := range pairs {
			if p.TitleA == "" || p.TitleB == "" {
				t.Errorf("pair %+v has no titles", p)
			}
			all = append(all, p.A+"-"+p.B)
		}
	}
	if len(all) != 2 || all[0] >= all[1] {
		t.Errorf("pages of the star's community links: %v, want 2 in ext_ref order", all)
	}
}

// C16's definition, kept in the message catalogue, states the hub rule
// the code applies.
func TestC16DefinitionStatesTheHubRule(t *testing.T) {
	for _, m := range Catalogue() {
		if m.Code == "C16" {
			for _, d := range []string{m.Definition.EN, m.Definition.ES, m.Definition.EU} {
				if !strings.Contains(d, " "+strconv.Itoa(NetworkHubProjects)+" ") {
					t.Errorf("C16's definition does not state the hub rule (%d projects): %q", NetworkHubProjects, d)
				}
			}
			return
		}
	}
	t.Fatal("no C16 in the catalogue")
}

// Envs sharing a page's context (WithShared, Share) build the network and
// its betweenness once: the chart's view Env and the engine's Env of the
// page's metrics. Another scope, or an Env outside the page, has its own;
// the intermediates that are not the network's stay per Env.
func TestSharedNetworkIntermediates(t *testing.T) {
	t.Parallel()
	chart := networkEnv(t, netPathRows, portfolio.Scope{})
	page := WithShared(context.Background())
	newEnv := func(sc portfolio.Scope) *Env {
		e, err := NewEnv(chart.Store, chart.Mission, sc, chart.Params, testNow)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	metricsEnv, scoped, alone := newEnv(portfolio.Scope{}), newEnv(portfolio.Scope{From: &from}), newEnv(portfolio.Scope{})
	for _, e := range []*Env{chart, metricsEnv, scoped} {
		e.Share(page)
	}
	alone.Share(context.Background())
	graph := func(e *Env) *partnerGraph {
		t.Helper()
		pg, err := partnerGraphOf(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := betweennessOf(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		return pg
	}
	first := graph(chart)
	if graph(metricsEnv) != first {
		t.Error("the page's metrics built the network again")
	}
	if graph(scoped) == first || graph(alone) == first {
		t.Error("another scope, or an Env outside the page, read the page's network")
	}
	bc, _ := betweennessOf(context.Background(), chart)
	if again, _ := betweennessOf(context.Background(), metricsEnv); again != bc {
		t.Error("the page's metrics computed the betweenness again")
	}
	vs := netCompute(t, metricsEnv, "C17")
	netWant(t, vs, "C17", 1.0/3, 4, "rank", "1", "project", "B")
	if _, ok := metricsEnv.own.memo["partner-graph"]; ok {
		t.Error("a shared intermediate was kept in the Env's own memo")
	}
}

// C19 counts the links by the levels of their ends from the organisations
// (linksByCategory), not by walking them: on random networks with pairs
// sharing several organisations and nodes of no category, every cell must
// equal the count of the links walked one by one.
func TestLinksByCategoryMatchesWalk(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ n, orgs, most, k int }{{200, 30, 4, 3}, {400, 300, 4, 5}, {300, 60, 2, 1}, {150, 10, 4, 6}} {
		pg := netPartners(tc.n, tc.orgs, tc.most, uint64(tc.n))
		cat := make([]int, tc.n)
		for v := range cat {
			cat[v] = (v*7+v/3)%(tc.k+1) - 1 // −1 (none) to k−1
		}
		want := make([][]int, tc.k+1)
		for i := range want {
			want[i] = make([]int, tc.k+1)
		}
		ls := pg.newLinker()
		multi := 0
		for a := range pg.nodes {
			for _, l := range ls.neighbours(a) {
				if int(l.to) > a {
					x, y := cat[a]+1, cat[l.to]+1
					want[min(x, y)][max(x, y)]++
					if l.shared > 1 {
						multi++
					}
				}
			}
		}
		if tc.most > 2 && multi == 0 {
			t.Fatalf("n=%d: no pair shares two organisations", tc.n)
		}
		got := pg.linksByCategory(cat, tc.k)
		total := 0
		for i := range want {
			for j := range want[i] {
				total += got[i][j]
				if got[i][j] != want[i][j] {
					t.Errorf("n=%d: links between categories %d and %d: got %d, want %d", tc.n, i-1, j-1, got[i][j], want[i][j])
				}
			}
		}
		if total != pg.edges {
			t.Errorf("n=%d: %d links counted, the network has %d", tc.n, total, pg.edges)
		}
	}
}

// nodeIndex answers from a slice when the ids fill their range and from a
// map when they are spread; either way every node is found and every other
// id (between, below, above) is not.
func TestNodeIndex(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		ids   []int64
		dense bool
	}{
		{"sequence with gaps", []int64{107, 101, 103, 104, 110}, true},
		{"spread", []int64{5, 1 << 40, 3 << 20, 77}, false},
		{"one", []int64{42}, true},
	} {
		nodes := make([]netNode, len(tc.ids))
		want := map[int64]int32{}
		for i, id := range tc.ids {
			nodes[i].id = id
			want[id] = int32(i)
		}
		x := newNodeIndex(nodes)
		if (x.ids == nil) != tc.dense {
			t.Errorf("%s: dense %v, want %v", tc.name, x.ids == nil, tc.dense)
		}
		for id := tc.ids[0] - 2000; id < tc.ids[0]+2000; id++ {
			i, ok := x.of(id)
			if w, in := want[id]; ok != in || (in && i != w) {
				t.Errorf("%s: id %d: got %d, %v; want %d, %v", tc.name, id, i, ok, w, in)
			}
		}
		for _, id := range tc.ids {
			if i, ok := x.of(id); !ok || i != want[id] {
				t.Errorf("%s: id %d: got %d, %v; want %d", tc.name, id, i, ok, want[id])
			}
		}
	}
	if _, ok := newNodeIndex(nil).of(0); ok {
		t.Error("an empty index found id 0")
	}
}
