package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// cell is a compact coverage cell for expectations.
func cell(a, b string, full int64, frac, budget float64) portfolio.CoverageCell {
	return portfolio.CoverageCell{A: a, B: b, NFull: full, NFrac: frac, BudgetFrac: budget}
}

// pillarLevel returns the nine pillar × level cells, all empty, in document
// order, with the given cells filled in.
func pillarLevel(filled ...portfolio.CoverageCell) []portfolio.CoverageCell {
	var out []portfolio.CoverageCell
	for _, a := range []string{"social_cohesion", "decarbonisation", "adaptation"} {
		for _, b := range []string{"community", "startup", "regulation"} {
			c := cell(a, b, 0, 0, 0)
			for _, f := range filled {
				if f.A == a && f.B == b {
					c = f
				}
			}
			out = append(out, c)
		}
	}
	return out
}

func assertCells(t *testing.T, got, want []portfolio.CoverageCell) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("cells: got %d %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.A != w.A || g.B != w.B || g.NFull != w.NFull || !approx(g.NFrac, w.NFrac) || !approx(g.BudgetFrac, w.BudgetFrac) {
			t.Errorf("cell %d: got %+v, want %+v", i, g, w)
		}
	}
}

func TestCoverage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)
	date := func(s string) *time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}

	for _, tc := range []struct {
		name  string
		scope portfolio.Scope
		want  []portfolio.CoverageCell
	}{
		{
			// Default scope: P1, P2, P3, P4 (P7 has no pillar; P5 and P6 are
			// completed and stopped). K_pillar·K_level = 3·3 = 9 cells: the
			// inactive pillar culture does not count.
			//   P1 social_cohesion|decarbonisation × community, €1000:
			//      t_a=2, t_b=1 → weighs 1/2 in two cells, €500 each
			//   P2 decarbonisation × community, €400 → 1 and €400
			//   P3 adaptation × regulation, no budget → 1 and €0
			//   P4 decarbonisation × startup, €600 → 1 and €600
			// (decarbonisation, community) = P1 + P2: n_full 2, n_frac 1/2 + 1 = 1.5,
			// budget 500 + 400 = 900. n_frac sums to 0.5 + 1.5 + 1 + 1 = 4, the
			// four projects tagged in both schemes; n_full sums to 5.
			name:  "default scope",
			scope: portfolio.Scope{},
			want: pillarLevel(
				cell("social_cohesion", "community", 1, 0.5, 500),
				cell("decarbonisation", "community", 2, 1.5, 900),
				cell("decarbonisation", "startup", 1, 1, 600),
				cell("adaptation", "regulation", 1, 1, 0),
			),
		},
		{
			// Only P1 and P2 are at level community.
			name:  "level filter",
			scope: portfolio.Scope{Levels: []string{"community"}},
			want: pillarLevel(
				cell("social_cohesion", "community", 1, 0.5, 500),
				cell("decarbonisation", "community", 2, 1.5, 900),
			),
		},
		{
			// The pillar filter selects projects, not cells: P1 keeps its
			// half in decarbonisation too.
			name:  "pillar filter",
			scope: portfolio.Scope{Pillars: []string{"social_cohesion"}},
			want: pillarLevel(
				cell("social_cohesion", "community", 1, 0.5, 500),
				cell("decarbonisation", "community", 1, 0.5, 500),
			),
		},
		{
			// Explicit statuses replace the default: P5 (€5000) and P6 (€7000).
			name:  "completed and stopped",
			scope: portfolio.Scope{Statuses: []string{portfolio.StatusCompleted, portfolio.StatusStopped}},
			want: pillarLevel(
				cell("social_cohesion", "startup", 1, 1, 5000),
				cell("adaptation", "community", 1, 1, 7000),
			),
		},
		{
			// Running before 2024: P2 (from 2023-05-01) and P4 (no start date).
			name:  "to date",
			scope: portfolio.Scope{To: date("2024-01-01")},
			want: pillarLevel(
				cell("decarbonisation", "community", 1, 1, 400),
				cell("decarbonisation", "startup", 1, 1, 600),
			),
		},
		{
			// Running on or after 2025-01-01: P1 (ends 2026), P2, P3, P4 (no end date).
			name:  "from date",
			scope: portfolio.Scope{From: date("2025-01-01")},
			want: pillarLevel(
				cell("social_cohesion", "community", 1, 0.5, 500),
				cell("decarbonisation", "community", 2, 1.5, 900),
				cell("decarbonisation", "startup", 1, 1, 600),
				cell("adaptation", "regulation", 1, 1, 0),
			),
		},
		{
			name:  "nothing in scope",
			scope: portfolio.Scope{Stages: []string{"scale"}},
			want:  pillarLevel(),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Coverage(ctx, m, "pillar", "level", tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			assertCells(t, got, tc.want)
		})
	}

	t.Run("fractions sum to projects tagged in both", func(t *testing.T) {
		cells, err := st.Coverage(ctx, m, "pillar", "level", portfolio.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		var frac, budget float64
		var full int64
		for _, c := range cells {
			frac, full, budget = frac+c.NFrac, full+c.NFull, budget+c.BudgetFrac
		}
		// P1, P2, P3, P4; budgets 1000 + 400 + 600 (P3 has none).
		if !approx(frac, 4) || full != 5 || !approx(budget, 2000) {
			t.Errorf("sums: got n_frac %v, n_full %d, budget %v, want 4, 5, 2000", frac, full, budget)
		}
	})

	t.Run("same scheme twice", func(t *testing.T) {
		// P1 weighs 1/2·1/2 in each of its four pillar × pillar cells.
		cells, err := st.Coverage(ctx, m, "pillar", "pillar", portfolio.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cells) != 9 {
			t.Fatalf("cells: got %d, want 9", len(cells))
		}
		for _, c := range cells {
			if c.A == "social_cohesion" && c.B == "decarbonisation" && (c.NFull != 1 || !approx(c.NFrac, 0.25) || !approx(c.BudgetFrac, 250)) {
				t.Errorf("social_cohesion × decarbonisation: got %+v, want n_full 1, n_frac 0.25, budget 250", c)
			}
		}
	})

	t.Run("unknown scheme", func(t *testing.T) {
		for _, ab := range [][2]string{{"nope", "level"}, {"pillar", "nope"}} {
			_, err := st.Coverage(ctx, m, ab[0], ab[1], portfolio.Scope{})
			if got := portfolio.ErrorCode(err); got != portfolio.EINVALID {
				t.Errorf("%s × %s: got code %s (%v), want %s", ab[0], ab[1], got, err, portfolio.EINVALID)
			}
			if !strings.Contains(portfolio.ErrorMessage(err), `"nope"`) {
				t.Errorf("%s × %s: got message %q, want it to name %q", ab[0], ab[1], portfolio.ErrorMessage(err), "nope")
			}
		}
	})
}

func TestShares(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)

	for _, tc := range []struct {
		name   string
		scheme string
		scope  portfolio.Scope
		want   []portfolio.Share
	}{
		{
			// Default scope P1, P2, P3, P4, P7. P1 has two pillars: 1/2 and
			// €500 in each. P3 has no budget. P7 has no pillar: the untagged
			// row. The inactive culture gets no row. n_frac sums with the
			// untagged row to the five projects in scope.
			name: "pillar", scheme: "pillar",
			want: []portfolio.Share{
				{Term: "social_cohesion", NFull: 1, NFrac: 0.5, BudgetFrac: 500},
				{Term: "decarbonisation", NFull: 3, NFrac: 2.5, BudgetFrac: 1500}, // P1 ½ + P2 + P4; 500+400+600
				{Term: "adaptation", NFull: 1, NFrac: 1, BudgetFrac: 0, BudgetNull: 1},
				{Term: "", NFull: 1, NFrac: 1, BudgetFrac: 200},
			},
		},
		{
			// Every project carries a stage: the untagged row is zero, and
			// the unused term scale is still listed.
			name: "stage", scheme: "stage",
			want: []portfolio.Share{
				{Term: "explore", NFull: 3, NFrac: 3, BudgetFrac: 600, BudgetNull: 1}, // P2 400, P3 null, P7 200
				{Term: "pilot", NFull: 2, NFrac: 2, BudgetFrac: 1600},                 // P1 1000, P4 600
				{Term: "scale"},
				{Term: ""},
			},
		},
		{
			name: "level in a filtered scope", scheme: "level",
			scope: portfolio.Scope{Statuses: []string{portfolio.StatusCompleted, portfolio.StatusStopped}},
			want: []portfolio.Share{
				{Term: "community", NFull: 1, NFrac: 1, BudgetFrac: 7000}, // P6
				{Term: "startup", NFull: 1, NFrac: 1, BudgetFrac: 5000},   // P5
				{Term: "regulation"},
				{Term: ""},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Shares(ctx, m, tc.scheme, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("shares: got %d rows %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Term != w.Term || g.NFull != w.NFull || !approx(g.NFrac, w.NFrac) || !approx(g.BudgetFrac, w.BudgetFrac) || g.BudgetNull != w.BudgetNull {
					t.Errorf("row %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}

	t.Run("unknown scheme", func(t *testing.T) {
		_, err := st.Shares(ctx, m, "nope", portfolio.Scope{})
		if got := portfolio.ErrorCode(err); got != portfolio.EINVALID {
			t.Errorf("got code %s (%v), want %s", got, err, portfolio.EINVALID)
		}
	})
}

// TestSharesFollowDocumentOrder pins the row order charts rely on: every
// active term in document order, the untagged row last. Without an ORDER BY
// DuckDB returned the demo's stages shuffled when the machine was busy.
func TestSharesFollowDocumentOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	if err := demo.Load(ctx, st, ingest.New(st, time.Now), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	m, err := st.Mission(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range m.Schemes {
		if !sc.AppliesToKind(portfolio.KindProject) {
			continue
		}
		var want []string
		for _, term := range sc.ActiveTerms() {
			want = append(want, term.Code)
		}
		want = append(want, "")
		for rep := 0; rep < 5; rep++ {
			shares, err := st.Shares(ctx, m, sc.Code, portfolio.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, sh := range shares {
				got = append(got, sh.Term)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("%s shares, call %d: got terms %q, want %q", sc.Code, rep+1, got, want)
			}
		}
	}
}

func TestKPIs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)

	for _, tc := range []struct {
		name  string
		scope portfolio.Scope
		want  portfolio.KPIs
	}{
		// P1, P2, P3, P4, P7: €1000 + 400 + 600 + 200, P3 without a budget;
		// organisations Alpha Coop, Beta SL (lead of P2, partner of P1) and
		// Gamma Univ; approved signals S1 and S3 (signals follow the scope's
		// signal filters only: level observed, pillar, challenge, lever).
		{"default scope", portfolio.Scope{}, portfolio.KPIs{Projects: 5, Budget: 2200, BudgetNull: 1, Organisations: 3, Signals: 2}},
		// P5 led by Delta, €5000.
		{"completed", portfolio.Scope{Statuses: []string{portfolio.StatusCompleted}}, portfolio.KPIs{Projects: 1, Budget: 5000, Organisations: 1, Signals: 2}},
		{"empty scope", portfolio.Scope{Levels: []string{"regulation"}, Pillars: []string{"decarbonisation"}}, portfolio.KPIs{Signals: 0}},
		// P1 and P2 at community level (€1000 + 400, Alpha, Beta and Gamma
		// take part); of the approved signals only S1 is observed there.
		{"signal scope", portfolio.Scope{Levels: []string{"community"}}, portfolio.KPIs{Projects: 2, Budget: 1400, Organisations: 3, Signals: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.KPIs(ctx, m, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			if got.Projects != tc.want.Projects || !approx(got.Budget, tc.want.Budget) || got.BudgetNull != tc.want.BudgetNull ||
				got.Organisations != tc.want.Organisations || got.Signals != tc.want.Signals {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}

	t.Run("other mission", func(t *testing.T) {
		other := testMission()
		other.Slug = "other"
		om := MustApply(t, st, other)
		got, err := st.KPIs(ctx, om, portfolio.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if got != (portfolio.KPIs{}) {
			t.Errorf("empty mission: got %+v, want all zero", got)
		}
	})
}

func TestBudgetTree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)
	got, err := st.BudgetTree(ctx, m, "pillar", "level", portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	// Projects with a budget and both schemes: P1 (€1000, two pillars →
	// €500 each), P2 (€400), P4 (€600). P3 has no budget, P7 no pillar.
	// Largest first.
	want := []portfolio.BudgetLeaf{
		{A: "decarbonisation", B: "community", Budget: 900, Projects: 2}, // P1 500 + P2 400
		{A: "decarbonisation", B: "startup", Budget: 600, Projects: 1},
		{A: "social_cohesion", B: "community", Budget: 500, Projects: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("leaves: got %+v, want %+v", got, want)
	}
	total := 0.0
	for i, w := range want {
		g := got[i]
		if g.A != w.A || g.B != w.B || !approx(g.Budget, w.Budget) || g.Projects != w.Projects {
			t.Errorf("leaf %d: got %+v, want %+v", i, g, w)
		}
		total += g.Budget
	}
	if !approx(total, 2000) {
		t.Errorf("total: got %v, want 2000 (the budget of P1, P2 and P4)", total)
	}

	empty, err := st.BudgetTree(ctx, m, "pillar", "level", portfolio.Scope{Stages: []string{"scale"}})
	if err != nil || len(empty) != 0 {
		t.Errorf("empty scope: got %+v, %v, want no leaves", empty, err)
	}
	if _, err := st.BudgetTree(ctx, m, "pillar", "nope", portfolio.Scope{}); portfolio.ErrorCode(err) != portfolio.EINVALID {
		t.Errorf("unknown scheme: got %v, want %s", err, portfolio.EINVALID)
	}
}

func TestProjectTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)
	got, err := st.ProjectTags(ctx, m, "pillar", portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	// One row per (project, pillar) in scope, by ext_ref then term; P7
	// has no pillar, P5 and P6 are out of the default scope.
	want := []string{
		"P1/decarbonisation/Community energy/1000",
		"P1/social_cohesion/Community energy/1000",
		"P2/decarbonisation/Bike lanes/400",
		"P3/adaptation/Flood watch/<nil>",
		"P4/decarbonisation/Heat pump start-up/600",
	}
	if len(got) != len(want) {
		t.Fatalf("tags: got %d %+v, want %d", len(got), got, len(want))
	}
	for i, tag := range got {
		budget := "<nil>"
		if tag.Budget != nil {
			budget = fmt.Sprint(*tag.Budget)
		}
		if s := tag.ExtRef + "/" + tag.Term + "/" + tag.Title + "/" + budget; s != want[i] {
			t.Errorf("tag %d: got %s, want %s", i, s, want[i])
		}
	}

	stopped, err := st.ProjectTags(ctx, m, "level", portfolio.Scope{Statuses: []string{portfolio.StatusStopped}})
	if err != nil {
		t.Fatal(err)
	}
	if len(stopped) != 1 || stopped[0].ExtRef != "P6" || stopped[0].Term != "community" {
		t.Errorf("stopped projects' levels: got %+v, want P6 community", stopped)
	}
	if _, err := st.ProjectTags(ctx, m, "nope", portfolio.Scope{}); portfolio.ErrorCode(err) != portfolio.EINVALID {
		t.Errorf("unknown scheme: got %v, want %s", err, portfolio.EINVALID)
	}
}
