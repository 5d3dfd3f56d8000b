package store_test

import (
	"context"
	"testing"

	"github.com/begira/begira/internal/gen"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/storetest"
)

// large is a generated portfolio of 100,000 projects and 50,000 signals,
// built once.
var large = storetest.New(func(ctx context.Context, st *store.Store) error {
	_, err := gen.LoadPortfolio(ctx, st, 100_000, 5_000, 50_000, 1)
	return err
})

func largeStore(b *testing.B) (*store.Store, *portfolio.Mission) {
	st := large.Open(b, store.Options{})
	m, err := st.Mission(context.Background(), "gipuzkoa")
	if err != nil {
		b.Fatal(err)
	}
	return st, m
}

// BenchmarkProjectList is one page of the projects list on 100,000
// projects (first, last, with a search) and of the signals list, against the baseline of the
// same scope's totals (the figures the list drills from), measured in the
// same run: a list page should cost a small multiple of its totals.
func BenchmarkProjectList(b *testing.B) {
	st, m := largeStore(b)
	ctx := context.Background()
	sc := portfolio.Scope{}
	_, total, err := st.Projects(ctx, m, sc, portfolio.Page{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("baseline=totals", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.ProjectTotals(ctx, m, sc, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name string
		pg   portfolio.Page
	}{{"page", portfolio.Page{Limit: 50}}, {"page=last", portfolio.Page{Limit: 50, Offset: int(total) - 50}},
		{"search", portfolio.Page{Limit: 50, Search: "energy"}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				items, _, err := st.Projects(ctx, m, sc, c.pg)
				if err != nil || len(items) == 0 {
					b.Fatalf("%d items, %v", len(items), err)
				}
			}
		})
	}
	b.Run("signals", func(b *testing.B) {
		for b.Loop() {
			items, _, err := st.Signals(ctx, m, portfolio.SignalFilter{Scope: sc}, portfolio.Page{Limit: 50})
			if err != nil || len(items) == 0 {
				b.Fatalf("%d items, %v", len(items), err)
			}
		}
	})
}
