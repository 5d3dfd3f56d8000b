package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/begira/begira/internal/cache"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Engine serves metric results from a live cache per mission and scope. A
// commit marks a mission's entries stale; the next read still gets the
// previous result at once (with its computed_at) while one background
// recomputation runs, so recomputation never blocks a page. Several commits
// in a row cost one recomputation: that is the debounce.
type Engine struct {
	st    *store.Store
	now   func() time.Time
	log   *slog.Logger
	obs   CacheObserver
	cache *cache.Cache[*Result]
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
	en := &Engine{st: st, now: now, log: log}
	en.cache = cache.New(cache.Options[*Result]{
		MaxEntries: maxEntries, MaxBytes: maxBytes, Size: resultBytes, Now: now,
		// After an import every result is stale at once; one
		// recomputation at a time leaves the cores to the readers.
		MaxRefreshes: 1,
		OnLookup: func(hit bool) {
			if en.obs != nil {
				en.obs.CacheLookup("metric", hit)
			}
		},
		OnRefresh: func() {
			if en.obs != nil {
				en.obs.CacheRefresh("metric")
			}
		},
	})
	return en
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
	return en.cache.Get(ctx, req.Mission.Slug, req.key(), func(ctx context.Context) (*Result, error) {
		// Other readers may be waiting for this first computation: the
		// reader who started it leaving does not cancel it.
		return en.compute(context.WithoutCancel(ctx), req)
	})
}

// compute runs the catalogue for req.
func (en *Engine) compute(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	env, err := NewEnv(en.st, req.Mission, req.Scope, req.Params, en.now())
	var res *Result
	if err == nil {
		env.Share(ctx) // the page's chart may have built the network already
		res, err = Compute(ctx, env, req.Codes)
	}
	if err != nil {
		if en.log != nil {
			en.log.Error("metrics computation failed", "mission", req.Mission.Slug, "error", err.Error())
		}
		return nil, err
	}
	if en.log != nil {
		en.log.Debug("metrics computed", "mission", req.Mission.Slug, "values", len(res.Values), "ms", time.Since(start).Milliseconds())
	}
	return res, nil
}

// Refresh recomputes the whole catalogue of a mission (empty scope) now and
// caches it as fresh: the scheduled "recompute" job, so the first reader
// after a night of imports does not wait.
func (en *Engine) Refresh(ctx context.Context, m *portfolio.Mission) (*Result, error) {
	req := Request{Mission: m}
	return en.cache.Recompute(ctx, m.Slug, req.key(), func(ctx context.Context) (*Result, error) {
		return en.compute(ctx, req)
	})
}

// Invalidate marks a mission's cached results stale (an import committed
// or was rolled back).
func (en *Engine) Invalidate(mission string) { en.cache.Invalidate(mission) }

// Label returns a metric's label in lang.
func Label(code, lang string) string {
	if m, ok := catalogue().byCode[code]; ok {
		return m.Label.In(lang)
	}
	return code
}

// Definition returns a metric's one-sentence definition in lang.
func Definition(code, lang string) string {
	if m, ok := catalogue().byCode[code]; ok {
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
