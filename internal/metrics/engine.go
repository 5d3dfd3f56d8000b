package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Engine serves metric results from a live cache per mission and scope. A
// commit marks a mission's entries stale; the next read still gets the
// previous result at once (with its computed_at) while one background
// recomputation runs, so recomputation never blocks a page. Several commits
// in a row cost one recomputation: that is the debounce.
type Engine struct {
	st  *store.Store
	now func() time.Time
	log *slog.Logger

	obs CacheObserver

	mu      sync.Mutex
	entries map[string]*entry
	gen     map[string]int // mission slug → generation, bumped by Invalidate
	bytes   int            // the cached results' estimated sizes, summed
}

type entry struct {
	mission string
	gen     int
	res     *Result
	err     error
	ready   chan struct{} // closed when the first computation ends
	running bool
	used    time.Time
	size    int // resultBytes(res)
}

// maxEntries and maxBytes bound the cache: scopes come from URLs, so their
// number is unbounded, and one result of a large portfolio holds tens of
// megabytes; the least recently used entry goes first.
const (
	maxEntries = 512
	maxBytes   = 256 << 20
)

// resultBytes estimates the memory a result holds.
func resultBytes(r *Result) int {
	if r == nil {
		return 0
	}
	n := 64
	for _, v := range r.Values {
		n += 96 + len(v.Code) + len(v.Label)
		for k, d := range v.Dims {
			n += 64 + len(k) + len(d)
		}
	}
	return n
}

// NewEngine returns an Engine over st with the given clock.
func NewEngine(st *store.Store, now func() time.Time, log *slog.Logger) *Engine {
	return &Engine{st: st, now: now, log: log, entries: map[string]*entry{}, gen: map[string]int{}}
}

// CacheObserver is told of every read of the cache and every background
// refresh (Prometheus's cache counters).
type CacheObserver interface {
	CacheLookup(cache string, hit bool)
	CacheRefresh(cache string)
}

// Observe sets the observer of the cache; call it before serving.
func (en *Engine) Observe(o CacheObserver) { en.obs = o }

// Request names what to compute.
type Request struct {
	Mission *portfolio.Mission
	Scope   portfolio.Scope
	Params  Params
	Codes   []string // empty: the whole catalogue
}

func (r Request) key() string {
	codes := append([]string(nil), r.Codes...)
	sort.Strings(codes)
	return strings.Join([]string{r.Mission.Slug, r.Scope.Query().Encode(), r.Params.A, r.Params.B, r.Params.Scheme,
		r.Params.Basis, strings.Join(codes, ",")}, "|")
}

// Get returns the result for req: cached (possibly stale, then refreshed in
// the background) or computed now on the first request.
func (en *Engine) Get(ctx context.Context, req Request) (*Result, error) {
	for _, c := range req.Codes {
		if Lookup(c) == nil {
			return nil, portfolio.Errorf(portfolio.EINVALID, "unknown metric code %q (known: %s)", c, strings.Join(Codes(), ", "))
		}
	}
	// Validate parameters before anything is cached under them.
	if _, err := NewEnv(en.st, req.Mission, req.Scope, req.Params, en.now()); err != nil {
		return nil, err
	}
	k := req.key()
	en.mu.Lock()
	e, ok := en.entries[k]
	gen := en.gen[req.Mission.Slug]
	if en.obs != nil {
		en.obs.CacheLookup("metric", ok)
	}
	if !ok {
		e = &entry{mission: req.Mission.Slug, gen: gen, ready: make(chan struct{}), running: true, used: en.now()}
		en.entries[k] = e
		en.evict()
		en.mu.Unlock()
		en.compute(context.WithoutCancel(ctx), req, e, gen)
		close(e.ready)
		return e.res, e.err
	}
	e.used = en.now()
	if e.gen < gen && !e.running && e.res != nil {
		e.running = true
		if en.obs != nil {
			en.obs.CacheRefresh("metric")
		}
		go en.compute(context.Background(), req, e, gen)
	}
	en.mu.Unlock()
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	en.mu.Lock()
	defer en.mu.Unlock()
	if e.res == nil && e.err != nil {
		// A failed first computation is not cached: try again next time.
		if en.entries[k] == e {
			en.bytes -= e.size
			delete(en.entries, k)
		}
		return nil, e.err
	}
	return e.res, nil
}

// compute runs the catalogue for req and stores it in e.
func (en *Engine) compute(ctx context.Context, req Request, e *entry, gen int) {
	start := time.Now()
	env, err := NewEnv(en.st, req.Mission, req.Scope, req.Params, en.now())
	var res *Result
	if err == nil {
		res, err = Compute(ctx, env, req.Codes)
	}
	en.mu.Lock()
	defer en.mu.Unlock()
	e.running = false
	e.used = en.now()
	if err != nil {
		e.err = err
		if en.log != nil {
			en.log.Error("metrics computation failed", "mission", req.Mission.Slug, "error", err.Error())
		}
		return
	}
	e.res, e.err, e.gen = res, nil, gen
	size := resultBytes(res)
	if en.entries[req.key()] == e {
		en.bytes += size - e.size
	}
	e.size = size
	en.evict()
	if en.log != nil {
		en.log.Debug("metrics computed", "mission", req.Mission.Slug, "values", len(res.Values), "ms", time.Since(start).Milliseconds())
	}
}

// Refresh recomputes the whole catalogue of a mission (empty scope) now and
// caches it as fresh: the scheduled "recompute" job, so the first reader
// after a night of imports does not wait.
func (en *Engine) Refresh(ctx context.Context, m *portfolio.Mission) (*Result, error) {
	req := Request{Mission: m}
	en.mu.Lock()
	gen := en.gen[m.Slug]
	e := &entry{mission: m.Slug, gen: gen, ready: make(chan struct{}), running: true, used: en.now()}
	en.mu.Unlock()
	en.compute(ctx, req, e, gen)
	close(e.ready)
	if e.err != nil {
		return nil, e.err
	}
	en.mu.Lock()
	if old, ok := en.entries[req.key()]; ok {
		en.bytes -= old.size
	}
	en.entries[req.key()] = e
	en.bytes += e.size
	en.evict()
	en.mu.Unlock()
	return e.res, nil
}

// Invalidate marks a mission's cached results stale (an import committed
// or was rolled back).
func (en *Engine) Invalidate(mission string) {
	en.mu.Lock()
	en.gen[mission]++
	en.mu.Unlock()
}

// evict drops the least recently used entries while the cache is over its
// count or its bytes. The caller holds en.mu.
func (en *Engine) evict() {
	for len(en.entries) > maxEntries || en.bytes > maxBytes {
		var oldest string
		var at time.Time
		for k, e := range en.entries {
			if !e.running && (oldest == "" || e.used.Before(at)) {
				oldest, at = k, e.used
			}
		}
		if oldest == "" {
			return
		}
		en.bytes -= en.entries[oldest].size
		delete(en.entries, oldest)
	}
}

// Label returns a metric's label in lang.
func Label(code, lang string) string {
	if m := Lookup(code); m != nil {
		return m.Label.In(lang)
	}
	return code
}

// Definition returns a metric's one-sentence definition in lang.
func Definition(code, lang string) string {
	if m := Lookup(code); m != nil {
		return m.Definition.In(lang)
	}
	return ""
}

// String shows a value for logs and tests.
func (v Value) String() string {
	x := "null"
	if v.Value != nil {
		x = fmt.Sprintf("%g", *v.Value)
	}
	return fmt.Sprintf("%s%v=%s (n=%d)", v.Code, v.Dims, x, v.N)
}
