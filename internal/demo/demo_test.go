package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ing := ingest.New(st, time.Now)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Now()
	if err := demo.Load(ctx, st, ing, log); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo loaded in %v", time.Since(start))
	m, err := st.Mission(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	_, total, err := st.Projects(ctx, m, portfolio.Scope{}, portfolio.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if total < 300 {
		t.Errorf("projects = %d, want ≥ 300", total)
	}
	k, err := st.KPIs(ctx, m, portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", k)
	cells, err := st.Coverage(ctx, m, "pillar", "level", portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", cells)
	// Loading twice must not duplicate anything.
	if err := demo.Load(ctx, st, ing, log); err != nil {
		t.Fatal(err)
	}
	_, again, _ := st.Projects(ctx, m, portfolio.Scope{}, portfolio.Page{})
	if again != total {
		t.Errorf("after a second load: %d projects, want %d", again, total)
	}
}
