package snapshot

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// The two portfolios of the diff test, frozen at t0 and t1.
//
// t0 — in scope (planned, active): P1, P2, P3, P4; P5 is completed.
//
//	P1 p1 community  explore active  100  Alpha
//	P2 p2 startup    explore active  200  Beta
//	P3 p1 startup    design  planned 300
//	P4 p3 regulation design  active  400  Alpha
//	P5 p2 community  scale   completed 500
//
// t1 (a replace import): P4 is gone, P6 is new, P1 moved to design and its
// budget to 150, P2 was stopped, P3 moved to scale. In scope: P1, P3, P6.
//
//	P1 p1 community  design  active  150  Alpha
//	P2 p2 startup    explore stopped 200  Beta
//	P3 p1 startup    scale   planned 300
//	P5 p2 community  scale   completed 500
//	P6 p3 community  explore active   50  Gamma
const (
	diffT0 = `ext_ref,title,pillars,level,stage,status,budget_total_eur,lead_org
P1,One,p1,community,explore,active,100,Alpha
P2,Two,p2,startup,explore,active,200,Beta
P3,Three,p1,startup,design,planned,300,
P4,Four,p3,regulation,design,active,400,Alpha
P5,Five,p2,community,scale,completed,500,
`
	diffT1 = `ext_ref,title,pillars,level,stage,status,budget_total_eur,lead_org
P1,One,p1,community,design,active,150,Alpha
P2,Two,p2,startup,explore,stopped,200,Beta
P3,Three,p1,startup,scale,planned,300,
P5,Five,p2,community,scale,completed,500,
P6,Six,p3,community,explore,active,50,Gamma
`
	// S1 and S2 are in both signal windows (the 12 complete months before
	// the clock's month); S3 arrives between the snapshots.
	diffSignals0 = `ext_ref,headline,observed_at,status,pillars,challenges,level_observed
S1,Heat,2025-10-01,approved,p3,water,
S2,Rules,2025-11-01,approved,p1,,regulation
`
	diffSignals1 = `ext_ref,headline,observed_at,status,steep
S3,Voices,2026-04-01,approved,social
`
)

var (
	t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	t1 = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
)

func TestDiff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, a := diffFixture(t)
	b := f.mustTake(t, "t", "June", t1)

	d, err := f.svc.Diff(ctx, b.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.From.ID != a.ID || d.To.ID != b.ID {
		t.Errorf("from/to: got %d → %d, want %d → %d", d.From.ID, d.To.ID, a.ID, b.ID)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", name, got, want)
		}
	}
	check("added", d.ProjectsAdded, []ProjectRef{{"P6", "Six"}})
	check("removed", d.ProjectsRemoved, []ProjectRef{{"P4", "Four"}})
	check("budget changes", d.BudgetChanges, []BudgetChange{{ExtRef: "P1", Title: "One", From: ptr(100), To: ptr(150)}})

	// C9 over P1–P4 (in scope at t0); P4 is gone, so T holds P1 explore →
	// design, P2 explore → explore, P3 design → scale:
	//   advance_explore = T(explore, design) + T(explore, scale) / 2 = 1/2
	//   advance_design  = T(design, scale) / 1 = 1
	//   advance_scale   = 0/0 → null
	// stop rate = P2 / 4 projects in scope at t0 = 0.25.
	sm := d.StageMoves
	check("stages", sm.Stages, []string{"explore", "design", "scale"})
	check("flows", sm.Flows, []StageFlow{{"explore", "explore", 1}, {"explore", "design", 1}, {"design", "scale", 1}})
	check("advance", sm.Advance, []StageRate{{"explore", ptr(0.5), 2}, {"design", ptr(1), 1}, {"scale", nil, 0}})
	if sm.Base != 4 || sm.Stopped != 1 || !eqPtr(sm.StopRate, ptr(0.25)) {
		t.Errorf("stop rate: got %d/%d = %v, want 1/4 = 0.25", sm.Stopped, sm.Base, sm.StopRate)
	}

	// Pillar × level (n_full) at t0: p1/community (P1), p1/startup (P3),
	// p2/startup (P2), p3/regulation (P4); 5 of 9 cells empty. At t1:
	// p1/community (P1), p1/startup (P3), p3/community (P6); 6 empty.
	// Each cell names the projects that entered and left it: P2 stopped
	// (out of scope), P4 was removed, P6 was added.
	cell := func(a, b string, from, to float64, entered, left []ProjectRef) Cell {
		return Cell{AScheme: "pillar", A: a, BScheme: "level", B: b, From: from, To: to, Entered: entered, Left: left}
	}
	none := []ProjectRef{}
	emptied := []Cell{cell("p2", "startup", 1, 0, none, []ProjectRef{{"P2", "Two"}}), cell("p3", "regulation", 1, 0, none, []ProjectRef{{"P4", "Four"}})}
	filled := []Cell{cell("p3", "community", 0, 1, []ProjectRef{{"P6", "Six"}}, none)}
	check("emptied cells", d.CoverageCells.Emptied, emptied)
	check("filled cells", d.CoverageCells.Filled, filled)
	check("changed cells", d.CoverageCells.Changed, []Cell{emptied[0], filled[0], emptied[1]})
	// The stage flows name their projects: P1 explore → design, P3
	// design → scale (P2 stayed in explore).
	check("stage moves", sm.Moves, []StageMove{{"P1", "One", "explore", "design"}, {"P3", "Three", "design", "scale"}})

	// S10: S2's level regulation (signal share 1/1) was answered by P4 at
	// t0; at t1 no project in scope is at level regulation. Challenge water
	// (S1) is a blind spot in both: not new. Pillars p1 and p3 are carried
	// by projects in both.
	check("new blind spots", d.NewBlindSpots, []BlindSpot{{Scheme: "level", Term: "regulation", Share: ptr(1)}})

	// C14: at t1 Alpha (P1) and Gamma (P6) take part in projects in scope;
	// the March snapshot had Alpha and Beta. Gamma is new: 1/2.
	check("orgs entered", d.OrgsEntered, OrgsEntered{Names: []string{"Gamma"}, Total: 2, Value: ptr(0.5), EarlierSnapshots: 1})

	// KPIs: projects 4 → 3; budget 100+200+300+400 = 1000 → 150+300+50 =
	// 500; organisations Alpha, Beta → Alpha, Gamma; approved signals 2 → 3;
	// empty cells 5 → 6.
	check("kpis", d.KPIDeltas, []KPIDelta{
		{"projects", 4, 3, -1}, {"budget", 1000, 500, -500}, {"organisations", 2, 2, 0},
		{"signals", 2, 3, 1}, {"empty_cells", 5, 6, 1},
	})

	// The first snapshot has no earlier one: C14 is undefined.
	back, err := f.svc.Diff(ctx, a.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.OrgsEntered.Value != nil || back.OrgsEntered.EarlierSnapshots != 0 {
		t.Errorf("C14 of the first snapshot: got %+v, want null with no earlier snapshot", back.OrgsEntered)
	}
	check("reverse added", back.ProjectsAdded, []ProjectRef{{"P4", "Four"}})

	// A diff with itself is empty.
	same, err := f.svc.Diff(ctx, b.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(same.ProjectsAdded)+len(same.ProjectsRemoved)+len(same.BudgetChanges)+len(same.CoverageCells.Emptied)+
		len(same.CoverageCells.Filled)+len(same.NewBlindSpots) != 0 {
		t.Errorf("diff of a snapshot with itself: got %+v", same)
	}

	// A third snapshot: Gamma was in June's, so it is no longer new.
	f.mustImport(t, "t", ingest.KindProjects, ingest.ModeAppend, "ext_ref,title,pillars,level,stage,status,lead_org\nP7,Seven,p2,startup,explore,active,Delta\n")
	c := f.mustTake(t, "t", "September", t1.AddDate(0, 3, 0))
	d3, err := f.svc.Diff(ctx, c.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("orgs entered in September", d3.OrgsEntered, OrgsEntered{Names: []string{"Delta"}, Total: 3, Value: ptr(1.0 / 3), EarlierSnapshots: 2})

	// The same through the live store and the C14 rows.
	m := f.mission(t, "t")
	vs, err := C14(ctx, f.st, m, portfolio.Scope{}, c.TakenAt)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || !eqPtr(vs[0].Value, ptr(1.0/3)) || vs[0].N != 3 || !eqPtr(vs[1].Value, ptr(1)) {
		t.Errorf("C14 live before September's snapshot: got %v, want new_share 1/3 and new_count 1 with n 3", vs)
	}
	vs, err = C14(ctx, f.st, m, portfolio.Scope{}, c.TakenAt.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if !eqPtr(vs[0].Value, ptr(0)) {
		t.Errorf("C14 live after September's snapshot: got %v, want new_share 0", vs)
	}
}

func TestDiffAcrossMissionsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	other := "slug: u\ntitle: {en: Other}\nschemes:\n  - code: pillar\n    label: {en: Pillar}\n    terms:\n      - {code: p1, label: {en: P one}}\n  - code: level\n    label: {en: Level}\n    terms:\n      - {code: community, label: {en: Community}}\n"
	f := mustFixture(t, t0, testMission, other)
	a := f.mustTake(t, "t", "", t0)
	b := f.mustTake(t, "u", "", t0)
	_, err := f.svc.Diff(ctx, a.ID, b.ID)
	wantCode(t, err, portfolio.EINVALID)
	_, err = f.svc.Diff(ctx, a.ID, 999)
	wantCode(t, err, portfolio.ENOTFOUND)
}

// TestDiffLive: against today's data, a diff from the March snapshot reads
// the live tables at the clock's instant and tells the same story as the
// diff to a snapshot taken of that same state.
func TestDiffLive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, a := diffFixture(t)
	f.clock.t = t1
	live, err := f.svc.DiffLive(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !live.ToLive || live.To.ID != 0 || !live.To.TakenAt.Equal(t1) || live.From.ID != a.ID {
		t.Errorf("live side: got to_live=%v to=%d at %v from=%d, want today (id 0) at %v from %d", live.ToLive, live.To.ID, live.To.TakenAt, live.From.ID, t1, a.ID)
	}
	b := f.mustTake(t, "t", "June", t1)
	frozen, err := f.svc.Diff(ctx, b.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2]any{
		"added":        {live.ProjectsAdded, frozen.ProjectsAdded},
		"removed":      {live.ProjectsRemoved, frozen.ProjectsRemoved},
		"stage moves":  {live.StageMoves, frozen.StageMoves},
		"budget":       {live.BudgetChanges, frozen.BudgetChanges},
		"cells":        {live.CoverageCells, frozen.CoverageCells},
		"blind spots":  {live.NewBlindSpots, frozen.NewBlindSpots},
		"kpi deltas":   {live.KPIDeltas, frozen.KPIDeltas},
		"orgs entered": {live.OrgsEntered.Names, frozen.OrgsEntered.Names},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s: live %+v, snapshot of the same state %+v", name, pair[0], pair[1])
		}
	}
}

// diffFixture holds the March snapshot (t0) of the portfolio above, then
// the June imports (t1), not yet snapshotted.
func diffFixture(t *testing.T) (*fixture, *portfolio.Snapshot) {
	t.Helper()
	f := mustFixture(t, t0)
	f.mustImport(t, "t", ingest.KindProjects, ingest.ModeAppend, diffT0)
	f.mustImport(t, "t", ingest.KindSignals, ingest.ModeAppend, diffSignals0)
	a := f.mustTake(t, "t", "March", t0)
	f.mustImport(t, "t", ingest.KindProjects, ingest.ModeReplace, diffT1)
	f.mustImport(t, "t", ingest.KindSignals, ingest.ModeAppend, diffSignals1)
	return f, a
}
