package metrics

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const engineProjects = "ext_ref,title,pillars,level,stage,status\nA,A,p1,community,explore,active\nB,B,p2,startup,design,active\n"

// TestEngineServesStaleWhileRecomputing: after an import commits, the next
// read answers at once with the previous result (and its computed_at), and
// a background recomputation replaces it.
func TestEngineServesStaleWhileRecomputing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := mustStore(t, portfolioFiles{ingest.KindProjects: engineProjects})
	clock := &fakeClock{t: testNow}
	en := NewEngine(st, clock.Now, nil)
	req := Request{Mission: m, Codes: []string{"C16"}}

	first, err := en.Get(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if v := find(t, first.Values, "C16", "measure", "nodes"); !approx(v.Value, 2) {
		t.Fatalf("nodes = %v, want 2", v)
	}
	// Cached: same result object, no recomputation.
	clock.Add(time.Minute)
	again, _ := en.Get(ctx, req)
	if again != first {
		t.Fatal("second read recomputed instead of using the cache")
	}

	// An import adds a project and invalidates the mission.
	ing := ingest.New(st, clock.Now)
	ing.OnCommitted(en.Invalidate)
	path := t.TempDir() + "/more.csv"
	writeTestFile(t, path, "ext_ref,title,pillars,level,stage,status\nC,C,p3,regulation,scale,active\n")
	if _, err := ing.Import(ctx, ingest.Request{Mission: "t", Kind: ingest.KindProjects, Path: path, Filename: "more.csv"}, false); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	stale, err := en.Get(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if stale != first {
		t.Fatalf("after invalidation the first read must serve the previous result at once; got computed_at %v", stale.ComputedAt)
	}
	// The background recomputation lands; poll for it (no fixed sleep).
	deadline := time.Now().Add(10 * time.Second)
	for {
		cur, _ := en.Get(ctx, req)
		if cur != first {
			if v := find(t, cur.Values, "C16", "measure", "nodes"); !approx(v.Value, 3) {
				t.Fatalf("recomputed nodes = %v, want 3", v)
			}
			if !cur.ComputedAt.After(first.ComputedAt) {
				t.Errorf("computed_at %v not after %v", cur.ComputedAt, first.ComputedAt)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stale result was never recomputed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestEngineRefusesUnknownCodesAndSchemes(t *testing.T) {
	t.Parallel()
	st, m := mustStore(t, portfolioFiles{ingest.KindProjects: engineProjects})
	en := NewEngine(st, func() time.Time { return testNow }, nil)
	for name, req := range map[string]Request{
		"code":   {Mission: m, Codes: []string{"C99"}},
		"scheme": {Mission: m, Params: Params{A: "nope"}},
		"basis":  {Mission: m, Params: Params{Basis: "euros"}},
	} {
		if _, err := en.Get(context.Background(), req); portfolio.ErrorCode(err) != portfolio.EINVALID {
			t.Errorf("%s: got %v, want EINVALID", name, err)
		}
	}
}

// TestCatalogueIsComplete checks the catalogue has every code the issue
// asks for, each with labels in three languages and a definition.
func TestCatalogueIsComplete(t *testing.T) {
	t.Parallel()
	want := []string{"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C10", "C11", "C12", "C13", "C14", "C15", "C16", "C17", "C18", "C19", "C20",
		"S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "S12", "S13"}
	got := Codes()
	if len(got) != len(want) {
		t.Fatalf("catalogue has %v, want %v", got, want)
	}
	for i, code := range want {
		if got[i] != code {
			t.Errorf("catalogue[%d] = %s, want %s", i, got[i], code)
		}
		m := Lookup(code)
		if m.Label.EN == "" || m.Label.ES == "" || m.Label.EU == "" || m.Definition.EN == "" || m.Definition.ES == "" || m.Definition.EU == "" {
			t.Errorf("%s lacks a label or definition in some language: %+v %+v", code, m.Label, m.Definition)
		}
	}
}

// TestWholeCatalogueOnEmptyPortfolio: every metric answers on an empty
// mission, with nulls rather than NaN, Inf or an error.
func TestWholeCatalogueOnEmptyPortfolio(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, portfolioFiles{}, portfolio.Scope{}, Params{})
	res, err := Compute(context.Background(), e, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Values {
		if v.Value != nil && (*v.Value != *v.Value) {
			t.Errorf("%v is NaN", v)
		}
	}
}

// Compute runs the metrics concurrently but answers exactly what running
// each alone, in catalogue order, answers: same values, same order.
func TestComputeConcurrentIsSequential(t *testing.T) {
	t.Parallel()
	files := portfolioFiles{ingest.KindSignals: sigCSV(sigVolumeRows())}
	for k, v := range portfolioMain {
		files[k] = v
	}
	e := mustEnv(t, files, portfolio.Scope{}, Params{})
	got, err := Compute(context.Background(), e, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []Value
	for _, m := range Catalogue() {
		vs, err := m.Compute(context.Background(), netFreshEnv(t, e))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, vs...)
	}
	if len(got.Values) != len(want) {
		t.Fatalf("got %d values, want %d", len(got.Values), len(want))
	}
	for i := range want {
		if g, w := got.Values[i].String(), want[i].String(); g != w {
			t.Fatalf("value %d: got %s, want %s", i, g, w)
		}
	}
}

// once computes an intermediate once however many metrics ask for it at
// the same time, and does not keep a failure.
func TestOnceSingleFlight(t *testing.T) {
	t.Parallel()
	e := &Env{own: envMemo{memo: map[string]*memoEntry{}}}
	var calls int
	var mu sync.Mutex
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := once(e, "k", func() (int, error) {
				mu.Lock()
				calls++
				mu.Unlock()
				<-release
				return 42, nil
			})
			if err != nil || v != 42 {
				t.Errorf("got %v, %v; want 42", v, err)
			}
		}()
	}
	time.Sleep(10 * time.Millisecond) // let the callers pile up on the first
	close(release)
	wg.Wait()
	if calls != 1 {
		t.Errorf("got %d computations, want 1", calls)
	}
	fail := true
	f := func() (int, error) {
		if fail {
			return 0, context.DeadlineExceeded
		}
		return 7, nil
	}
	if _, err := once(e, "f", f); err == nil {
		t.Fatal("got no error")
	}
	fail = false
	if v, err := once(e, "f", f); err != nil || v != 7 {
		t.Errorf("after a failure: got %v, %v; want 7 (failures are not kept)", v, err)
	}
}

func TestFamily(t *testing.T) {
	t.Parallel()
	counts := map[string]int{}
	for _, code := range Codes() {
		f := Family(code)
		counts[f]++
		want := "portfolio"
		switch {
		case code[0] == 'S':
			want = "signals"
		case code == "C16" || code == "C17" || code == "C18" || code == "C19":
			want = "network"
		}
		if f != want {
			t.Errorf("Family(%s) = %q, want %q", code, f, want)
		}
	}
	if counts["portfolio"] == 0 || counts["network"] != 4 || counts["signals"] != 13 || len(counts) != len(Families) {
		t.Errorf("families: %v, want every metric in one of %v", counts, Families)
	}
	if f := Family("X9"); f != "" {
		t.Errorf("Family of an unknown code = %q, want empty", f)
	}
}

// Label, Definition, Family and Lookup read a catalogue built once: they
// are asked for every value shown, and must not rebuild it each time.
func TestCatalogueLookupsDoNotRebuild(t *testing.T) {
	for name, f := range map[string]func(){
		"Label":      func() { _ = Label("C7", "es") },
		"Definition": func() { _ = Definition("S3", "eu") },
		"Family":     func() { _ = Family("C17") },
		"unknown":    func() { _ = Label("X9", "en") + Family("X9") },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0 (the catalogue is rebuilt)", name, n)
		}
	}
	// Catalogue hands out a copy: changing it changes no label.
	all := Catalogue()
	all[0].Label.EN = "changed"
	if got := Label(all[0].Code, "en"); got == "changed" {
		t.Errorf("Label(%s) = %q after a caller changed its copy of the catalogue", all[0].Code, got)
	}
	if m := Lookup("C1"); m == nil || m.Code != "C1" || Label("C1", "en") != m.Label.EN {
		t.Errorf("Lookup(C1) = %+v", m)
	}
}
