package store_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/storetest"
)

// MustOpen opens a private in-memory store closed when the test ends.
func MustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	return MustOpenFile(tb, store.Memory)
}

// MustOpenFile opens the store at path, closed when the test ends.
func MustOpenFile(tb testing.TB, path string) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// testMission is a small mission: pillar (multi, three active terms and one
// inactive), level (single, ordered) and stage (single, with the unused term
// "scale"). Each call returns a fresh copy that tests may change.
func testMission() *portfolio.Mission {
	l := func(en, es string) portfolio.Labels { return portfolio.Labels{EN: en, ES: es} }
	return &portfolio.Mission{
		Slug:      "testmission",
		Title:     l("Test mission", "Misión de prueba"),
		Statement: "A mission for tests",
		Timezone:  "Europe/Madrid",
		Schemes: []portfolio.Scheme{
			{Code: "pillar", Label: l("Pillar", "Eje"), Cardinality: "multi", AppliesTo: portfolio.AppliesTo{"project", "signal"},
				Terms: []portfolio.Term{
					{Code: "social_cohesion", Label: l("Social cohesion", "Cohesión social")},
					{Code: "decarbonisation", Label: l("Decarbonisation", "Descarbonización")},
					{Code: "adaptation", Label: l("Adaptation", "Adaptación")},
					{Code: "culture", Label: l("Culture", "Cultura"), Inactive: true},
				}},
			{Code: "level", Label: l("Level", "Nivel"), Cardinality: "single", Ordered: true, AppliesTo: portfolio.AppliesTo{"project", "signal"},
				Terms: []portfolio.Term{
					{Code: "community", Label: l("Community", "Comunidad")},
					{Code: "startup", Label: l("Startups", "Startups")},
					{Code: "regulation", Label: l("Regulation", "Regulación")},
				}},
			{Code: "stage", Label: l("Stage", "Fase"), Cardinality: "single", Ordered: true, AppliesTo: portfolio.AppliesTo{"project"},
				Terms: []portfolio.Term{
					{Code: "explore", Label: l("Explore", "Explorar")},
					{Code: "pilot", Label: l("Pilot", "Piloto")},
					{Code: "scale", Label: l("Scale", "Escalar")},
				}},
		},
	}
}

// projectsCSV is the portfolio most tests share. In the default scope
// (planned and active) are P1, P2, P3, P4 and P7; P5 is completed and P6
// stopped. P1 is the only project with two pillars, P3 the only one without
// a budget, P7 the only one without a pillar.
const projectsCSV = `ext_ref,title,pillars,level,stage,status,budget_total_eur,start_date,end_date,lead_org,partners
P1,Community energy,social_cohesion|decarbonisation,community,pilot,active,1000,2024-01-15,2026-06-30,Alpha Coop,Beta SL|Gamma Univ
P2,Bike lanes,decarbonisation,community,explore,active,400,2023-05-01,,Beta SL,
P3,Flood watch,adaptation,regulation,explore,planned,,2025-02-01,,,
P4,Heat pump start-up,decarbonisation,startup,pilot,active,600,,,,
P5,Old care network,social_cohesion,startup,pilot,completed,5000,2019-01-01,2022-12-31,Delta,
P6,Dune restoration,adaptation,community,explore,stopped,7000,,,,
P7,Untagged incubator,,startup,explore,active,200,,,,
`

// signalsCSV holds two approved signals and one new one; S2 and S3 use the
// pillar adaptation, S1 is linked to P1.
const signalsCSV = `ext_ref,headline,observed_at,status,novelty,pillars,level_observed,projects
S1,Energy communities spread,2025-01-10,approved,4,decarbonisation,community,P1
S2,Drought worries,2025-03-01,new,5,adaptation,,
S3,Care co-ops,2024-12-01,approved,2,social_cohesion|adaptation,startup,
`

// MustApply applies m and returns the mission as the store reads it back.
func MustApply(tb testing.TB, st *store.Store, m *portfolio.Mission) *portfolio.Mission {
	tb.Helper()
	ctx := context.Background()
	if _, err := st.ApplyMission(ctx, m); err != nil {
		tb.Fatalf("apply mission: %v", err)
	}
	got, err := st.Mission(ctx, m.Slug)
	if err != nil {
		tb.Fatalf("load mission: %v", err)
	}
	return got
}

// MustImport imports body as a file of kind through the real ingest
// pipeline and fails the test unless every row lands.
func MustImport(tb testing.TB, st *store.Store, slug, kind, body string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), kind+".csv")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		tb.Fatal(err)
	}
	b, err := ingest.New(st, time.Now).Import(context.Background(), ingest.Request{
		Mission: slug, Kind: kind, Mode: ingest.ModeAppend, Path: path, Filename: "x.csv"}, false)
	if err != nil {
		tb.Fatalf("import %s: %v", kind, err)
	}
	if b.Status != portfolio.ImportCommitted || b.RowsRejected != 0 {
		tb.Fatalf("import %s: got status %s with %d rejects %+v, want committed with none", kind, b.Status, b.RowsRejected, b.Rejects)
	}
}

// MustFixture returns a store holding testMission with projectsCSV and
// signalsCSV imported, and the mission as stored: a copy of a template
// database imported once per test binary, which the test may change.
func MustFixture(tb testing.TB) (*store.Store, *portfolio.Mission) {
	tb.Helper()
	st := fixture.Open(tb, store.Options{})
	m, err := st.Mission(context.Background(), testMission().Slug)
	if err != nil {
		tb.Fatal(err)
	}
	return st, m
}

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture is MustFixture's template, written through the real ingest
// pipeline.
var fixture = storetest.New(func(ctx context.Context, st *store.Store) error {
	m := testMission()
	if _, err := st.ApplyMission(ctx, m); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "begira-fixture-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, f := range []struct{ kind, body string }{{ingest.KindProjects, projectsCSV}, {ingest.KindSignals, signalsCSV}} {
		kind, body := f.kind, f.body // signals link to projects: projects first
		file := filepath.Join(dir, kind+".csv")
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			return err
		}
		b, err := ingest.New(st, time.Now).Import(ctx, ingest.Request{
			Mission: m.Slug, Kind: kind, Mode: ingest.ModeAppend, Path: file, Filename: "x.csv"}, false)
		if err != nil {
			return fmt.Errorf("import %s: %w", kind, err)
		}
		if b.Status != portfolio.ImportCommitted || b.RowsRejected != 0 {
			return fmt.Errorf("import %s: status %s with %d rejects %+v", kind, b.Status, b.RowsRejected, b.Rejects)
		}
	}
	return nil
})

// approx compares figures computed in floating point.
func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// migrationCount is the number of migration files the store embeds.
func migrationCount(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	return len(files)
}

func TestMigrationsFreshDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := migrationCount(t); v != want {
		t.Errorf("schema version: got %d, want %d (one per migrations/*.sql)", v, want)
	}
	var n int
	var name string
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*), any_value(name) FROM schema_migration WHERE version = 1`).Scan(&n, &name); err != nil {
		t.Fatal(err)
	}
	if n != 1 || name != "0001_init.sql" {
		t.Errorf("schema_migration: got %d row(s) named %q, want 1 named %q", n, name, "0001_init.sql")
	}
	if got := st.Path(); got != store.Memory {
		t.Errorf("path: got %q, want %q", got, store.Memory)
	}
}

func TestMigrationsReopenDoesNotReapply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "begira.duckdb")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyMission(ctx, testMission()); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// Re-running 0001_init.sql would fail (CREATE SEQUENCE without IF NOT
	// EXISTS), so a successful reopen already shows it was skipped.
	st = MustOpenFile(t, path)
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := migrationCount(t); v != want {
		t.Errorf("schema version after reopen: got %d, want %d", v, want)
	}
	var n int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM schema_migration`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := migrationCount(t); n != want {
		t.Errorf("schema_migration rows after reopen: got %d, want %d", n, want)
	}
	m, err := st.Mission(ctx, testMission().Slug)
	if err != nil {
		t.Fatalf("mission after reopen: got %v, want it kept", err)
	}
	if m.Title.EN != "Test mission" || len(m.Schemes) != 3 {
		t.Errorf("mission after reopen: got title %q with %d schemes, want %q with 3", m.Title.EN, len(m.Schemes), "Test mission")
	}
}

// TestHelperHoldLock is not a test: TestOpenLockedBySecondProcess runs the
// test binary again with BEGIRA_HOLD_LOCK set, and this function then holds
// the database open until its stdin closes.
func TestHelperHoldLock(t *testing.T) {
	path := os.Getenv("BEGIRA_HOLD_LOCK")
	if path == "" {
		t.Skip("helper process for TestOpenLockedBySecondProcess")
	}
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	defer st.Close()
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin) // block until the parent closes stdin or kills us
}

func TestOpenLockedBySecondProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	path := filepath.Join(t.TempDir(), "locked.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$", "-test.count=1")
	cmd.Env = append(os.Environ(), "BEGIRA_HOLD_LOCK="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})

	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); line == "ready" || strings.HasPrefix(line, "error:") {
				ready <- line
				break
			}
		}
		close(ready)
		io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-ready:
		if line != "ready" {
			t.Fatalf("helper process: got %q, want %q", line, "ready")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("helper process did not open the database within 20s")
	}

	st, err := store.Open(context.Background(), path, store.Options{})
	if err == nil {
		st.Close()
		t.Fatal("open of a file held by another process: got no error, want one")
	}
	msg := err.Error()
	for _, want := range []string{path, "locked"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error message: got %q, want it to contain %q", msg, want)
		}
	}
	if got := portfolio.ErrorCode(err); got != portfolio.ECONFLICT {
		t.Errorf("error code: got %s, want %s", got, portfolio.ECONFLICT)
	}
	if got := portfolio.ErrorMessage(err); !strings.Contains(got, "process") {
		t.Errorf("user message: got %q, want it to name the holding process", got)
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	// Twice: the write probe is rolled back, so it must not collide with
	// itself on the second call.
	for i := 1; i <= 2; i++ {
		if err := st.Ping(ctx); err != nil {
			t.Fatalf("ping %d on a fresh store: got %v, want nil", i, err)
		}
	}
	var n int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'readyz_probe'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("probe tables left behind: got %d, want 0", n)
	}
}

func TestPingClosedStore(t *testing.T) {
	t.Parallel()
	st, err := store.Open(context.Background(), store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := st.Ping(context.Background()); err == nil {
		t.Error("ping on a closed store: got nil, want an error")
	}
}
