package metrics

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/storetest"
)

// testNow is the fixed clock of every metric test.
var testNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// testMission is the shared mission "t" (testdata/mission_t.yaml at the
// repository root) with targets and a relevance mask.
var testMission = sharedTestdata("mission_t.yaml") + `targets:
  level: {community: 0.5, startup: 0.25, regulation: 0.25}
relevance:
  - {a: pillar, b: level, cells: [[p1, community], [p3, regulation]]}
`

// sharedTestdata reads a fixture that the tests of several packages share.
func sharedTestdata(name string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

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
// against it). The database is a copy of a template built once per test
// binary for each distinct mission, geography and files: tests run on
// their own copy and may change it.
func mustStoreWith(t testing.TB, mission string, areas []portfolio.GeoArea, files portfolioFiles) (*store.Store, *portfolio.Mission) {
	t.Helper()
	m, err := missionfile.Parse([]byte(mission))
	if err != nil {
		t.Fatal(err)
	}
	st := templateFor(mission, areas, files).Open(t, store.Options{})
	got, err := st.Mission(context.Background(), m.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return st, got
}

// templates are the template databases of this test binary, one per
// distinct mission document, geography and files.
var templates storetest.Set

func TestMain(m *testing.M) { storetest.Main(m) }

// templateFor returns the template for a mission document, geography and
// files (built or not yet).
func templateFor(mission string, areas []portfolio.GeoArea, files portfolioFiles) *storetest.Template {
	h := sha256.New()
	fmt.Fprintf(h, "%q %v", mission, areas)
	for _, kind := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, " %q %q", kind, files[kind])
	}
	return templates.Get(hex.EncodeToString(h.Sum(nil)), func(ctx context.Context, st *store.Store) error {
		return fill(ctx, st, mission, areas, files)
	})
}

// fill applies mission, loads areas and imports the files through the
// real pipeline (organisations first, then projects, then signals).
func fill(ctx context.Context, st *store.Store, mission string, areas []portfolio.GeoArea, files portfolioFiles) error {
	m, err := missionfile.Parse([]byte(mission))
	if err != nil {
		return err
	}
	if _, err := st.ApplyMission(ctx, m); err != nil {
		return err
	}
	if len(areas) > 0 {
		if err := st.UpsertGeoAreas(ctx, areas, 2024); err != nil {
			return err
		}
	}
	ing := ingest.New(st, func() time.Time { return testNow })
	dir, err := os.MkdirTemp("", "begira-files-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, kind := range []string{ingest.KindOrganisations, ingest.KindProjects, ingest.KindSignals} {
		body, ok := files[kind]
		if !ok {
			continue
		}
		path := filepath.Join(dir, kind+".csv")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			return err
		}
		b, err := ing.Preview(ctx, ingest.Request{Mission: m.Slug, Kind: kind, Path: path, Filename: kind + ".csv"})
		if err != nil {
			return fmt.Errorf("import %s: %w", kind, err)
		}
		if b.RowsRejected > 0 {
			return fmt.Errorf("import %s: rejects %+v", kind, b.Rejects)
		}
		if _, err := ing.Commit(ctx, b.ID, false); err != nil {
			return fmt.Errorf("commit %s: %w", kind, err)
		}
	}
	return nil
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
