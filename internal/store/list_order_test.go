package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/begira/begira/internal/portfolio"
)

func refsOf[T any](items []T, ref func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, ref(it))
	}
	return out
}

func TestProjectsSearchAndSort(t *testing.T) {
	ctx := context.Background()
	st, m := MustFixture(t)
	all := portfolio.Scope{AnyStatus: true}
	for _, tc := range []struct {
		name      string
		scope     portfolio.Scope
		page      portfolio.Page
		wantRefs  []string
		wantTotal int64
	}{
		// Case and accents ignored on both sides.
		{"title, other case and accents", all, portfolio.Page{Search: "  BÍKE "}, []string{"P2"}, 1},
		{"lead's name", all, portfolio.Page{Search: "alpha"}, []string{"P1"}, 1},
		// P1 and P2 have Beta SL as partner and lead.
		{"partner's name", all, portfolio.Page{Search: "beta"}, []string{"P1", "P2"}, 2},
		{"within the scope only", portfolio.Scope{Statuses: []string{"completed"}}, portfolio.Page{Search: "e"}, []string{"P5"}, 1},
		{"a wildcard is text", all, portfolio.Page{Search: "%"}, []string{}, 0},
		{"budget descending, unknown last", all, portfolio.Page{Sort: "-budget"}, []string{"P6", "P5", "P1", "P4", "P2", "P7", "P3"}, 7},
		{"budget ascending, unknown last", all, portfolio.Page{Sort: "budget", Limit: 7}, []string{"P7", "P2", "P4", "P1", "P5", "P6", "P3"}, 7},
		{"title", all, portfolio.Page{Sort: "title", Limit: 3}, []string{"P2", "P1", "P6"}, 7},
		// The stage scheme's order (explore, pilot, scale), not the codes'.
		{"stage by its order", portfolio.Scope{}, portfolio.Page{Sort: "-stage"}, []string{"P1", "P4", "P2", "P3", "P7"}, 5},
		// "Flood watch" has no e.
		{"search and sort", all, portfolio.Page{Search: "e", Sort: "-ext_ref", Limit: 2}, []string{"P7", "P6"}, 6},
		{"every row", all, portfolio.Page{All: true, Limit: 2, Offset: 5}, []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7"}, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, total, err := st.Projects(ctx, m, tc.scope, tc.page)
			if err != nil {
				t.Fatal(err)
			}
			if got := refsOf(items, func(p portfolio.Project) string { return p.ExtRef }); !slices.Equal(got, tc.wantRefs) || total != tc.wantTotal {
				t.Errorf("got %v (total %d), want %v (total %d)", got, total, tc.wantRefs, tc.wantTotal)
			}
		})
	}
	if _, _, err := st.Projects(ctx, m, all, portfolio.Page{Sort: "title; DROP TABLE project"}); portfolio.ErrorCode(err) != portfolio.EINVALID {
		t.Errorf("unknown sort column: got %v, want EINVALID", err)
	}
}

func TestSignalsSearchSortAnswered(t *testing.T) {
	ctx := context.Background()
	st, m := MustFixture(t)
	for _, tc := range []struct {
		name     string
		filter   portfolio.SignalFilter
		page     portfolio.Page
		wantRefs []string
	}{
		{"headline, accents ignored", portfolio.SignalFilter{}, portfolio.Page{Search: "DRÓUGHT"}, []string{"S2"}},
		// Only S1 is linked to a project.
		{"answered by no project", portfolio.SignalFilter{Answered: "no"}, portfolio.Page{}, []string{"S2", "S3"}},
		{"answered", portfolio.SignalFilter{Answered: "yes"}, portfolio.Page{}, []string{"S1"}},
		{"novelty", portfolio.SignalFilter{}, portfolio.Page{Sort: "-novelty"}, []string{"S2", "S1", "S3"}},
		{"headline", portfolio.SignalFilter{}, portfolio.Page{Sort: "headline"}, []string{"S3", "S2", "S1"}},
		{"projects, then the tie", portfolio.SignalFilter{}, portfolio.Page{Sort: "-projects"}, []string{"S1", "S2", "S3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, total, err := st.Signals(ctx, m, tc.filter, tc.page)
			if err != nil {
				t.Fatal(err)
			}
			if got := refsOf(items, func(g portfolio.Signal) string { return g.ExtRef }); !slices.Equal(got, tc.wantRefs) || total != int64(len(tc.wantRefs)) {
				t.Errorf("got %v (total %d), want %v", got, total, tc.wantRefs)
			}
		})
	}
	if _, _, err := st.Signals(ctx, m, portfolio.SignalFilter{Answered: "maybe"}, portfolio.Page{}); portfolio.ErrorCode(err) != portfolio.EINVALID {
		t.Errorf("answered=maybe: got %v, want EINVALID", err)
	}
}

func TestOrganisationsSearchAndSort(t *testing.T) {
	ctx := context.Background()
	st, m := MustFixture(t)
	all := portfolio.Scope{AnyStatus: true}
	items, total, err := st.OrganisationsInScope(ctx, m, all, portfolio.Page{Sort: "-projects"})
	if err != nil {
		t.Fatal(err)
	}
	// Beta SL takes part in P1 and P2, the others in one each.
	if got := refsOf(items, func(o portfolio.Organisation) string { return o.Name }); total != 4 || got[0] != "Beta SL" {
		t.Errorf("by projects: got %v (total %d), want Beta SL first of 4", got, total)
	}
	items, total, err = st.OrganisationsInScope(ctx, m, all, portfolio.Page{Search: "GAMMA"})
	if err != nil {
		t.Fatal(err)
	}
	if got := refsOf(items, func(o portfolio.Organisation) string { return o.Name }); total != 1 || !slices.Equal(got, []string{"Gamma Univ"}) {
		t.Errorf("search: got %v (total %d), want [Gamma Univ]", got, total)
	}
}
