package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/begira/begira/internal/portfolio"
)

func TestProjectsPagination(t *testing.T) {
	t.Parallel()
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
		// As the metrics count them: planned and active by default (P5 is
		// completed, P6 stopped), every status when asked.
		{"default page", portfolio.Scope{}, portfolio.Page{}, []string{"P1", "P2", "P3", "P4", "P7"}, 5},
		{"every status", all, portfolio.Page{}, []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7"}, 7},
		{"first page", all, portfolio.Page{Limit: 3}, []string{"P1", "P2", "P3"}, 7},
		{"second page", all, portfolio.Page{Limit: 3, Offset: 3}, []string{"P4", "P5", "P6"}, 7},
		{"last page", all, portfolio.Page{Limit: 3, Offset: 6}, []string{"P7"}, 7},
		{"past the end", all, portfolio.Page{Limit: 3, Offset: 100}, []string{}, 7},
		{"negative offset", all, portfolio.Page{Limit: 2, Offset: -5}, []string{"P1", "P2"}, 7},
		{"status filter", portfolio.Scope{Statuses: []string{portfolio.StatusCompleted}}, portfolio.Page{}, []string{"P5"}, 1},
		{"level filter, all statuses", portfolio.Scope{AnyStatus: true, Levels: []string{"community"}}, portfolio.Page{Limit: 2}, []string{"P1", "P2"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, total, err := st.Projects(ctx, m, tc.scope, tc.page)
			if err != nil {
				t.Fatal(err)
			}
			if total != tc.wantTotal {
				t.Errorf("total: got %d, want %d", total, tc.wantTotal)
			}
			refs := []string{}
			for _, p := range items {
				refs = append(refs, p.ExtRef)
			}
			if !slices.Equal(refs, tc.wantRefs) {
				t.Errorf("ext_refs: got %v, want %v", refs, tc.wantRefs)
			}
		})
	}
}

func TestProjectsFields(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)
	items, _, err := st.Projects(ctx, m, portfolio.Scope{AnyStatus: true}, portfolio.Page{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	p1, p3 := items[0], items[2]

	if p1.ID == 0 || p1.BatchID == 0 {
		t.Errorf("P1 ids: got id %d batch %d, want both set", p1.ID, p1.BatchID)
	}
	if p1.Title != "Community energy" || p1.Status != "active" || p1.LeadOrg != "Alpha Coop" {
		t.Errorf("P1: got title %q status %q lead %q, want %q %q %q", p1.Title, p1.Status, p1.LeadOrg, "Community energy", "active", "Alpha Coop")
	}
	// Terms: the primary (first listed) term of a scheme comes first.
	wantTerms := map[string][]string{
		"pillar": {"social_cohesion", "decarbonisation"},
		"level":  {"community"},
		"stage":  {"pilot"},
	}
	if !reflect.DeepEqual(p1.Terms, wantTerms) {
		t.Errorf("P1 terms: got %v, want %v", p1.Terms, wantTerms)
	}
	// Partners exclude the lead, sorted by name.
	if want := []string{"Beta SL", "Gamma Univ"}; !slices.Equal(p1.Partners, want) {
		t.Errorf("P1 partners: got %v, want %v", p1.Partners, want)
	}
	if p1.BudgetTotalEUR == nil || *p1.BudgetTotalEUR != 1000 {
		t.Errorf("P1 budget: got %v, want 1000", p1.BudgetTotalEUR)
	}
	if p1.StartDate == nil || p1.EndDate == nil {
		t.Fatalf("P1 dates: got %v, %v, want both set", p1.StartDate, p1.EndDate)
	}
	if got := p1.StartDate.Format("2006-01-02"); got != "2024-01-15" {
		t.Errorf("P1 start date: got %s, want 2024-01-15", got)
	}
	b, err := json.Marshal(struct {
		Start, End *portfolio.Date
	}{p1.StartDate, p1.EndDate})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"Start":"2024-01-15","End":"2026-06-30"}`; got != want {
		t.Errorf("dates as JSON: got %s, want %s", got, want)
	}

	// P3: no budget, no end date, no lead, no partners.
	if p3.ExtRef != "P3" || p3.BudgetTotalEUR != nil || p3.EndDate != nil || p3.LeadOrg != "" || p3.Partners != nil {
		t.Errorf("P3: got %+v, want no budget, end date, lead or partners", p3)
	}
	if p3.StartDate == nil || p3.StartDate.Format("2006-01-02") != "2025-02-01" {
		t.Errorf("P3 start date: got %v, want 2025-02-01", p3.StartDate)
	}

	// P7 has no pillar: its term map lacks the scheme rather than holding
	// an empty list.
	all, _, err := st.Projects(ctx, m, portfolio.Scope{AnyStatus: true}, portfolio.Page{})
	if err != nil {
		t.Fatal(err)
	}
	p7 := all[6]
	if _, ok := p7.Terms["pillar"]; ok || p7.Terms == nil {
		t.Errorf("P7 terms: got %v, want a map without pillar", p7.Terms)
	}
}

func TestOrganisations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)

	for _, tc := range []struct {
		name      string
		page      portfolio.Page
		wantNames []string
	}{
		{"all", portfolio.Page{}, []string{"Alpha Coop", "Beta SL", "Delta", "Gamma Univ"}},
		{"second page", portfolio.Page{Limit: 2, Offset: 2}, []string{"Delta", "Gamma Univ"}},
		{"past the end", portfolio.Page{Limit: 2, Offset: 10}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, total, err := st.Organisations(ctx, m, tc.page)
			if err != nil {
				t.Fatal(err)
			}
			if total != 4 {
				t.Errorf("total: got %d, want 4", total)
			}
			names := []string{}
			for _, o := range items {
				names = append(names, o.Name)
			}
			if !slices.Equal(names, tc.wantNames) {
				t.Errorf("names: got %v, want %v", names, tc.wantNames)
			}
		})
	}

	items, _, err := st.Organisations(ctx, m, portfolio.Page{})
	if err != nil {
		t.Fatal(err)
	}
	// Beta SL leads P2 and is a partner of P1; the others take part once.
	projects := map[string]int{}
	for _, o := range items {
		projects[o.Name] = o.Projects
		if o.FoundedYear != nil {
			t.Errorf("%s founded year: got %d, want nil (never given)", o.Name, *o.FoundedYear)
		}
	}
	if want := map[string]int{"Alpha Coop": 1, "Beta SL": 2, "Delta": 1, "Gamma Univ": 1}; !reflect.DeepEqual(projects, want) {
		t.Errorf("projects per organisation: got %v, want %v", projects, want)
	}
}

func TestSignals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustFixture(t)

	for _, tc := range []struct {
		name     string
		page     portfolio.Page
		wantRefs []string
	}{
		// Newest first: S2 (2025-03-01), S1 (2025-01-10), S3 (2024-12-01).
		{"all", portfolio.Page{}, []string{"S2", "S1", "S3"}},
		{"middle", portfolio.Page{Limit: 1, Offset: 1}, []string{"S1"}},
		{"past the end", portfolio.Page{Limit: 1, Offset: 3}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, total, err := st.Signals(ctx, m, portfolio.SignalFilter{}, tc.page)
			if err != nil {
				t.Fatal(err)
			}
			if total != 3 {
				t.Errorf("total: got %d, want 3", total)
			}
			refs := []string{}
			for _, g := range items {
				refs = append(refs, g.ExtRef)
			}
			if !slices.Equal(refs, tc.wantRefs) {
				t.Errorf("ext_refs: got %v, want %v", refs, tc.wantRefs)
			}
		})
	}

	items, _, err := st.Signals(ctx, m, portfolio.SignalFilter{}, portfolio.Page{Limit: 1, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	s1 := items[0]
	if s1.Headline != "Energy communities spread" || s1.Status != "approved" || s1.LevelObserved != "community" {
		t.Errorf("S1: got headline %q status %q level %q", s1.Headline, s1.Status, s1.LevelObserved)
	}
	if s1.Novelty == nil || *s1.Novelty != 4 {
		t.Errorf("S1 novelty: got %v, want 4", s1.Novelty)
	}
	if s1.ObservedAt == nil || s1.ObservedAt.Format("2006-01-02") != "2025-01-10" {
		t.Errorf("S1 observed_at: got %v, want 2025-01-10", s1.ObservedAt)
	}
	if b, _ := json.Marshal(s1.ObservedAt); string(b) != `"2025-01-10"` {
		t.Errorf("S1 observed_at as JSON: got %s, want %q", b, "2025-01-10")
	}
	// level_observed is a column of its own, not a signal term.
	if want := map[string][]string{"pillar": {"decarbonisation"}}; !reflect.DeepEqual(s1.Terms, want) {
		t.Errorf("S1 terms: got %v, want %v", s1.Terms, want)
	}
	if want := []string{"P1"}; !slices.Equal(s1.Projects, want) {
		t.Errorf("S1 projects: got %v, want %v", s1.Projects, want)
	}

	all, _, err := st.Signals(ctx, m, portfolio.SignalFilter{}, portfolio.Page{})
	if err != nil {
		t.Fatal(err)
	}
	s3 := all[2]
	if want := map[string][]string{"pillar": {"adaptation", "social_cohesion"}}; !reflect.DeepEqual(s3.Terms, want) {
		t.Errorf("S3 terms: got %v, want %v", s3.Terms, want)
	}
	if s3.Projects != nil {
		t.Errorf("S3 projects: got %v, want none", s3.Projects)
	}
}

func TestListsOfEmptyMission(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	m := MustApply(t, st, testMission())
	projects, n, err := st.Projects(ctx, m, portfolio.Scope{}, portfolio.Page{})
	if err != nil || n != 0 || projects == nil || len(projects) != 0 {
		t.Errorf("projects: got %v, %d, %v, want an empty non-nil list", projects, n, err)
	}
	orgs, n, err := st.Organisations(ctx, m, portfolio.Page{})
	if err != nil || n != 0 || orgs == nil || len(orgs) != 0 {
		t.Errorf("organisations: got %v, %d, %v, want an empty non-nil list", orgs, n, err)
	}
	signals, n, err := st.Signals(ctx, m, portfolio.SignalFilter{}, portfolio.Page{})
	if err != nil || n != 0 || signals == nil || len(signals) != 0 {
		t.Errorf("signals: got %v, %d, %v, want an empty non-nil list", signals, n, err)
	}
}
