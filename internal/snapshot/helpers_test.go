package snapshot

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Madrid on minimal images

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// testMission is the shared mission "t" (testdata/mission_t.yaml at the
// repository root): 3 pillars, 3 ordered levels, 2 challenges, 3 levers,
// 3 ordered stages, actor types, steep (signals only).
var testMission = sharedTestdata("mission_t.yaml")

// sharedTestdata reads a fixture that the tests of several packages share.
func sharedTestdata(name string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// clock is the injected clock of a test; set moves it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// fixture is a store with testMission applied, a clock and the services
// under test.
type fixture struct {
	st    *store.Store
	clock *clock
	svc   *Service
	ing   *ingest.Service
}

// mustFixture opens an in-memory store with the mission(s) of the given
// documents (testMission when none) and the clock at start.
func mustFixture(t testing.TB, start time.Time, missions ...string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if len(missions) == 0 {
		missions = []string{testMission}
	}
	for _, doc := range missions {
		m, err := missionfile.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyMission(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	c := &clock{t: start}
	return &fixture{st: st, clock: c, svc: New(st, c.now), ing: ingest.New(st, c.now)}
}

// mustImport imports body as a file of kind for mission slug in mode
// through the real pipeline and fails unless every row lands.
func (f *fixture) mustImport(t testing.TB, slug, kind, mode, body string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), kind+".csv")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := f.ing.Import(context.Background(), ingest.Request{
		Mission: slug, Kind: kind, Mode: mode, Path: path, Filename: kind + ".csv"}, false)
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	if b.Status != portfolio.ImportCommitted || b.RowsRejected != 0 {
		t.Fatalf("import %s: got status %s with %d rejects %+v, want committed with none", kind, b.Status, b.RowsRejected, b.Rejects)
	}
}

// mustTake takes a manual snapshot of mission slug at instant at.
func (f *fixture) mustTake(t testing.TB, slug, label string, at time.Time) *portfolio.Snapshot {
	t.Helper()
	f.clock.set(at)
	sn, err := f.svc.Take(context.Background(), slug, label, portfolio.TriggerManual)
	if err != nil {
		t.Fatalf("take %s: %v", label, err)
	}
	return sn
}

// mission loads a mission as stored.
func (f *fixture) mission(t testing.TB, slug string) *portfolio.Mission {
	t.Helper()
	m, err := f.st.Mission(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// wantCode fails unless err is a portfolio error with the given code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := portfolio.ErrorCode(err); got != code {
		t.Fatalf("error: got %v (code %q), want code %s", err, got, code)
	}
}

func ptr(x float64) *float64 { return &x }

func eqPtr(a, b *float64) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}
