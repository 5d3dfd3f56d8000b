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
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
)

// demoBudget is the total budget of the demo's projects in scope (€367.3M).
const demoBudget = 367323200.0

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
	_, total, err := st.Projects(ctx, m, portfolio.Scope{AnyStatus: true}, portfolio.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 340 {
		t.Errorf("projects of any status = %d, want the 340 rows of projects.csv", total)
	}
	// The story the README and the screenshots tell: 283 projects planned
	// or active, €367.3M (8 of them without a budget), 173 organisations,
	// 1,580 approved signals.
	k, err := st.KPIs(ctx, m, portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (portfolio.KPIs{Projects: 283, Budget: demoBudget, BudgetNull: 8, Organisations: 173, Signals: 1580}); k != want {
		t.Errorf("KPIs = %+v, want %+v", k, want)
	}
	// One gap: adaptation × regulation is the only empty pillar × level cell.
	cells, err := st.Coverage(ctx, m, "pillar", "level", portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	var empty []string
	for _, c := range cells {
		if c.NFull == 0 {
			empty = append(empty, c.A+" × "+c.B)
		}
	}
	if len(cells) != 15 || len(empty) != 1 || empty[0] != "adaptation × regulation" {
		t.Errorf("coverage: %d cells, empty %v; want 15 cells and only adaptation × regulation empty", len(cells), empty)
	}
	checkHistory(t, st)
	// Loading twice must not duplicate anything.
	if err := demo.Load(ctx, st, ing, log); err != nil {
		t.Fatal(err)
	}
	_, again, _ := st.Projects(ctx, m, portfolio.Scope{AnyStatus: true}, portfolio.Page{})
	if again != total {
		t.Errorf("after a second load: %d projects, want %d", again, total)
	}
}

// checkHistory: the demo arrives with the October and November committees'
// snapshots, the October decisions followed up by November, and a diff
// between them with what a committee looks for: new projects, projects
// that moved on, budgets that changed, new signals' effect on the figures.
func checkHistory(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	snaps := snapshot.New(st, time.Now)
	list, err := snaps.List(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Label != "Steering committee, November 2026" || list[1].Label != "Steering committee, October 2026" {
		t.Fatalf("snapshots %+v, want November then October", list)
	}
	nov, oct := list[0], list[1]
	if oct.Projects >= nov.Projects || !oct.TakenAt.Before(nov.TakenAt) {
		t.Errorf("October froze %d projects at %v, November %d at %v: want fewer, earlier", oct.Projects, oct.TakenAt, nov.Projects, nov.TakenAt)
	}
	d, err := snaps.Diff(ctx, nov.ID, oct.ID)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, f := range d.StageMoves.Flows {
		if f.From != f.To {
			moved += int(f.Count)
		}
	}
	if len(d.ProjectsAdded) != 36 || len(d.ProjectsRemoved) != 0 || moved == 0 || len(d.BudgetChanges) == 0 {
		t.Errorf("diff: %d added, %d removed, %d moved stage, %d budget changes; want 36, 0, some, some",
			len(d.ProjectsAdded), len(d.ProjectsRemoved), moved, len(d.BudgetChanges))
	}
	ds, err := snaps.Decisions().List(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, x := range ds {
		if x.SnapshotID != oct.ID {
			t.Errorf("decision %d on snapshot %d, want October's %d", x.ID, x.SnapshotID, oct.ID)
		}
		got[x.Scope+":"+x.Type] = x.Status
	}
	if len(ds) != 2 || got["cell:start_new"] != "in_progress" || got["project:scale"] != "done" {
		t.Errorf("decisions %v, want the gap's in progress and the pilot's done", got)
	}
}
