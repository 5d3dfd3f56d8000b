package metrics

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// portfolioProjects is the hand-built portfolio of most tests below. A, B,
// C and D are in scope (active or planned); E is completed, so out of scope
// for every metric. D has no pillar (untagged), no budget, no municipality
// and no start date.
const portfolioProjects = `ext_ref,title,pillars,level,stage,status,budget_total_eur,lead_org,partners,municipality_code,start_date,updated_at
A,Alpha,p1|p2,community,explore,active,100,Org1,Org2|Org3,20001,2026-01-01,2026-10-01
B,Beta,p1,community,design,active,200,Org1,Org2,20002,2026-06-01,2026-05-05
C,Gamma,p2,startup,scale,planned,300,Org2,Org4|Org5|Org6|Org7,20003,2025-11-01,2026-05-04
D,Delta,,regulation,explore,active,,Org1,,,,
E,Epsilon,p3,startup,scale,completed,1000,Org7,Org6,20004,2024-01-01,2026-10-01
`

// portfolioOrgs types four of the seven organisations; Org5–Org7 are
// created untyped by the project import.
const portfolioOrgs = `ext_ref,name,actor_type
O1,Org1,public_admin
O2,Org2,sme
O3,Org3,sme
O4,Org4,community_group
`

// portfolioMain is the main hand-built portfolio.
var portfolioMain = portfolioFiles{ingest.KindOrganisations: portfolioOrgs, ingest.KindProjects: portfolioProjects}

// portfolioMustStore is mustStore with another mission document and
// reference geography loaded before the imports (the import validates
// municipality codes against it).
func portfolioMustStore(t testing.TB, mission string, areas []portfolio.GeoArea, files portfolioFiles) (*store.Store, *portfolio.Mission) {
	t.Helper()
	return mustStoreWith(t, mission, areas, files)
}

// portfolioMustEnv is mustEnv over portfolioMustStore.
func portfolioMustEnv(t testing.TB, mission string, areas []portfolio.GeoArea, files portfolioFiles, p Params) *Env {
	t.Helper()
	st, m := portfolioMustStore(t, mission, areas, files)
	e, err := NewEnv(st, m, portfolio.Scope{}, p, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// portfolioRun computes one metric.
func portfolioRun(t testing.TB, e *Env, code string) []Value {
	t.Helper()
	m := Lookup(code)
	if m == nil {
		t.Fatalf("no metric %s", code)
	}
	vs, err := m.Compute(context.Background(), e)
	if err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	for _, v := range vs {
		if v.Value != nil && (math.IsNaN(*v.Value) || math.IsInf(*v.Value, 0)) {
			t.Fatalf("%s %v: value %v", code, v.Dims, *v.Value)
		}
	}
	return vs
}

// portfolioWant is one expected figure: want nil means null.
type portfolioWant struct {
	dims []string
	want *float64
	n    int64
}

// portfolioNum is a pointer to x, for portfolioWant.
func portfolioNum(x float64) *float64 { return &x }

// portfolioCheck asserts every expected figure of code among vs.
func portfolioCheck(t *testing.T, vs []Value, code string, wants []portfolioWant) {
	t.Helper()
	for _, w := range wants {
		v := find(t, vs, code, w.dims...)
		switch {
		case w.want == nil && v.Value != nil:
			t.Errorf("%s %v: got %v, want null", code, w.dims, *v.Value)
		case w.want != nil && !approx(v.Value, *w.want):
			got := "null"
			if v.Value != nil {
				got = fmt.Sprint(*v.Value)
			}
			t.Errorf("%s %v: got %s, want %v", code, w.dims, got, *w.want)
		}
		if v.N != w.n {
			t.Errorf("%s %v: got n %d, want %d", code, w.dims, v.N, w.n)
		}
	}
}

// portfolioEmpty is a store with the mission and no project.
var portfolioEmpty = portfolioFiles{}

func TestC1Coverage(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C1")
	if len(vs) != 3*3*3 {
		t.Fatalf("got %d values, want 27 (3 pillars × 3 levels × 3 measures, empty cells kept)", len(vs))
	}
	cell := func(a, b, m string) []string {
		return []string{"a_scheme", "pillar", "a", a, "b_scheme", "level", "b", b, "measure", m}
	}
	// In scope and tagged in both: A (p1|p2, community, 100), B (p1,
	// community, 200), C (p2, startup, 300); D has no pillar: n = 3.
	// p1×community: A weighs ½ (two pillars), B 1 → n_full 2, n_frac 1.5,
	// budget ½·100 + 200 = 250. p2×community: A only → 1, 0.5, 50.
	// p2×startup: C → 1, 1, 300. E (completed, p3×startup) is out of scope.
	portfolioCheck(t, vs, "C1", []portfolioWant{
		{cell("p1", "community", "n_full"), portfolioNum(2), 3},
		{cell("p1", "community", "n_frac"), portfolioNum(1.5), 3},
		{cell("p1", "community", "budget_frac"), portfolioNum(250), 3},
		{cell("p2", "community", "n_full"), portfolioNum(1), 3},
		{cell("p2", "community", "n_frac"), portfolioNum(0.5), 3},
		{cell("p2", "community", "budget_frac"), portfolioNum(50), 3},
		{cell("p2", "startup", "n_frac"), portfolioNum(1), 3},
		{cell("p2", "startup", "budget_frac"), portfolioNum(300), 3},
		{cell("p3", "startup", "n_full"), portfolioNum(0), 3}, // E is out of scope: empty cell kept
		{cell("p1", "regulation", "n_frac"), portfolioNum(0), 3},
	})
	// The fractional cells sum to the number of projects tagged in both.
	sum := 0.0
	for _, v := range vs {
		if v.Dims["measure"] == "n_frac" {
			sum += *v.Value
		}
	}
	if math.Abs(sum-3) > 1e-9 {
		t.Errorf("Σ n_frac: got %v, want 3", sum)
	}
}

func TestC1Scope(t *testing.T) {
	t.Parallel()
	// Scope level=startup keeps C only: p2×startup n_full 1, n = 1.
	e := mustEnv(t, portfolioMain, portfolio.Scope{Levels: []string{"startup"}}, Params{})
	vs := portfolioRun(t, e, "C1")
	portfolioCheck(t, vs, "C1", []portfolioWant{
		{[]string{"a", "p2", "b", "startup", "measure", "n_full"}, portfolioNum(1), 1},
		{[]string{"a", "p1", "b", "community", "measure", "n_full"}, portfolioNum(0), 1},
	})
}

func TestC1Empty(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioEmpty, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C1")
	// Counts of an empty portfolio are zeros, n = 0.
	portfolioCheck(t, vs, "C1", []portfolioWant{
		{[]string{"a", "p1", "b", "community", "measure", "n_full"}, portfolioNum(0), 0},
		{[]string{"a", "p1", "b", "community", "measure", "budget_frac"}, portfolioNum(0), 0},
	})
}

func TestC2Gaps(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C2")
	// Non-empty cells: p1×community, p2×community, p2×startup → 9 − 3 = 6
	// gaps; gap_ratio = 6/9. Relevance mask {p1×community, p3×regulation}:
	// only p3×regulation is a gap → relevant_gap_ratio = 1/2. n = 3 tagged.
	portfolioCheck(t, vs, "C2", []portfolioWant{
		{[]string{"a_scheme", "pillar", "b_scheme", "level", "measure", "gap_count"}, portfolioNum(6), 3},
		{[]string{"measure", "gap_ratio"}, portfolioNum(6.0 / 9), 3},
		{[]string{"measure", "relevant_gap_ratio"}, portfolioNum(0.5), 3},
		{[]string{"a", "p1", "b", "community", "measure", "gap"}, portfolioNum(0), 3},
		{[]string{"a", "p3", "b", "regulation", "measure", "gap"}, portfolioNum(1), 3},
		{[]string{"a", "p3", "b", "startup", "measure", "gap"}, portfolioNum(1), 3}, // E out of scope
	})
	if got := len(vs); got != 9+3 {
		t.Errorf("got %d values, want 12 (9 cells + 3 summaries)", got)
	}
}

func TestC2NoMask(t *testing.T) {
	t.Parallel()
	// level × pillar has no relevance mask (the mask is pillar × level).
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{A: "level", B: "pillar"})
	vs := portfolioRun(t, e, "C2")
	for _, v := range vs {
		if v.Dims["measure"] == "relevant_gap_ratio" {
			t.Fatalf("got relevant_gap_ratio %v without a mask", v)
		}
	}
	portfolioCheck(t, vs, "C2", []portfolioWant{{[]string{"measure", "gap_ratio"}, portfolioNum(6.0 / 9), 3}})
}

func TestC2Empty(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioEmpty, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C2")
	portfolioCheck(t, vs, "C2", []portfolioWant{
		{[]string{"measure", "gap_count"}, nil, 0},
		{[]string{"measure", "gap_ratio"}, nil, 0},
		{[]string{"measure", "relevant_gap_ratio"}, nil, 0},
		{[]string{"a", "p1", "b", "community", "measure", "gap"}, nil, 0},
	})
}

func TestC3Shares(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C3")
	sh := func(scheme, term, basis string) []string {
		return []string{"scheme", scheme, "term", term, "basis", basis, "measure", "share"}
	}
	avg := func(scheme, term string) []string {
		return []string{"scheme", scheme, "term", term, "basis", "budget", "measure", "avg_budget"}
	}
	portfolioCheck(t, vs, "C3", []portfolioWant{
		// pillar, count: A = ½ p1 + ½ p2, B = p1, C = p2; D untagged.
		// x = (1.5, 1.5, 0), Σ = 3 → p = (.5, .5, 0), n = 3.
		{sh("pillar", "p1", "count"), portfolioNum(0.5), 3},
		{sh("pillar", "p2", "count"), portfolioNum(0.5), 3},
		{sh("pillar", "p3", "count"), portfolioNum(0), 3},
		// pillar, budget: p1 = 50 + 200 = 250, p2 = 50 + 300 = 350 → 5/12, 7/12.
		{sh("pillar", "p1", "budget"), portfolioNum(250.0 / 600), 3},
		{sh("pillar", "p2", "budget"), portfolioNum(350.0 / 600), 3},
		// avg_budget = budget_frac / n_frac: p1 250/1.5, p2 350/1.5; p3 none.
		{avg("pillar", "p1"), portfolioNum(250 / 1.5), 2},
		{avg("pillar", "p2"), portfolioNum(350 / 1.5), 2},
		{avg("pillar", "p3"), nil, 0},
		// D has no pillar: untagged 1 of 4 in scope; no tagged budget is NULL.
		{[]string{"scheme", "pillar", "measure", "untagged"}, portfolioNum(1), 4},
		{[]string{"scheme", "pillar", "measure", "budget_null"}, portfolioNum(0), 3},
		// level, count: community A, B; startup C; regulation D → (.5, .25, .25).
		{sh("level", "community", "count"), portfolioNum(0.5), 4},
		{sh("level", "regulation", "count"), portfolioNum(0.25), 4},
		// level, budget: D's NULL budget is ignored → (300, 300, 0)/600, n = 3.
		{sh("level", "community", "budget"), portfolioNum(0.5), 3},
		{sh("level", "regulation", "budget"), portfolioNum(0), 3},
		{avg("level", "community"), portfolioNum(150), 2},
		{avg("level", "regulation"), nil, 0},
		{[]string{"scheme", "level", "measure", "untagged"}, portfolioNum(0), 4},
		{[]string{"scheme", "level", "measure", "budget_null"}, portfolioNum(1), 4},
	})
	for _, v := range vs {
		if v.Dims["scheme"] == "actor_type" || v.Dims["scheme"] == "steep" {
			t.Fatalf("got a row of non-project scheme %s", v.Dims["scheme"])
		}
	}
}

func TestC3Scope(t *testing.T) {
	t.Parallel()
	// Scope level=community keeps A and B: p1 = ½ + 1 = 1.5, p2 = ½ → p1 = .75.
	e := mustEnv(t, portfolioMain, portfolio.Scope{Levels: []string{"community"}}, Params{Scheme: "pillar", Basis: "count"})
	vs := portfolioRun(t, e, "C3")
	portfolioCheck(t, vs, "C3", []portfolioWant{
		{[]string{"term", "p1", "measure", "share"}, portfolioNum(0.75), 2},
		{[]string{"measure", "untagged"}, portfolioNum(0), 2},
	})
	for _, v := range vs {
		if v.Dims["basis"] == "budget" || v.Dims["scheme"] != "pillar" {
			t.Fatalf("got %v outside Params (pillar, count)", v.Dims)
		}
	}
}

func TestC3Empty(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioEmpty, portfolio.Scope{}, Params{Scheme: "pillar"})
	vs := portfolioRun(t, e, "C3")
	portfolioCheck(t, vs, "C3", []portfolioWant{
		{[]string{"term", "p1", "basis", "count", "measure", "share"}, nil, 0},
		{[]string{"term", "p1", "basis", "budget", "measure", "share"}, nil, 0},
		{[]string{"term", "p1", "measure", "avg_budget"}, nil, 0},
		{[]string{"measure", "untagged"}, portfolioNum(0), 0},
	})
}

func TestC3AllBudgetsNull(t *testing.T) {
	t.Parallel()
	files := portfolioFiles{ingest.KindProjects: `ext_ref,title,pillars,level
A,Alpha,p1,community
B,Beta,p2,startup
C,Gamma,,startup
`}
	e := mustEnv(t, files, portfolio.Scope{}, Params{Scheme: "pillar"})
	vs := portfolioRun(t, e, "C3")
	portfolioCheck(t, vs, "C3", []portfolioWant{
		// Count shares stand: (1, 1, 0)/2; C is untagged.
		{[]string{"term", "p1", "basis", "count", "measure", "share"}, portfolioNum(0.5), 2},
		// Every budget NULL: Σx = 0, no budget share, n = 0 projects with one.
		{[]string{"term", "p1", "basis", "budget", "measure", "share"}, nil, 0},
		{[]string{"term", "p1", "measure", "avg_budget"}, nil, 0},
		{[]string{"measure", "budget_null"}, portfolioNum(2), 2},
		{[]string{"measure", "untagged"}, portfolioNum(1), 3},
	})
	// C4's budget figures are null too, count ones stand.
	vs = portfolioRun(t, e, "C4")
	portfolioCheck(t, vs, "C4", []portfolioWant{
		{[]string{"basis", "budget", "measure", "shannon_h"}, nil, 0},
		{[]string{"basis", "count", "measure", "shannon_h"}, portfolioNum(math.Ln2), 2},
	})
}

func TestC4Evenness(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C4")
	m := func(scheme, basis, measure string) []string {
		return []string{"scheme", scheme, "basis", basis, "measure", measure}
	}
	portfolioCheck(t, vs, "C4", []portfolioWant{
		// level, count: p = (2/4, 1/4, 1/4): H = −(.5 ln .5 + 2·.25 ln .25)
		// = 0.34657 + 0.69315 = 1.03972; J = H / ln 3 = 0.94639.
		{m("level", "count", "shannon_h"), portfolioNum(-(0.5*math.Log(0.5) + 0.5*math.Log(0.25))), 4},
		{m("level", "count", "pielou_j"), portfolioNum(-(0.5*math.Log(0.5) + 0.5*math.Log(0.25)) / math.Log(3)), 4},
		// pillar, count: p = (.5, .5, 0): H = ln 2 = 0.69315 (p3 empty but
		// K = 3 still), J = ln 2 / ln 3 = 0.63093.
		{m("pillar", "count", "shannon_h"), portfolioNum(math.Ln2), 3},
		{m("pillar", "count", "pielou_j"), portfolioNum(math.Ln2 / math.Log(3)), 3},
		// level, budget: p = (.5, .5, 0) (D's NULL budget ignored), n = 3.
		{m("level", "budget", "shannon_h"), portfolioNum(math.Ln2), 3},
		// challenge: nobody tagged → null, n = 0.
		{m("challenge", "count", "shannon_h"), nil, 0},
	})
}

// portfolioOneTerm is testMission with a single challenge: K = 1.
var portfolioOneTerm = strings.Replace(testMission, "      - {code: water, label: {en: Water, es: Agua}}\n", "", 1)

func TestC4C5C6OneTerm(t *testing.T) {
	t.Parallel()
	files := portfolioFiles{ingest.KindProjects: `ext_ref,title,challenges,budget_total_eur
A,Alpha,food,100
B,Beta,food,200
`}
	e := portfolioMustEnv(t, portfolioOneTerm, nil, files, Params{Scheme: "challenge"})
	// K = 1 < 2: every index is null, with n = 2 tagged projects.
	for _, c := range []struct{ code, measure string }{
		{"C4", "shannon_h"}, {"C4", "pielou_j"}, {"C5", "hhi"}, {"C5", "hhi_norm"}, {"C5", "n_eff"}, {"C6", "rao_stirling"},
	} {
		vs := portfolioRun(t, e, c.code)
		portfolioCheck(t, vs, c.code, []portfolioWant{{[]string{"basis", "count", "measure", c.measure}, nil, 2}})
	}
	// The share itself is defined: food = 1.
	vs := portfolioRun(t, e, "C3")
	portfolioCheck(t, vs, "C3", []portfolioWant{{[]string{"term", "food", "basis", "count", "measure", "share"}, portfolioNum(1), 2}})
}

func TestC5Concentration(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C5")
	m := func(scheme, basis, measure string) []string {
		return []string{"scheme", scheme, "basis", basis, "measure", measure}
	}
	portfolioCheck(t, vs, "C5", []portfolioWant{
		// pillar, count: p = (.5, .5, 0): HHI = .25 + .25 = .5;
		// HHI* = (.5 − 1/3)/(1 − 1/3) = (1/6)/(2/3) = .25; N_eff = 2.
		{m("pillar", "count", "hhi"), portfolioNum(0.5), 3},
		{m("pillar", "count", "hhi_norm"), portfolioNum(0.25), 3},
		{m("pillar", "count", "n_eff"), portfolioNum(2), 3},
		// level, count: p = (.5, .25, .25): HHI = .25 + .0625 + .0625 = .375;
		// HHI* = (.375 − 1/3)/(2/3) = .0625; N_eff = 1/.375 = 2.6667.
		{m("level", "count", "hhi"), portfolioNum(0.375), 4},
		{m("level", "count", "hhi_norm"), portfolioNum(0.0625), 4},
		{m("level", "count", "n_eff"), portfolioNum(1 / 0.375), 4},
		// pillar, budget: p = (5/12, 7/12, 0): HHI = (25 + 49)/144 = 74/144.
		{m("pillar", "budget", "hhi"), portfolioNum(74.0 / 144), 3},
	})
}

func TestC5Empty(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioEmpty, portfolio.Scope{}, Params{Scheme: "level"})
	vs := portfolioRun(t, e, "C5")
	portfolioCheck(t, vs, "C5", []portfolioWant{
		{[]string{"basis", "count", "measure", "hhi"}, nil, 0},
		{[]string{"basis", "budget", "measure", "n_eff"}, nil, 0},
	})
}

func TestC6RaoStirling(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C6")
	m := func(scheme, basis string) []string {
		return []string{"scheme", scheme, "basis", basis, "measure", "rao_stirling"}
	}
	// Nominal pillar: co-tag vectors over the other project schemes (level,
	// challenge, lever, stage; actor_type and steep do not classify projects):
	//   p1 = projects A, B: level community 2; stage explore 1, design 1.
	//   p2 = projects A, C: level community 1, startup 1; stage explore 1, scale 1.
	//   cos = (2·1 + 1·1) / (√(4+1+1) · √(1+1+1+1)) = 3 / (2√6) = 0.612372,
	//   d(p1,p2) = 0.387628; p3 has no projects (zero vector) → d = 1, but p3 = 0.
	d12 := 1 - 3/(2*math.Sqrt(6))
	// Level (ordered, K = 3): d = |Δord|/2: d(c,s) = .5, d(c,r) = 1, d(s,r) = .5.
	portfolioCheck(t, vs, "C6", []portfolioWant{
		// pillar, count p = (.5, .5, 0): D = 2·d12·.5·.5 = 0.193814.
		{m("pillar", "count"), portfolioNum(2 * d12 * 0.25), 3},
		// pillar, budget p = (5/12, 7/12, 0): D = 2·d12·35/144 = 0.188430.
		{m("pillar", "budget"), portfolioNum(2 * d12 * 35 / 144), 3},
		// level, count p = (.5, .25, .25):
		// D = 2·(.5·.5·.25 + 1·.5·.25 + .5·.25·.25) = 2·.21875 = .4375.
		{m("level", "count"), portfolioNum(0.4375), 4},
		// level, budget p = (.5, .5, 0): D = 2·(.5·.5·.5) = .25.
		{m("level", "budget"), portfolioNum(0.25), 3},
		// stage (ordered, K = 3), count: explore A, D; design B; scale C →
		// p = (.5, .25, .25), the same D as level: .4375.
		{m("stage", "count"), portfolioNum(0.4375), 4},
		// lever: nobody tagged → null.
		{m("lever", "count"), nil, 0},
	})
}

func TestC6Distances(t *testing.T) {
	t.Parallel()
	// Cosine distance of sparse co-tag vectors: identical direction → 0,
	// orthogonal → 1, a zero vector → 1 (no evidence of similarity).
	a := map[string]float64{"level/community": 2, "stage/explore": 1, "stage/design": 1}
	b := map[string]float64{"level/community": 1, "level/startup": 1, "stage/explore": 1, "stage/scale": 1}
	for _, c := range []struct {
		name string
		x, y map[string]float64
		want float64
	}{
		{"worked example", a, b, 1 - 3/(2*math.Sqrt(6))},
		{"same direction", a, map[string]float64{"level/community": 4, "stage/explore": 2, "stage/design": 2}, 0},
		{"orthogonal", map[string]float64{"x/1": 1}, map[string]float64{"x/2": 3}, 1},
		{"zero vector", a, nil, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := portfolioCosineDistance(c.x, c.y); math.Abs(got-c.want) > 1e-12 {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	// Ordinal distances use ranks: ordinals 1, 2, 5 (a hole) → ranks 1, 2, 3,
	// K − 1 = 2: d(1st, 3rd) = 1, d(1st, 2nd) = .5.
	d := portfolioOrdinalDistances([]portfolioTermShare{{Ordinal: 1}, {Ordinal: 5}, {Ordinal: 2}})
	if d[0][1] != 1 || d[0][2] != 0.5 || d[1][2] != 0.5 || d[1][0] != 1 {
		t.Errorf("got %v, want [[0 1 .5] [1 0 .5] [.5 .5 0]]", d)
	}
}

func TestC7TargetDistance(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C7")
	// Target level = (.5, .25, .25). Count: p = (.5, .25, .25) → TVD = 0.
	// Budget: p = (.5, .5, 0) → TVD = ½(0 + .25 + .25) = .25.
	portfolioCheck(t, vs, "C7", []portfolioWant{
		{[]string{"scheme", "level", "basis", "count", "measure", "tvd"}, portfolioNum(0), 4},
		{[]string{"scheme", "level", "basis", "budget", "measure", "tvd"}, portfolioNum(0.25), 3},
		{[]string{"scheme", "level", "term", "startup", "basis", "budget", "measure", "actual"}, portfolioNum(0.5), 3},
		{[]string{"scheme", "level", "term", "startup", "basis", "budget", "measure", "target"}, portfolioNum(0.25), 3},
		{[]string{"scheme", "level", "term", "community", "basis", "count", "measure", "target"}, portfolioNum(0.5), 4},
	})
	for _, v := range vs {
		if v.Dims["scheme"] != "level" {
			t.Fatalf("got %v: only level has a target", v.Dims)
		}
	}
}

func TestC7Empty(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioEmpty, portfolio.Scope{}, Params{Basis: "count"})
	vs := portfolioRun(t, e, "C7")
	portfolioCheck(t, vs, "C7", []portfolioWant{
		{[]string{"scheme", "level", "measure", "tvd"}, nil, 0},
		{[]string{"term", "community", "measure", "actual"}, nil, 0},
		{[]string{"term", "community", "measure", "target"}, portfolioNum(0.5), 0},
	})
}

func TestC8Pipeline(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C8")
	portfolioCheck(t, vs, "C8", []portfolioWant{
		// explore: A, D; design: B; scale: C (E out of scope). n = 4 staged.
		{[]string{"stage", "explore", "measure", "count"}, portfolioNum(2), 4},
		{[]string{"stage", "design", "measure", "count"}, portfolioNum(1), 4},
		{[]string{"stage", "scale", "measure", "count"}, portfolioNum(1), 4},
		// Budgets: explore 100 (D's NULL ignored, n = 1 with a budget), design 200, scale 300.
		{[]string{"stage", "explore", "measure", "budget"}, portfolioNum(100), 1},
		{[]string{"stage", "scale", "measure", "budget"}, portfolioNum(300), 1},
		// Early = ordinal ≤ 2 = explore + design = 3 of 4.
		{[]string{"measure", "early_share"}, portfolioNum(0.75), 4},
		{[]string{"measure", "untagged"}, portfolioNum(0), 4},
		{[]string{"measure", "budget_null"}, portfolioNum(1), 4},
		// Stage entered = start date; today 2026-11-01 (Europe/Madrid):
		// A 2026-01-01 → 304 days, B 2026-06-01 → 153, C 2025-11-01 → 365;
		// D has none. Median of (153, 304, 365) = 304, n = 3.
		{[]string{"measure", "median_days_in_stage"}, portfolioNum(304), 3},
	})
}

func TestC8EvenMedianAndFuture(t *testing.T) {
	t.Parallel()
	files := portfolioFiles{ingest.KindProjects: `ext_ref,title,stage,start_date
A,Alpha,explore,2026-10-22
B,Beta,scale,2026-12-01
`}
	e := mustEnv(t, files, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C8")
	portfolioCheck(t, vs, "C8", []portfolioWant{
		// A: 10 days; B starts in the future → 0 days. Median (0 + 10)/2 = 5.
		{[]string{"measure", "median_days_in_stage"}, portfolioNum(5), 2},
		// Early: A of (A, B) = .5.
		{[]string{"measure", "early_share"}, portfolioNum(0.5), 2},
	})
}

func TestC8Empty(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioEmpty, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C8")
	portfolioCheck(t, vs, "C8", []portfolioWant{
		{[]string{"measure", "early_share"}, nil, 0},
		{[]string{"measure", "median_days_in_stage"}, nil, 0},
		{[]string{"stage", "explore", "measure", "count"}, portfolioNum(0), 0},
	})
}

// portfolioFacets is testMission with the facet and horizon schemes.
var portfolioFacets = strings.Replace(testMission, "targets:", `  - code: facet
    label: {en: Facet}
    terms:
      - {code: mission, label: {en: Mission}}
      - {code: enhancement, label: {en: Enhancement}}
      - {code: adaptive, label: {en: Adaptive}}
      - {code: anticipatory, label: {en: Anticipatory}}
  - code: horizon
    label: {en: Horizon}
    terms:
      - {code: H1, label: {en: H1}}
      - {code: H2, label: {en: H2}}
      - {code: H3, label: {en: H3}}
targets:`, 1)

func TestC10FacetHorizon(t *testing.T) {
	t.Parallel()
	files := portfolioFiles{ingest.KindProjects: `ext_ref,title,facet,horizon,budget_total_eur
A,Alpha,mission,H1,100
B,Beta,mission,H3,300
C,Gamma,anticipatory,H1,
D,Delta,,,50
`}
	e := portfolioMustEnv(t, portfolioFacets, nil, files, Params{})
	vs := portfolioRun(t, e, "C10")
	sh := func(scheme, term, basis string) []string {
		return []string{"scheme", scheme, "term", term, "basis", basis, "measure", "share"}
	}
	portfolioCheck(t, vs, "C10", []portfolioWant{
		// facet, count: mission A, B; anticipatory C; D untagged → (2/3, 0, 0, 1/3).
		{sh("facet", "mission", "count"), portfolioNum(2.0 / 3), 3},
		{sh("facet", "enhancement", "count"), portfolioNum(0), 3},
		{sh("facet", "anticipatory", "count"), portfolioNum(1.0 / 3), 3},
		// facet, budget: C's NULL ignored → mission 400/400 = 1, n = 2.
		{sh("facet", "mission", "budget"), portfolioNum(1), 2},
		{sh("facet", "anticipatory", "budget"), portfolioNum(0), 2},
		{[]string{"scheme", "facet", "measure", "untagged"}, portfolioNum(1), 4},
		{[]string{"scheme", "facet", "measure", "budget_null"}, portfolioNum(1), 3},
		// horizon, count: H1 A, C; H3 B → (2/3, 0, 1/3).
		{sh("horizon", "H1", "count"), portfolioNum(2.0 / 3), 3},
		{sh("horizon", "H3", "count"), portfolioNum(1.0 / 3), 3},
		// avg budget H3 = 300 (B alone).
		{[]string{"scheme", "horizon", "term", "H3", "measure", "avg_budget"}, portfolioNum(300), 1},
	})
	for _, v := range vs {
		if s := v.Dims["scheme"]; s != "facet" && s != "horizon" {
			t.Fatalf("got a C10 row of scheme %s", s)
		}
	}
}

func TestC10SkipsMissingSchemes(t *testing.T) {
	t.Parallel()
	// testMission has neither facet nor horizon: no rows, no error.
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	if vs := portfolioRun(t, e, "C10"); len(vs) != 0 {
		t.Fatalf("got %d values, want none", len(vs))
	}
}

func TestC11LevelCoverage(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C11")
	portfolioCheck(t, vs, "C11", []portfolioWant{
		// C3 over level: community A, B of 4 → .5.
		{[]string{"scheme", "level", "term", "community", "basis", "count", "measure", "share"}, portfolioNum(0.5), 4},
		{[]string{"scheme", "level", "measure", "untagged"}, portfolioNum(0), 4},
		// level × pillar: community×p1 = A ½ + B 1 = 1.5 (n_full 2); n = 3
		// tagged in both (D has no pillar).
		{[]string{"a_scheme", "level", "a", "community", "b_scheme", "pillar", "b", "p1", "measure", "n_frac"}, portfolioNum(1.5), 3},
		{[]string{"a_scheme", "level", "a", "community", "b_scheme", "pillar", "b", "p1", "measure", "n_full"}, portfolioNum(2), 3},
		{[]string{"a_scheme", "level", "a", "startup", "b_scheme", "pillar", "b", "p2", "measure", "budget_frac"}, portfolioNum(300), 3},
		// level × lever: nobody has a lever → empty cells, n = 0.
		{[]string{"a_scheme", "level", "a", "community", "b_scheme", "lever", "b", "finance", "measure", "n_full"}, portfolioNum(0), 0},
	})
	cells := 0
	for _, v := range vs {
		if v.Dims["a_scheme"] == "level" {
			cells++
		}
	}
	if cells != 2*3*3*3 {
		t.Errorf("got %d matrix values, want 54 (2 matrices × 3 × 3 × 3 measures)", cells)
	}
}

// portfolioGeo is a small territory: comarcas K1 (20001 pop 1000, 20002
// pop 3000), K2 (20003 pop 2000), K3 (20004 pop 4000). Population 10,000.
func portfolioGeo() []portfolio.GeoArea {
	pop := func(n int64) *int64 { return &n }
	return []portfolio.GeoArea{
		{Code: "K1", NameEU: "K1", NameES: "K1", Level: "comarca"},
		{Code: "K2", NameEU: "K2", NameES: "K2", Level: "comarca"},
		{Code: "K3", NameEU: "K3", NameES: "K3", Level: "comarca"},
		{Code: "20001", NameEU: "M1", NameES: "M1", Level: "municipality", ParentCode: "K1", Population: pop(1000)},
		{Code: "20002", NameEU: "M2", NameES: "M2", Level: "municipality", ParentCode: "K1", Population: pop(3000)},
		{Code: "20003", NameEU: "M3", NameES: "M3", Level: "municipality", ParentCode: "K2", Population: pop(2000)},
		{Code: "20004", NameEU: "M4", NameES: "M4", Level: "municipality", ParentCode: "K3", Population: pop(4000)},
	}
}

func TestC12Territory(t *testing.T) {
	t.Parallel()
	e := portfolioMustEnv(t, testMission, portfolioGeo(), portfolioMain, Params{})
	vs := portfolioRun(t, e, "C12")
	portfolioCheck(t, vs, "C12", []portfolioWant{
		// Located in scope: A 20001 (K1, 100), B 20002 (K1, 200), C 20003
		// (K2, 300); D has no municipality; E (20004, K3) is out of scope.
		// Comarcas covered: K1, K2 of 3 → 2/3.
		{[]string{"measure", "comarca_share"}, portfolioNum(2.0 / 3), 3},
		// Municipalities covered: 20001, 20002, 20003 of 4 → .75.
		{[]string{"measure", "municipality_share"}, portfolioNum(0.75), 4},
		// 3 projects and €600 over 10,000 inhabitants → 3 and 600 per 10k.
		{[]string{"measure", "projects_per_10k"}, portfolioNum(3), 3},
		{[]string{"measure", "eur_per_10k"}, portfolioNum(600), 3},
		// € per inhabitant: K1 300/4000 = .075, K2 300/2000 = .15, K3 0.
		// ȳ = .075; ΣΣ|y_i − y_j| = 2(.075 + .075 + .15) = .6;
		// G = .6 / (2·3²·.075) = .6 / 1.35 = 0.4444.
		{[]string{"measure", "gini_eur_per_capita"}, portfolioNum(0.6 / 1.35), 3},
		{[]string{"comarca", "K1", "measure", "projects"}, portfolioNum(2), 2},
		{[]string{"comarca", "K1", "measure", "budget"}, portfolioNum(300), 2},
		{[]string{"comarca", "K1", "measure", "eur_per_capita"}, portfolioNum(0.075), 2},
		{[]string{"comarca", "K2", "measure", "eur_per_capita"}, portfolioNum(0.15), 1},
		{[]string{"comarca", "K3", "measure", "projects"}, portfolioNum(0), 0},
		{[]string{"comarca", "K3", "measure", "eur_per_capita"}, portfolioNum(0), 0},
	})
}

func TestC12Scope(t *testing.T) {
	t.Parallel()
	// Scope comarca=K2 keeps C only: 1 of 3 comarcas, 1 of 4 municipalities;
	// € per inhabitant (0, .15, 0): ȳ = .05, ΣΣ = 2(.15 + .15) = .6,
	// G = .6 / (2·9·.05) = .6/.9 = 2/3.
	st, m := portfolioMustStore(t, testMission, portfolioGeo(), portfolioMain)
	e, err := NewEnv(st, m, portfolio.Scope{Comarcas: []string{"K2"}}, Params{}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	vs := portfolioRun(t, e, "C12")
	portfolioCheck(t, vs, "C12", []portfolioWant{
		{[]string{"measure", "comarca_share"}, portfolioNum(1.0 / 3), 3},
		{[]string{"measure", "municipality_share"}, portfolioNum(0.25), 4},
		{[]string{"measure", "gini_eur_per_capita"}, portfolioNum(2.0 / 3), 3},
	})
}

func TestC12NoGeography(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C12")
	for _, m := range []string{"comarca_share", "municipality_share", "projects_per_10k", "eur_per_10k", "gini_eur_per_capita"} {
		portfolioCheck(t, vs, "C12", []portfolioWant{{[]string{"measure", m}, nil, 0}})
	}
	if len(vs) != 5 {
		t.Errorf("got %d values, want 5 (no comarca rows without geography)", len(vs))
	}
}

func TestC12Empty(t *testing.T) {
	t.Parallel()
	e := portfolioMustEnv(t, testMission, portfolioGeo(), portfolioEmpty, Params{})
	vs := portfolioRun(t, e, "C12")
	portfolioCheck(t, vs, "C12", []portfolioWant{
		{[]string{"measure", "comarca_share"}, portfolioNum(0), 3},
		{[]string{"measure", "projects_per_10k"}, portfolioNum(0), 0},
		// Every comarca at 0 €: ȳ = 0, Gini undefined.
		{[]string{"measure", "gini_eur_per_capita"}, nil, 3},
	})
}

func TestC13ActorMix(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C13")
	// Distinct (project, org) pairs in scope: A {1,2,3}, B {1,2},
	// C {2,4,5,6,7}, D {1} = 11 (E's pairs are out of scope).
	// Per org: Org1 3, Org2 3, Org3..Org7 1 each.
	// Typed: Org1 public_admin 3, Org2 sme 3, Org3 sme 1, Org4
	// community_group 1 = 8; Org5–Org7 untyped = 3.
	portfolioCheck(t, vs, "C13", []portfolioWant{
		{[]string{"actor_type", "public_admin", "measure", "share"}, portfolioNum(3.0 / 8), 8},
		{[]string{"actor_type", "sme", "measure", "share"}, portfolioNum(4.0 / 8), 8},
		{[]string{"actor_type", "community_group", "measure", "share"}, portfolioNum(1.0 / 8), 8},
		{[]string{"measure", "untagged"}, portfolioNum(3), 11},
		// Top 5: 3 + 3 + 1 + 1 + 1 = 9 of 11.
		{[]string{"measure", "top5_share"}, portfolioNum(9.0 / 11), 11},
		// HHI = (3² + 3² + 5·1²)/11² = 23/121 = 0.190083.
		{[]string{"measure", "hhi_orgs"}, portfolioNum(23.0 / 121), 11},
	})
}

func TestC13Empty(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioEmpty, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C13")
	portfolioCheck(t, vs, "C13", []portfolioWant{
		{[]string{"actor_type", "sme", "measure", "share"}, nil, 0},
		{[]string{"measure", "top5_share"}, nil, 0},
		{[]string{"measure", "hhi_orgs"}, nil, 0},
	})
}

// portfolioSetLayers sets leverage layers (no CSV column carries them).
func portfolioSetLayers(t *testing.T, e *Env, layers map[string]int) {
	t.Helper()
	for ref, layer := range layers {
		_, err := e.Store.DB().Exec(`UPDATE project SET leverage_layer = ? WHERE mission_id = ? AND ext_ref = ?`, layer, e.Mission.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestC15Leverage(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	portfolioSetLayers(t, e, map[string]int{"A": 1, "B": 3, "C": 2, "D": 3, "E": 2})
	vs := portfolioRun(t, e, "C15")
	// Follow-on (2, 3): B 200 + C 300 (+ D NULL, ignored) = 500; base A 100
	// → 5. E (completed) is out of scope. n = 4 projects with a layer.
	portfolioCheck(t, vs, "C15", []portfolioWant{
		{[]string{"measure", "leverage"}, portfolioNum(5), 4},
		{[]string{"measure", "budget_null"}, portfolioNum(1), 4},
	})
}

func TestC15NoBase(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	// Only follow-on layers, and D (layer 1) has no budget: base = 0 → null.
	portfolioSetLayers(t, e, map[string]int{"C": 2, "D": 1})
	vs := portfolioRun(t, e, "C15")
	portfolioCheck(t, vs, "C15", []portfolioWant{{[]string{"measure", "leverage"}, nil, 2}})

	e = mustEnv(t, portfolioEmpty, portfolio.Scope{}, Params{})
	vs = portfolioRun(t, e, "C15")
	portfolioCheck(t, vs, "C15", []portfolioWant{{[]string{"measure", "leverage"}, nil, 0}})
}

func TestC20DataHealth(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C20")
	portfolioCheck(t, vs, "C20", []portfolioWant{
		// Fresh = updated on or after 2026-11-01 − 180 days = 2026-05-05:
		// A 2026-10-01 yes, B 2026-05-05 yes (boundary), C 2026-05-04 no,
		// D none → 2 of 4.
		{[]string{"measure", "fresh_share"}, portfolioNum(0.5), 4},
		// Required fields (title, level, stage, pillars, budget,
		// municipality, lead org, start date): A, B, C 8/8; D has title,
		// level, stage, lead org = 4/8. Mean (1 + 1 + 1 + .5)/4 = .875.
		{[]string{"measure", "completeness"}, portfolioNum(0.875), 4},
		{[]string{"field", "pillars", "measure", "filled_share"}, portfolioNum(0.75), 4},
		{[]string{"field", "lead_org", "measure", "filled_share"}, portfolioNum(1), 4},
	})
}

func TestC20Empty(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioEmpty, portfolio.Scope{}, Params{})
	vs := portfolioRun(t, e, "C20")
	portfolioCheck(t, vs, "C20", []portfolioWant{
		{[]string{"measure", "fresh_share"}, nil, 0},
		{[]string{"measure", "completeness"}, nil, 0},
	})
}

func TestC3MemoisedShares(t *testing.T) {
	t.Parallel()
	// C3–C7 reuse one load per scheme: the memo holds it after C3.
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{Scheme: "level"})
	portfolioRun(t, e, "C3")
	if _, ok := e.own.memo["shares:level"]; !ok {
		t.Fatal("shares:level not memoised")
	}
}

func TestC1toC20Catalogue(t *testing.T) {
	t.Parallel()
	// Every portfolio metric has a trilingual label and definition, and the
	// whole family runs over the main portfolio without NaN or Inf.
	e := mustEnv(t, portfolioMain, portfolio.Scope{}, Params{})
	for _, m := range portfolioMetrics() {
		for _, l := range catalogued(t, m.Code) {
			if l.EN == "" || l.ES == "" || l.EU == "" {
				t.Errorf("%s: label or definition missing a language: %+v", m.Code, l)
			}
		}
		portfolioRun(t, e, m.Code)
	}
}
