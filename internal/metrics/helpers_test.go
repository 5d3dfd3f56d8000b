package metrics

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// testNow is the fixed clock of every metric test.
var testNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// testMission is a small mission for hand-built portfolios: 3 pillars,
// 3 ordered levels, 2 challenges, 3 levers, 3 ordered stages, actor types,
// steep; targets and a relevance mask.
const testMission = `slug: t
title: {en: Test}
timezone: Europe/Madrid
schemes:
  - code: pillar
    label: {en: Pillar}
    cardinality: multi
    applies_to: [project, signal]
    terms:
      - {code: p1, label: {en: P one}}
      - {code: p2, label: {en: P two}}
      - {code: p3, label: {en: P three}}
  - code: level
    label: {en: Level}
    ordered: true
    applies_to: [project, signal]
    terms:
      - {code: community, ordinal: 1, label: {en: Community}}
      - {code: startup, ordinal: 2, label: {en: Startup}}
      - {code: regulation, ordinal: 3, label: {en: Regulation}}
  - code: challenge
    label: {en: Challenge}
    cardinality: multi
    applies_to: [project, signal]
    terms:
      - {code: food, label: {en: Food}}
      - {code: water, label: {en: Water}}
  - code: lever
    label: {en: Lever}
    cardinality: multi
    applies_to: [project, signal]
    terms:
      - {code: finance, label: {en: Finance}}
      - {code: tech, label: {en: Tech}}
      - {code: policy, label: {en: Policy}}
  - code: stage
    label: {en: Stage}
    ordered: true
    terms:
      - {code: explore, ordinal: 1, label: {en: Explore}}
      - {code: design, ordinal: 2, label: {en: Design}}
      - {code: scale, ordinal: 3, label: {en: Scale}}
  - code: actor_type
    label: {en: Actor type}
    applies_to: organisation
    terms:
      - {code: public_admin, label: {en: Public administration}}
      - {code: sme, label: {en: SME}}
      - {code: community_group, label: {en: Community group}}
  - code: steep
    label: {en: STEEP}
    applies_to: signal
    terms:
      - {code: social, label: {en: Social}}
      - {code: environmental, label: {en: Environmental}}
targets:
  level: {community: 0.5, startup: 0.25, regulation: 0.25}
relevance:
  - {a: pillar, b: level, cells: [[p1, community], [p3, regulation]]}
`

// portfolioFiles are the CSV files of a hand-built portfolio, by import kind.
type portfolioFiles map[string]string

// mustStore opens an in-memory store with testMission applied and the files
// imported through the real pipeline (organisations first, then projects,
// then signals).
func mustStore(t testing.TB, files portfolioFiles) (*store.Store, *portfolio.Mission) {
	t.Helper()
	return mustStoreWith(t, testMission, nil, files)
}

// mustStoreWith is mustStore with another mission document, and reference
// geography loaded before the imports (they validate municipality codes
// against it).
func mustStoreWith(t testing.TB, mission string, areas []portfolio.GeoArea, files portfolioFiles) (*store.Store, *portfolio.Mission) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := missionfile.Parse([]byte(mission))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	if len(areas) > 0 {
		if err := st.UpsertGeoAreas(ctx, areas, 2024); err != nil {
			t.Fatal(err)
		}
	}
	ing := ingest.New(st, func() time.Time { return testNow })
	dir := t.TempDir()
	for _, kind := range []string{ingest.KindOrganisations, ingest.KindProjects, ingest.KindSignals} {
		body, ok := files[kind]
		if !ok {
			continue
		}
		path := filepath.Join(dir, kind+".csv")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		b, err := ing.Preview(ctx, ingest.Request{Mission: m.Slug, Kind: kind, Path: path, Filename: kind + ".csv"})
		if err != nil {
			t.Fatalf("import %s: %v", kind, err)
		}
		if b.RowsRejected > 0 {
			t.Fatalf("import %s: rejects %+v", kind, b.Rejects)
		}
		if _, err := ing.Commit(ctx, b.ID, false); err != nil {
			t.Fatalf("commit %s: %v", kind, err)
		}
	}
	m, err = st.Mission(ctx, m.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return st, m
}

// mustEnv builds an Env over a hand-built portfolio.
func mustEnv(t testing.TB, files portfolioFiles, sc portfolio.Scope, p Params) *Env {
	t.Helper()
	st, m := mustStore(t, files)
	e, err := NewEnv(st, m, sc, p, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// find returns the one row of code whose dims include the given key/value
// pairs. When several rows include them, the one whose dims are exactly
// those pairs is taken (S5's latest z beside its per-period rows); any
// other ambiguity fails the test, as does no row at all: a test must say
// which figure it checks.
func find(t testing.TB, vs []Value, code string, dims ...string) Value {
	t.Helper()
	var found, exact []Value
	for _, v := range vs {
		if v.Is(code, dims...) {
			found = append(found, v)
			if len(v.Dims) == len(dims)/2 {
				exact = append(exact, v)
			}
		}
	}
	switch {
	case len(found) == 1:
		return found[0]
	case len(exact) == 1:
		return exact[0]
	case len(found) == 0:
		t.Fatalf("no %s row with dims %v among %d values", code, dims, len(vs))
	}
	t.Fatalf("%d %s rows with dims %v and no single exact one: %+v", len(found), code, dims, found)
	return Value{}
}

// approx compares floating-point figures.
func approx(got *float64, want float64) bool {
	return got != nil && (*got-want)*(*got-want) < 1e-12
}

func writeTestFile(t testing.TB, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// catalogued returns the label and definition the catalogue gives code
// (they live in the message catalogue, not in the metric's Go definition).
func catalogued(t *testing.T, code string) []portfolio.Labels {
	t.Helper()
	m := Lookup(code)
	if m == nil {
		t.Fatalf("%s not in the catalogue", code)
	}
	return []portfolio.Labels{m.Label, m.Definition}
}
