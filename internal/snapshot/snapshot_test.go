package snapshot

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// The portfolio the immutability tests freeze. In scope (planned, active):
// P1, P2, P3; P4 is stopped.
const (
	orgsCSV = `ext_ref,name,actor_type
O1,Alpha,public_admin
O2,Beta,sme
`
	projectsCSV = `ext_ref,title,pillars,challenges,levers,level,stage,status,budget_total_eur,start_date,lead_org,partners,updated_at
P1,One,p1|p2,food,finance,community,explore,active,100,2025-01-01,Alpha,Beta,2026-01-10
P2,Two,p2,water,tech,startup,design,active,200,2025-02-01,Beta,,2026-01-10
P3,Three,p3,food,policy,regulation,scale,planned,,2025-03-01,,Alpha,2026-01-10
P4,Four,p1,,,startup,explore,stopped,400,,Alpha,,2026-01-10
`
	signalsCSV = `ext_ref,headline,observed_at,status,novelty,pillars,challenges,level_observed,steep,projects
S1,Heat,2025-10-01,approved,4,p1,food,community,social,P1
S2,Flood,2025-12-01,approved,3,p3,water,regulation,environmental,
S3,Draft,2026-01-15,new,2,p2,,startup,,
`
)

// later are the imports after the snapshot: they change projects (a
// budget, a stage, a status, a new one, one removed), organisations and
// signals.
var later = []struct{ kind, mode, body string }{
	{ingest.KindProjects, ingest.ModeUpsert, `ext_ref,title,pillars,challenges,levers,level,stage,status,budget_total_eur,start_date,lead_org,partners,updated_at
P1,One renamed,p3,water,tech,regulation,scale,active,999,2025-01-01,Gamma,Delta,2026-02-20
P5,Five,p1,food,finance,community,explore,active,50,2026-02-01,Gamma,,2026-02-20
`},
	{ingest.KindSignals, ingest.ModeAppend, `ext_ref,headline,observed_at,status,pillars,challenges,level_observed,steep,projects
S4,Drought,2026-01-20,approved,p2,water,startup,environmental,P5
`},
	{ingest.KindOrganisations, ingest.ModeAppend, `ext_ref,name,actor_type
O9,Epsilon,community_group
`},
	{ingest.KindProjects, ingest.ModeReplace, `ext_ref,title,pillars,level,stage,status,budget_total_eur
P1,One again,p1,community,design,completed,5
P9,Nine,p2,startup,design,active,7
`},
}

var takenAt = time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)

// frozenFigures is everything a committee can read of a snapshot.
type frozenFigures struct {
	Snapshot      *portfolio.Snapshot
	Metrics       []metrics.Value
	Projects      []portfolio.SnapshotProject
	Orgs          []portfolio.SnapshotOrg
	Mission       *portfolio.Mission
	Coverage      []portfolio.CoverageCell
	Coverage2     []portfolio.CoverageCell
	Shares        []portfolio.Share
	KPIs          portfolio.KPIs
	List          []portfolio.Project
	ListTotal     int64
	Organisations []portfolio.Organisation
	Signals       []portfolio.Signal
	Entrants      *portfolio.Entrants
	Computed      []metrics.Value // metrics.Compute over the AsOf store
}

// capture reads every figure of snapshot id: the frozen rows, and through
// a store as of the snapshot the store's read methods and the catalogue.
func capture(t *testing.T, f *fixture, id int64) *frozenFigures {
	t.Helper()
	ctx := context.Background()
	var ff frozenFigures
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ff.Snapshot, err = f.svc.Get(ctx, id)
	must(err)
	ff.Metrics, err = f.svc.Metrics(ctx, id, nil)
	must(err)
	ff.Projects, err = f.svc.Projects(ctx, id)
	must(err)
	ff.Orgs, err = f.st.SnapshotOrgs(ctx, id)
	must(err)
	as, m, release, err := f.svc.AsOf(ctx, id)
	must(err)
	defer release()
	ff.Mission = m
	ff.Coverage, err = as.Coverage(ctx, m, "pillar", "level", portfolio.Scope{})
	must(err)
	ff.Coverage2, err = as.Coverage(ctx, m, "challenge", "lever", portfolio.Scope{Statuses: portfolio.ProjectStatuses})
	must(err)
	ff.Shares, err = as.Shares(ctx, m, "stage", portfolio.Scope{})
	must(err)
	ff.KPIs, err = as.KPIs(ctx, m, portfolio.Scope{})
	must(err)
	ff.List, ff.ListTotal, err = as.Projects(ctx, m, portfolio.Scope{}, portfolio.Page{Limit: 500})
	must(err)
	ff.Organisations, _, err = as.Organisations(ctx, m, portfolio.Page{Limit: 500})
	must(err)
	ff.Signals, _, err = as.Signals(ctx, m, portfolio.SignalFilter{}, portfolio.Page{Limit: 500})
	must(err)
	ff.Entrants, err = as.NewEntrants(ctx, m, portfolio.Scope{}, ff.Snapshot.TakenAt)
	must(err)
	env, err := metrics.NewEnv(as, m, portfolio.Scope{}, metrics.Params{}, ff.Snapshot.TakenAt)
	must(err)
	res, err := metrics.Compute(ctx, env, nil)
	must(err)
	ff.Computed = res.Values
	return &ff
}

// mustPortfolio imports the frozen portfolio.
func (f *fixture) mustPortfolio(t *testing.T) {
	t.Helper()
	f.mustImport(t, "t", ingest.KindOrganisations, ingest.ModeAppend, orgsCSV)
	f.mustImport(t, "t", ingest.KindProjects, ingest.ModeAppend, projectsCSV)
	f.mustImport(t, "t", ingest.KindSignals, ingest.ModeAppend, signalsCSV)
}

// diffValues describes the values that differ between two lists.
func diffValues(a, b []metrics.Value) (codes []string, lines []string) {
	key := func(v metrics.Value) string { return v.Code + fmt.Sprint(v.Dims) }
	am := map[string]string{}
	for _, v := range a {
		am[key(v)] = v.String()
	}
	bm := map[string]string{}
	for _, v := range b {
		bm[key(v)] = v.String()
	}
	seen := map[string]bool{}
	add := func(code, line string) {
		if !seen[code] {
			seen[code] = true
			codes = append(codes, code)
		}
		lines = append(lines, line)
	}
	for _, v := range a {
		if bm[key(v)] != am[key(v)] {
			add(v.Code, fmt.Sprintf("%s → %q", am[key(v)], bm[key(v)]))
		}
	}
	for _, v := range b {
		if _, ok := am[key(v)]; !ok {
			add(v.Code, fmt.Sprintf("new %s", bm[key(v)]))
		}
	}
	sort.Strings(codes)
	return codes, lines
}

func TestTakeThenImportsLeaveEverythingIdentical(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustFixture(t, takenAt)
	f.mustPortfolio(t)
	sn := f.mustTake(t, "t", "Committee 1", takenAt)

	if sn.ID <= 0 || sn.Mission != "t" || sn.Label != "Committee 1" || sn.Trigger != portfolio.TriggerManual || !sn.TakenAt.Equal(takenAt) {
		t.Errorf("snapshot: got %+v", sn)
	}
	if sn.Projects != 4 || sn.Organisations != 2 || sn.Signals != 3 || sn.Metrics == 0 {
		t.Errorf("counts: got projects %d organisations %d signals %d metrics %d, want 4, 2, 3 and some",
			sn.Projects, sn.Organisations, sn.Signals, sn.Metrics)
	}
	if len(sn.BatchIDs) != 3 {
		t.Errorf("batch ids: got %v, want the 3 committed batches", sn.BatchIDs)
	}
	before := capture(t, f, sn.ID)

	// The frozen values are the catalogue recomputed over the frozen tables.
	if codes, lines := diffValues(before.Metrics, before.Computed); len(codes) > 0 {
		t.Errorf("snapshot_metric differs from metrics.Compute as of the snapshot in %v:\n%s", codes, strings.Join(lines, "\n"))
	}
	if len(before.Metrics) != int(sn.Metrics) {
		t.Errorf("metrics: got %d values, the snapshot says %d", len(before.Metrics), sn.Metrics)
	}
	if got := SnapshotDataHashOf(before.Projects); got != sn.DataHash {
		t.Errorf("data hash: got %s recomputed from the frozen projects, stored %s", got, sn.DataHash)
	}
	// Sanity: the frozen figures are about this portfolio.
	if before.KPIs.Projects != 3 || before.KPIs.Budget != 300 || before.KPIs.Organisations != 2 || before.KPIs.Signals != 2 {
		t.Errorf("frozen KPIs: got %+v, want 3 projects, 300 €, 2 organisations, 2 signals", before.KPIs)
	}

	for i, imp := range later {
		f.clock.set(takenAt.Add(time.Duration(i+1) * 24 * time.Hour))
		f.mustImport(t, "t", imp.kind, imp.mode, imp.body)
	}
	// The imports did change the live portfolio.
	m := f.mission(t, "t")
	live, err := f.st.KPIs(ctx, m, portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if live == before.KPIs {
		t.Fatalf("live KPIs %+v did not change: the test proves nothing", live)
	}

	after := capture(t, f, sn.ID)
	// Figures computed through metrics.Compute are compared separately
	// below, to name the codes that changed.
	computedBefore, computedAfter := before.Computed, after.Computed
	before.Computed, after.Computed = nil, nil
	v := reflect.ValueOf(*before)
	w := reflect.ValueOf(*after)
	for i := 0; i < v.NumField(); i++ {
		if !reflect.DeepEqual(v.Field(i).Interface(), w.Field(i).Interface()) {
			t.Errorf("%s changed after the imports:\nbefore %+v\nafter  %+v", v.Type().Field(i).Name, v.Field(i).Interface(), w.Field(i).Interface())
		}
	}
	if got := SnapshotDataHashOf(after.Projects); got != sn.DataHash {
		t.Errorf("data hash: got %s, want %s", got, sn.DataHash)
	}

	t.Run("metrics.Compute as of the snapshot", func(t *testing.T) {
		// Every figure, those computed in Go from the mission's rows
		// included, reads the snapshot's frozen tables: none may change.
		if codes, lines := diffValues(computedBefore, computedAfter); len(codes) > 0 {
			t.Errorf("metrics computed as of the snapshot changed in %v:\n%s", codes, strings.Join(lines, "\n"))
		}
	})
}

// SnapshotDataHashOf is store.SnapshotDataHash, named for the test.
func SnapshotDataHashOf(ps []portfolio.SnapshotProject) string { return store.SnapshotDataHash(ps) }

func TestListAndGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustFixture(t, takenAt)
	f.mustPortfolio(t)
	a := f.mustTake(t, "t", "", takenAt)
	f.clock.set(takenAt.Add(time.Hour))
	b, err := f.svc.Take(ctx, "t", "  Steering committee, March  ", portfolio.TriggerSchedule)
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.List(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
		t.Fatalf("list: got %+v, want snapshots %d then %d (newest first)", list, b.ID, a.ID)
	}
	if list[0].Label != "Steering committee, March" || list[0].Trigger != portfolio.TriggerSchedule {
		t.Errorf("list[0]: got label %q trigger %q, want the trimmed label and schedule", list[0].Label, list[0].Trigger)
	}
	// Nothing changed in between: same data, same taxonomy.
	if a.DataHash != b.DataHash || a.TaxonomyHash != b.TaxonomyHash {
		t.Errorf("hashes of two snapshots of unchanged data differ: %s/%s vs %s/%s", a.DataHash, a.TaxonomyHash, b.DataHash, b.TaxonomyHash)
	}
	got, err := f.svc.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &list[1]) {
		t.Errorf("get: got %+v, want %+v", got, list[1])
	}

	// A changed budget changes the data hash, not the taxonomy hash; a
	// changed taxonomy the other way round.
	f.mustImport(t, "t", ingest.KindProjects, ingest.ModeUpsert, "ext_ref,title,pillars,level,stage,status,budget_total_eur\nP2,Two,p2,startup,design,active,201\n")
	c := f.mustTake(t, "t", "", takenAt.Add(2*time.Hour))
	if c.DataHash == b.DataHash || c.TaxonomyHash != b.TaxonomyHash {
		t.Errorf("after a budget change: data hash %s (was %s), taxonomy hash %s (was %s)", c.DataHash, b.DataHash, c.TaxonomyHash, b.TaxonomyHash)
	}
	m := f.mission(t, "t")
	m.Scheme("steep").Terms = append(m.Scheme("steep").Terms, portfolio.Term{Code: "political", Label: portfolio.Labels{EN: "Political"}})
	if _, err := f.st.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	d := f.mustTake(t, "t", "", takenAt.Add(3*time.Hour))
	if d.DataHash != c.DataHash || d.TaxonomyHash == c.TaxonomyHash {
		t.Errorf("after a taxonomy change: data hash %s (was %s), taxonomy hash %s (was %s)", d.DataHash, c.DataHash, d.TaxonomyHash, c.TaxonomyHash)
	}
	// The earlier snapshot keeps the earlier taxonomy.
	_, fm, release, err := f.svc.AsOf(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if fm.Scheme("steep").Term("political") != nil {
		t.Errorf("snapshot %d as of: the taxonomy has the term added after it", c.ID)
	}
}

func TestTakeAndReadErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustFixture(t, takenAt)
	_, err := f.svc.Take(ctx, "nope", "", portfolio.TriggerManual)
	wantCode(t, err, portfolio.ENOTFOUND)
	_, err = f.svc.Take(ctx, "t", "", "cron")
	wantCode(t, err, portfolio.EINVALID)
	_, err = f.svc.Take(ctx, "t", strings.Repeat("é", maxLabel+1), portfolio.TriggerManual)
	wantCode(t, err, portfolio.EINVALID)
	_, err = f.svc.Get(ctx, 42)
	wantCode(t, err, portfolio.ENOTFOUND)
	_, err = f.svc.Metrics(ctx, 42, nil)
	wantCode(t, err, portfolio.ENOTFOUND)
	_, _, _, err = f.svc.AsOf(ctx, 42)
	wantCode(t, err, portfolio.ENOTFOUND)
	_, err = f.svc.List(ctx, "nope")
	wantCode(t, err, portfolio.ENOTFOUND)

	// An empty mission can be frozen: figures are nulls and zeros.
	sn := f.mustTake(t, "t", "empty", takenAt)
	if sn.Projects != 0 || sn.Metrics == 0 || len(sn.BatchIDs) != 0 {
		t.Errorf("empty snapshot: got %+v", sn)
	}
	_, err = f.svc.Metrics(ctx, sn.ID, []string{"C1", "X99"})
	wantCode(t, err, portfolio.EINVALID)
	vs, err := f.svc.Metrics(ctx, sn.ID, []string{"C8"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Code != "C8" {
			t.Fatalf("metrics filtered by C8: got %s", v)
		}
	}
	if len(vs) == 0 {
		t.Errorf("metrics filtered by C8: got none")
	}
}

func TestComputeAsOf(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustFixture(t, takenAt)
	f.mustPortfolio(t)
	sn := f.mustTake(t, "t", "", takenAt)
	f.mustImport(t, "t", later[0].kind, later[0].mode, later[0].body)

	// Default scope and parameters: the frozen values.
	res, err := f.svc.Compute(ctx, sn.ID, portfolio.Scope{}, metrics.Params{}, []string{"C1"})
	if err != nil {
		t.Fatal(err)
	}
	frozen, err := f.svc.Metrics(ctx, sn.ID, []string{"C1"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.ComputedAt.Equal(sn.TakenAt) || !reflect.DeepEqual(res.Values, frozen) {
		t.Errorf("compute with defaults: got %v at %s, want the frozen values at %s", res.Values, res.ComputedAt, sn.TakenAt)
	}
	// A filter: computed over the frozen tables. Level community holds only
	// P1 (p1|p2) in the snapshot, while the live P1 is now regulation.
	res, err = f.svc.Compute(ctx, sn.ID, portfolio.Scope{Levels: []string{"community"}}, metrics.Params{A: "pillar", B: "level"}, []string{"C1"})
	if err != nil {
		t.Fatal(err)
	}
	filled := map[string]float64{}
	for _, v := range res.Values {
		if v.Dims["measure"] == "n_full" && v.Value != nil && *v.Value > 0 {
			filled[v.Dims["a"]+"/"+v.Dims["b"]] = *v.Value
		}
	}
	if want := map[string]float64{"p1/community": 1, "p2/community": 1}; !reflect.DeepEqual(filled, want) {
		t.Errorf("C1 as of the snapshot for level community: got cells %v, want %v", filled, want)
	}
}
