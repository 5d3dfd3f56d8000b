package metrics

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Value is one figure: a row of docs/METRICS.md's output shape. Value is nil when the figure is
// undefined (an empty portfolio, fewer than two categories); N is always its
// denominator.
type Value struct {
	Code  string            `json:"code"`
	Label string            `json:"label,omitempty"`
	Dims  map[string]string `json:"dims"`
	Value *float64          `json:"value"`
	N     int64             `json:"n"`
}

// Is reports whether v is a row of code whose dims include every key,
// value pair given.
func (v Value) Is(code string, dims ...string) bool {
	if v.Code != code {
		return false
	}
	for i := 0; i+1 < len(dims); i += 2 {
		if v.Dims[dims[i]] != dims[i+1] {
			return false
		}
	}
	return true
}

// Metric is one entry of the catalogue.
type Metric struct {
	Code       string
	Label      portfolio.Labels
	Definition portfolio.Labels // one sentence shown next to the figure
	Compute    func(ctx context.Context, e *Env) ([]Value, error)
}

// Params choose what scheme-based metrics are about (docs/METRICS.md).
type Params struct {
	A, B   string // matrices; default pillar × level
	Scheme string // one-scheme metrics; "" = every project scheme
	Basis  string // count | budget; "" = both
}

// Env is what metrics compute against: one mission, one scope, one clock.
// It memoises intermediates shared by several metrics (shares of a scheme,
// the shared-partner graph) for the duration of one computation.
type Env struct {
	Store   *store.Store
	Mission *portfolio.Mission
	Scope   portfolio.Scope
	Params  Params
	Now     time.Time // injected clock: tests fix it

	own    envMemo  // this Env's intermediates
	shared *envMemo // the network intermediates when shared (shared.go)
}

// memoEntry is one intermediate, computed once: concurrent metrics asking
// for it while it is computed wait for it (done) instead of computing it
// again.
type memoEntry struct {
	done chan struct{}
	v    any
	err  error
}

// NewEnv prepares an Env, filling parameter defaults.
func NewEnv(st *store.Store, m *portfolio.Mission, sc portfolio.Scope, p Params, now time.Time) (*Env, error) {
	if p.A == "" {
		p.A = "pillar"
	}
	if p.B == "" {
		p.B = "level"
	}
	for _, code := range []string{p.A, p.B} {
		if _, err := m.SchemeOrError(code); err != nil {
			return nil, err
		}
	}
	if p.Scheme != "" {
		if _, err := m.SchemeOrError(p.Scheme); err != nil {
			return nil, err
		}
	}
	if p.Basis != "" && p.Basis != "count" && p.Basis != "budget" {
		return nil, portfolio.Errorf(portfolio.EINVALID, "basis must be count or budget, not %q", p.Basis)
	}
	return &Env{Store: st, Mission: m, Scope: sc, Params: p, Now: now, own: envMemo{memo: map[string]*memoEntry{}}}, nil
}

// Location is the mission's time zone: windows of time-based metrics are
// half-open [start, end) there.
func (e *Env) Location() *time.Location {
	if loc, err := time.LoadLocation(e.Mission.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// once memoises an intermediate under key: f runs once per Env, and
// callers arriving while it runs wait for its result. A failure is not
// kept: the callers waiting get it, the next call tries again.
func once[T any](e *Env, key string, f func() (T, error)) (T, error) {
	em := e.memoFor(key)
	em.mu.Lock()
	if m, ok := em.memo[key]; ok {
		em.mu.Unlock()
		<-m.done
		if m.err != nil {
			var zero T
			return zero, m.err
		}
		return m.v.(T), nil
	}
	m := &memoEntry{done: make(chan struct{})}
	em.memo[key] = m
	em.mu.Unlock()
	v, err := f()
	m.v, m.err = v, err
	if err != nil {
		em.mu.Lock()
		delete(em.memo, key)
		em.mu.Unlock()
	}
	close(m.done)
	return v, err
}

//go:embed queries/*.sql
var queryFiles embed.FS

// Query runs the embedded queries/<name>.sql with the mission and scope as
// $1…$10 and args after them.
func (e *Env) Query(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	q, err := queryFiles.ReadFile("queries/" + name + ".sql")
	if err != nil {
		return nil, fmt.Errorf("metrics: no query %s", name)
	}
	return e.Store.ScopedQuery(ctx, string(q), e.Mission.ID, e.Scope, args...)
}

// QueryMission runs the embedded queries/<name>.sql with the mission as $1,
// args after it, and then the signal scope (levels, pillars, challenges,
// levers, comarcas as lists) for begira_signals: the queries over signals,
// which the project scope's statuses and dates do not filter.
func (e *Env) QueryMission(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	q, err := queryFiles.ReadFile("queries/" + name + ".sql")
	if err != nil {
		return nil, fmt.Errorf("metrics: no query %s", name)
	}
	list := func(v []string) []string {
		if v == nil {
			return []string{}
		}
		return v
	}
	sc := e.Scope
	all := append(append([]any{e.Mission.ID}, args...),
		list(sc.Levels), list(sc.Pillars), list(sc.Challenges), list(sc.Levers), list(sc.Comarcas))
	rows, err := e.Store.Querier().QueryContext(ctx, string(q), all...)
	if err != nil {
		return nil, fmt.Errorf("metrics: %s: %w", name, err)
	}
	return rows, nil
}

// ProjectSchemes returns the schemes that classify projects, in document
// order: the default of one-scheme metrics.
func (e *Env) ProjectSchemes() []string {
	if e.Params.Scheme != "" {
		return []string{e.Params.Scheme}
	}
	var out []string
	for _, s := range e.Mission.Schemes {
		if s.AppliesToKind(portfolio.KindProject) {
			out = append(out, s.Code)
		}
	}
	return out
}

// Bases returns the bases one-scheme metrics are computed on.
func (e *Env) Bases() []string {
	if e.Params.Basis != "" {
		return []string{e.Params.Basis}
	}
	return []string{"count", "budget"}
}

// val builds a Value; a NaN or infinite x becomes null.
func val(code string, x float64, n int64, dims ...string) Value {
	v := Value{Code: code, Dims: map[string]string{}, N: n}
	for i := 0; i+1 < len(dims); i += 2 {
		v.Dims[dims[i]] = dims[i+1]
	}
	if !math.IsNaN(x) && !math.IsInf(x, 0) {
		v.Value = &x
	}
	return v
}

// null builds a Value whose figure is undefined.
func null(code string, n int64, dims ...string) Value {
	v := val(code, 0, n, dims...)
	v.Value = nil
	return v
}

// Result is a computed catalogue (or part of one).
type Result struct {
	ComputedAt time.Time `json:"computed_at"`
	Values     []Value   `json:"metrics"`
}

// computeWorkers is how many metrics Compute runs at once. Two keep a
// 2-core server busy: while one metric waits for DuckDB or scans its rows,
// the other's query or graph work runs. More would only make DuckDB's
// threads and the Go work compete for the same cores.
const computeWorkers = 2

// Compute runs the metrics with the given codes (all when codes is empty)
// and returns their values in catalogue order. The metrics run
// computeWorkers at a time, the network metrics (long Go computations on
// the shared-partner graph) first, so that the SQL of the others runs
// beside them rather than after them. A store reading as of a snapshot has
// a single connection: there they run one at a time.
func Compute(ctx context.Context, e *Env, codes []string) (*Result, error) {
	want := map[string]bool{}
	for _, c := range codes {
		if Lookup(c) == nil {
			return nil, portfolio.Errorf(portfolio.EINVALID, "unknown metric code %q (known: %s)", c, strings.Join(Codes(), ", "))
		}
		want[c] = true
	}
	var ms []Metric
	for _, m := range Catalogue() {
		if len(want) == 0 || want[m.Code] {
			ms = append(ms, m)
		}
	}
	order := make([]int, len(ms))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return isNetwork(ms[order[a]].Code) && !isNetwork(ms[order[b]].Code) })
	workers := computeWorkers
	if _, pooled := e.Store.Querier().(*sql.DB); !pooled {
		workers = 1
	}
	values := make([][]Value, len(ms))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, i := range order {
		if gctx.Err() != nil {
			break // a metric failed: the rest are not started
		}
		g.Go(func() error {
			vs, err := ms[i].Compute(gctx, e)
			if err != nil {
				return fmt.Errorf("metrics: %s: %w", ms[i].Code, err)
			}
			values[i] = vs
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &Result{ComputedAt: e.Now.UTC(), Values: []Value{}}
	for _, vs := range values {
		res.Values = append(res.Values, vs...)
	}
	return res, nil
}

// isNetwork reports whether code is one of the network metrics C16–C19.
func isNetwork(code string) bool {
	n := codeOrder(code)
	return code[0] == 'C' && n >= 16 && n <= 19
}

// Lookup returns the metric with the given code, or nil.
func Lookup(code string) *Metric {
	if m, ok := catalogue().byCode[code]; ok {
		return &m // a copy: the catalogue is shared
	}
	return nil
}

// Codes lists the catalogue's codes in order.
func Codes() []string {
	var out []string
	for _, m := range catalogue().all {
		out = append(out, m.Code)
	}
	return out
}

// Catalogue returns every metric, portfolio figures first, then network,
// then signals, each family in code order.
func Catalogue() []Metric {
	return slices.Clone(catalogue().all)
}

// catalogue is built once: Label and Family are asked for every value a
// page or an API answer shows.
var catalogue = sync.OnceValue(func() (c struct {
	all    []Metric
	byCode map[string]Metric
	family map[string]string
}) {
	c.all = append(append(append(portfolioMetrics(), entrantMetrics()...), networkMetrics()...), signalMetrics()...)
	for i := range c.all {
		c.all[i].Label = catalogueLabels(c.all[i].Code, "label", c.all[i].Label)
		c.all[i].Definition = catalogueLabels(c.all[i].Code, "definition", c.all[i].Definition)
	}
	sort.SliceStable(c.all, func(i, j int) bool { return codeOrder(c.all[i].Code) < codeOrder(c.all[j].Code) })
	c.byCode = make(map[string]Metric, len(c.all))
	for _, m := range c.all {
		c.byCode[m.Code] = m
	}
	c.family = map[string]string{}
	for _, f := range []struct {
		name string
		of   func() []Metric
	}{{"network", networkMetrics}, {"signals", signalMetrics}, {"portfolio", portfolioMetrics}, {"portfolio", entrantMetrics}} {
		for _, m := range f.of() {
			if _, seen := c.family[m.Code]; !seen {
				c.family[m.Code] = f.name
			}
		}
	}
	return c
})

// catalogueLabels returns a metric's label or definition ("label",
// "definition") from the message catalogue (keys metric.<code>.<part>),
// where translators keep them; a metric declared with its labels in Go
// keeps those until they move to the catalogue.
func catalogueLabels(code, part string, declared portfolio.Labels) portfolio.Labels {
	key := "metric." + code + "." + part
	if !i18n.Has(key) {
		return declared
	}
	return portfolio.Labels{EN: i18n.T("en", key), ES: i18n.T("es", key), EU: i18n.T("eu", key)}
}

// codeOrder sorts C1 < C2 < … < C20 < S1 < … < S13.
func codeOrder(code string) int {
	n := 0
	fmt.Sscanf(code[1:], "%d", &n)
	if code[0] == 'S' {
		n += 100
	}
	return n
}

// Families of the catalogue, in the order it lists them: portfolio
// coverage and balance (C1–C15, C20), network (C16–C19), signals (S1–S13).
var Families = []string{"portfolio", "network", "signals"}

// Family names the family of the metric code: "portfolio", "network" or
// "signals" ("" for an unknown code).
func Family(code string) string {
	return catalogue().family[code]
}
