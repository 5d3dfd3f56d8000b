package cache_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/begira/begira/internal/cache"
)

func value(v string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { return v, nil }
}

func mustGet(t *testing.T, c *cache.Cache[string], key string, compute func(context.Context) (string, error)) string {
	t.Helper()
	v, err := c.Get(context.Background(), "g", key, compute)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	return v
}

// waitFor polls cond: background recomputations run on goroutines of
// their own.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func newCache(lookups, refreshes *atomic.Int32) *cache.Cache[string] {
	return cache.New(cache.Options[string]{
		MaxEntries: 100, MaxBytes: 1 << 20, Size: func(s string) int { return len(s) },
		OnLookup: func(hit bool) {
			if hit {
				lookups.Add(1)
			}
		},
		OnRefresh: func() { refreshes.Add(1) },
	})
}

// TestStaleWhileRevalidate: after Invalidate the next Get answers at once
// with the stale value and starts one recomputation, whatever the number
// of readers meanwhile; then the fresh value is served. Another group is
// untouched.
func TestStaleWhileRevalidate(t *testing.T) {
	t.Parallel()
	var hits, refreshes atomic.Int32
	c := newCache(&hits, &refreshes)
	if v := mustGet(t, c, "k", value("v1")); v != "v1" {
		t.Fatalf("first get: %q", v)
	}
	if v := mustGet(t, c, "k", value("unused")); v != "v1" {
		t.Fatalf("cached get: %q, want v1 without recomputing", v)
	}
	c.Invalidate("other")
	if v := mustGet(t, c, "k", value("unused")); v != "v1" || refreshes.Load() != 0 {
		t.Fatalf("after another group's invalidation: %q, %d refreshes", v, refreshes.Load())
	}

	c.Invalidate("g")
	c.Invalidate("g")
	release := make(chan struct{})
	var computed atomic.Int32
	slow := func(context.Context) (string, error) {
		computed.Add(1)
		<-release
		return "v2", nil
	}
	for range 5 {
		if v := mustGet(t, c, "k", slow); v != "v1" {
			t.Fatalf("stale get: %q, want v1 at once", v)
		}
	}
	close(release)
	waitFor(t, "the fresh value", func() bool { return mustGet(t, c, "k", value("unused")) == "v2" })
	if computed.Load() != 1 || refreshes.Load() != 1 {
		t.Errorf("%d recomputations (%d refreshes observed), want 1", computed.Load(), refreshes.Load())
	}
	if hits.Load() < 8 {
		t.Errorf("%d hits observed, want every Get after the first", hits.Load())
	}
}

// TestFirstComputationOnce: concurrent first Gets of a key compute it once
// and all get its value; a failed first computation is not kept.
func TestFirstComputationOnce(t *testing.T) {
	t.Parallel()
	var hits, refreshes atomic.Int32
	c := newCache(&hits, &refreshes)
	started, release := make(chan struct{}), make(chan struct{})
	var computed atomic.Int32
	var wg sync.WaitGroup
	first := func(context.Context) (string, error) {
		computed.Add(1)
		close(started)
		<-release
		return "v", nil
	}
	wg.Add(1)
	go func() { defer wg.Done(); mustGet(t, c, "k", first) }()
	<-started
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v := mustGet(t, c, "k", value("again")); v != "v" {
				t.Errorf("waiting reader got %q, want v", v)
			}
		}()
	}
	waitFor(t, "the readers to wait", func() bool { return hits.Load() == 4 })
	close(release)
	wg.Wait()
	if computed.Load() != 1 {
		t.Errorf("computed %d times, want 1", computed.Load())
	}

	boom := errors.New("boom")
	if _, err := c.Get(context.Background(), "g", "bad", func(context.Context) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("failed computation: %v", err)
	}
	if v := mustGet(t, c, "bad", value("ok")); v != "ok" {
		t.Errorf("after a failure: %q, want a new computation", v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if v, err := c.Get(ctx, "g", "k", value("unused")); err != nil || v != "v" {
		t.Errorf("a cached value with a cancelled context: %q, %v", v, err)
	}
}

// TestFailedRefreshKeepsStale: a recomputation that fails leaves the stale
// value served, and the next Get tries again.
func TestFailedRefreshKeepsStale(t *testing.T) {
	t.Parallel()
	var hits, refreshes atomic.Int32
	c := newCache(&hits, &refreshes)
	mustGet(t, c, "k", value("v1"))
	c.Invalidate("g")
	var failed atomic.Bool
	mustGet(t, c, "k", func(context.Context) (string, error) { failed.Store(true); return "", errors.New("down") })
	waitFor(t, "the failed refresh", func() bool { return failed.Load() })
	waitFor(t, "a second refresh", func() bool { return mustGet(t, c, "k", value("v2")) == "v2" })
	if refreshes.Load() != 2 {
		t.Errorf("%d refreshes, want 2", refreshes.Load())
	}
}

// TestBoundedInBytes: the least recently used values go first once the
// bytes are over budget, never one being computed; a value over
// MaxValueBytes is returned and not kept.
func TestBoundedInBytes(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); now = now.Add(time.Second); return now }
	c := cache.New(cache.Options[[]byte]{MaxEntries: 1000, MaxBytes: 10 << 10, MaxValueBytes: 4 << 10,
		Size: func(b []byte) int { return len(b) }, Now: clock})
	ctx := context.Background()
	kb := func(context.Context) ([]byte, error) { return make([]byte, 1<<10), nil }

	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Get(ctx, "g", "computing", func(context.Context) ([]byte, error) {
			close(started)
			<-release
			return make([]byte, 1<<10), nil
		})
	}()
	<-started
	for i := range 50 {
		c.Get(ctx, "g", fmt.Sprint(i), kb)
		if n, bytes := c.Len(); bytes > 10<<10 || n > 11 {
			t.Fatalf("after %d values: %d entries in %d bytes", i+1, n, bytes)
		}
	}
	close(release)
	<-done
	kept := func(key string) bool {
		recomputed := false
		c.Get(ctx, "g", key, func(context.Context) ([]byte, error) { recomputed = true; return make([]byte, 1<<10), nil })
		return !recomputed
	}
	if !kept("computing") || !kept("49") || kept("0") {
		t.Errorf("kept: the value being computed %v, the newest %v, the oldest %v", kept("computing"), kept("49"), kept("0"))
	}
	before, _ := c.Len()
	if v, err := c.Get(ctx, "g", "huge", func(context.Context) ([]byte, error) { return make([]byte, 5<<10), nil }); err != nil || len(v) != 5<<10 {
		t.Fatalf("huge value: %d bytes, %v", len(v), err)
	}
	if after, _ := c.Len(); after != before {
		t.Errorf("a value over MaxValueBytes was kept: %d entries, then %d", before, after)
	}
}

// TestRecompute caches a fresh value even over a fresh one, and keeps the
// old one when the recomputation fails.
func TestRecompute(t *testing.T) {
	t.Parallel()
	var hits, refreshes atomic.Int32
	c := newCache(&hits, &refreshes)
	mustGet(t, c, "k", value("v1"))
	if v, err := c.Recompute(context.Background(), "g", "k", value("v2")); err != nil || v != "v2" {
		t.Fatalf("recompute: %q, %v", v, err)
	}
	if v := mustGet(t, c, "k", value("unused")); v != "v2" {
		t.Errorf("after Recompute: %q, want v2", v)
	}
	if _, err := c.Recompute(context.Background(), "g", "k", func(context.Context) (string, error) { return "", errors.New("down") }); err == nil {
		t.Fatal("a failed recomputation returned no error")
	}
	if v := mustGet(t, c, "k", value("unused")); v != "v2" {
		t.Errorf("after a failed Recompute: %q, want v2 kept", v)
	}
	if _, bytes := c.Len(); bytes != 2 {
		t.Errorf("%d bytes counted, want 2", bytes)
	}
	if refreshes.Load() != 0 {
		t.Errorf("Recompute counted as %d background refreshes", refreshes.Load())
	}
}

// TestPanickingFirstComputation: readers waiting for a first computation
// that panics are released with an error, and the next Get computes again.
func TestPanickingFirstComputation(t *testing.T) {
	t.Parallel()
	var hits, refreshes atomic.Int32
	c := newCache(&hits, &refreshes)
	started, release := make(chan struct{}), make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		c.Get(context.Background(), "g", "k", func(context.Context) (string, error) {
			close(started)
			<-release
			panic("boom")
		})
	}()
	<-started
	waited := make(chan error, 1)
	go func() {
		_, err := c.Get(context.Background(), "g", "k", value("unused"))
		waited <- err
	}()
	waitFor(t, "the reader to wait", func() bool { return hits.Load() == 1 })
	close(release)
	if r := <-panicked; r != "boom" {
		t.Errorf("the panic was not passed on: %v", r)
	}
	if err := <-waited; err == nil {
		t.Error("the waiting reader got no error")
	}
	if v := mustGet(t, c, "k", value("v")); v != "v" {
		t.Errorf("after the panic: %q, want a new computation", v)
	}
}

// TestFreshWaitsForRecomputation: a Get with a Fresh context never returns
// a stale value. With no recomputation under way it computes the value
// itself; with one under way (started by a plain Get, which got the stale
// value at once) it waits for it and does not compute again.
func TestFreshWaitsForRecomputation(t *testing.T) {
	t.Parallel()
	var hits, refreshes atomic.Int32
	c := newCache(&hits, &refreshes)
	fresh := cache.Fresh(context.Background())
	mustGet(t, c, "k", value("v1"))
	c.Invalidate("g")
	if v, err := c.Get(fresh, "g", "k", value("v2")); err != nil || v != "v2" {
		t.Fatalf("fresh get of a stale value: %q, %v; want v2", v, err)
	}
	if v := mustGet(t, c, "k", value("unused")); v != "v2" {
		t.Fatalf("after the fresh get: %q, want v2 cached", v)
	}

	c.Invalidate("g")
	started, release := make(chan struct{}), make(chan struct{})
	var computed atomic.Int32
	slow := func(context.Context) (string, error) {
		computed.Add(1)
		close(started)
		<-release
		return "v3", nil
	}
	if v := mustGet(t, c, "k", slow); v != "v2" {
		t.Fatalf("plain get of a stale value: %q, want v2 at once", v)
	}
	<-started
	got := make(chan string)
	go func() {
		v, err := c.Get(fresh, "g", "k", value("computed twice"))
		if err != nil {
			t.Error(err)
		}
		got <- v
	}()
	close(release)
	if v := <-got; v != "v3" || computed.Load() != 1 {
		t.Errorf("fresh get: %q after %d computations; want v3 after 1", v, computed.Load())
	}

	// A failed recomputation in a fresh get is its error; the stale value
	// stays for plain gets.
	c.Invalidate("g")
	boom := errors.New("boom")
	if _, err := c.Get(fresh, "g", "k", func(context.Context) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Errorf("failed fresh recomputation: %v, want boom", err)
	}
	if v := mustGet(t, c, "k", value("v4")); v != "v3" {
		t.Errorf("plain get after a failed fresh one: %q, want the stale v3", v)
	}
}

// TestRefreshesBounded: after an invalidation of many values, at most
// MaxRefreshes background recomputations run at once, each computed once,
// and every value is fresh in the end.
func TestRefreshesBounded(t *testing.T) {
	t.Parallel()
	c := cache.New(cache.Options[string]{MaxEntries: 100, MaxBytes: 1 << 20, MaxRefreshes: 2})
	const keys = 8
	for i := range keys {
		mustGet(t, c, fmt.Sprint(i), value("old"))
	}
	c.Invalidate("g")
	var running, peak, computed atomic.Int32
	release := make(chan struct{})
	slow := func(context.Context) (string, error) {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		computed.Add(1)
		<-release
		running.Add(-1)
		return "new", nil
	}
	for range 3 {
		for i := range keys {
			if v := mustGet(t, c, fmt.Sprint(i), slow); v != "old" {
				t.Fatalf("stale get %d: %q, want old at once", i, v)
			}
		}
	}
	waitFor(t, "two recomputations", func() bool { return running.Load() == 2 })
	close(release)
	for i := range keys {
		waitFor(t, "fresh values", func() bool { return mustGet(t, c, fmt.Sprint(i), value("unused")) == "new" })
	}
	if peak.Load() != 2 || computed.Load() != keys {
		t.Errorf("peak %d at once, %d computations; want 2 and %d", peak.Load(), computed.Load(), keys)
	}
}

// TestFreshTakesOverAQueuedRecomputation: a fresh Get of a value whose
// background recomputation still waits for a slot computes it at once
// rather than queue behind the others, and the queued one then has
// nothing left to do.
func TestFreshTakesOverAQueuedRecomputation(t *testing.T) {
	t.Parallel()
	c := cache.New(cache.Options[string]{MaxEntries: 100, MaxBytes: 1 << 20, MaxRefreshes: 1})
	mustGet(t, c, "busy", value("old"))
	mustGet(t, c, "k", value("old"))
	c.Invalidate("g")
	started, release := make(chan struct{}), make(chan struct{})
	mustGet(t, c, "busy", func(context.Context) (string, error) { close(started); <-release; return "new", nil })
	<-started // the only slot is taken
	var computed atomic.Int32
	count := func(v string) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { computed.Add(1); return v, nil }
	}
	if v := mustGet(t, c, "k", count("queued")); v != "old" {
		t.Fatalf("plain get: %q, want old at once", v)
	}
	got := make(chan string, 1)
	go func() {
		v, _ := c.Get(cache.Fresh(context.Background()), "g", "k", count("fresh"))
		got <- v
	}()
	select {
	case v := <-got:
		if v != "fresh" {
			t.Errorf("fresh get: %q, want fresh", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the fresh get waited for the slot")
	}
	close(release)
	waitFor(t, "the busy value", func() bool { return mustGet(t, c, "busy", value("unused")) == "new" })
	waitFor(t, "the queued refresh to give up its slot", func() bool {
		v, err := c.Get(context.Background(), "g", "k", value("unused"))
		return err == nil && v == "fresh"
	})
	if n := computed.Load(); n != 1 {
		t.Errorf("k computed %d times, want 1", n)
	}
}
