package metrics

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/begira/begira/internal/gen"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// The performance contract of the metric catalogue (make bench-metrics):
//
//   - the coverage matrix (pillar × level) on 1,000,000 projects in ≤ 0.3 s;
//   - the full catalogue on 100,000 projects, 20,000 organisations and
//     1,000,000 signals in ≤ 3 s on 2 cores.
//
// Both run against a temp-file DuckDB opened as the server opens it (2
// threads, 1 GB memory limit) and filled by gen.LoadSQL with seed 1. Every
// figure comes with a baseline measured in the same run on the same tables —
// a bare scan and group-by — and is reported as ms/op and as the ratio
// x_baseline, so a slow or busy machine shows in the baseline too.
//
// Each computation runs under a budget (BEGIRA_BENCH_BUDGET, default 60 s,
// 20× the catalogue target) and a memory cap on the process
// (BEGIRA_BENCH_MAX_RSS_GB, default 8). A computation that overruns its
// budget is cancelled through its context; DuckDB stops, but pure Go code
// (gonum's Louvain in C18, Brandes in C17) does not look at the context.
// When such a computation is still running after the budget and a grace
// period, or the process grows past the memory cap, the benchmark prints
// what it has measured and ends the process (exit status 1) rather than run
// for hours or exhaust the machine. The cheap measurements therefore come
// first and the network metrics last, C18 last of all.
const (
	benchProjects    = 100_000
	benchOrgs        = 20_000
	benchSignals     = 1_000_000
	benchCovProjects = 1_000_000
	benchSeed        = 1

	targetCatalogue = 3 * time.Second
	targetCoverage  = 300 * time.Millisecond

	defaultBudget   = 60 * time.Second
	budgetGrace     = 10 * time.Second
	defaultMaxRSSGB = 8.0
)

// benchScale multiplies every size (BEGIRA_BENCH_SCALE, default 1): a
// quick run at 0.05 checks the harness; the contract is at 1.
func benchScale(n int) int {
	if v, err := strconv.ParseFloat(os.Getenv("BEGIRA_BENCH_SCALE"), 64); err == nil && v > 0 {
		return max(1, int(float64(n)*v))
	}
	return n
}

// benchNow is the clock of the benchmarks: the generated portfolio's today.
var benchNow = gen.PortfolioAnchor.Add(12 * time.Hour)

// benchFixture is one generated database, built once per process (per
// top-level benchmark run) and removed when that benchmark ends.
type benchFixture struct {
	once sync.Once
	dir  string
	st   *store.Store
	m    *portfolio.Mission
	load time.Duration
	err  error
}

var (
	catalogueFixture = &benchFixture{}
	coverageFixture  = &benchFixture{}
)

// get builds the fixture on first use with the given sizes.
func (f *benchFixture) get(b *testing.B, projects, orgs, signals int) *benchFixture {
	b.Helper()
	f.once.Do(func() {
		ctx := context.Background()
		f.dir, f.err = os.MkdirTemp("", "begira-bench-")
		if f.err != nil {
			return
		}
		f.st, f.err = store.Open(ctx, filepath.Join(f.dir, "bench.duckdb"), store.Options{Threads: 2, MemoryLimit: "1GB"})
		if f.err != nil {
			return
		}
		start := time.Now()
		f.m, f.err = gen.LoadPortfolio(ctx, f.st, projects, orgs, signals, benchSeed)
		f.load = time.Since(start)
		if f.err == nil {
			_, f.err = f.st.DB().ExecContext(ctx, `CHECKPOINT`)
		}
	})
	if f.err != nil {
		b.Fatalf("bench fixture: %v", f.err)
	}
	return f
}

// close removes the fixture and lets the next run build it again.
func (f *benchFixture) close() {
	if f.st != nil {
		f.st.Close()
	}
	if f.dir != "" {
		os.RemoveAll(f.dir)
	}
	*f = benchFixture{}
}

// env returns a fresh Env (an empty memo, as a recomputation of the metric
// cache starts with) over the whole in-scope portfolio.
func (f *benchFixture) env() *Env {
	e, err := NewEnv(f.st, f.m, portfolio.Scope{}, Params{}, benchNow)
	if err != nil {
		panic(err) // the default parameters of the demo mission are valid
	}
	return e
}

// benchSuite collects the figures of one top-level benchmark, in the order
// they were measured, for its summary.
type benchSuite struct {
	title    string
	baseline float64 // ms/op of the in-run baseline
	order    []string
	ms       map[string]float64
	over     map[string]string // name → why the figure is a lower bound
	cut      string            // codes cut at the budget, joined by "_"
	summary  func(s *benchSuite) []string
}

func newSuite(title string, summary func(s *benchSuite) []string) *benchSuite {
	return &benchSuite{title: title, ms: map[string]float64{}, over: map[string]string{}, summary: summary}
}

func (s *benchSuite) record(name string, ms float64) {
	if _, ok := s.ms[name]; !ok {
		s.order = append(s.order, name)
	}
	s.ms[name] = ms
}

// fig formats a figure, "> x ms" when it was cut.
func (s *benchSuite) fig(name string) string {
	ms, ok := s.ms[name]
	switch {
	case !ok:
		return "not measured"
	case s.over[name] != "":
		return fmt.Sprintf("> %.0f ms (%s)", ms, s.over[name])
	}
	return fmt.Sprintf("%.1f ms", ms)
}

// times is " = k× baseline" ("≥" when the figure was cut), or "".
func (s *benchSuite) times(name string) string {
	ms, ok := s.ms[name]
	if !ok || s.baseline == 0 {
		return ""
	}
	ge := ""
	if s.over[name] != "" {
		ge = "≥ "
	}
	return fmt.Sprintf(" = %s%.1f× baseline", ge, ms/s.baseline)
}

func (s *benchSuite) text() string {
	return s.title + "\n" + strings.Join(s.summary(s), "\n")
}

// benchLimits reads the budget and the memory cap.
func benchLimits() (time.Duration, float64) {
	budget, maxRSS := defaultBudget, defaultMaxRSSGB
	if v, err := time.ParseDuration(os.Getenv("BEGIRA_BENCH_BUDGET")); err == nil && v > 0 {
		budget = v
	}
	if v, err := strconv.ParseFloat(os.Getenv("BEGIRA_BENCH_MAX_RSS_GB"), 64); err == nil && v > 0 {
		maxRSS = v
	}
	return budget, maxRSS
}

// rssGB is the process's resident set (Go heap and DuckDB), or 0 when
// /proc is not there.
func rssGB() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseFloat(f[1], 64)
	return pages * float64(os.Getpagesize()) / (1 << 30)
}

// measure runs the sub-benchmark name: fn b.N times, each under the budget,
// timing fn only. It reports ms/op and, when the suite has a baseline,
// x_baseline. A computation cancelled at the budget is recorded as a lower
// bound and not repeated; one that ignores the cancellation ends the process
// (see the comment at the top).
func (s *benchSuite) measure(b *testing.B, name string, fn func(ctx context.Context) error) {
	b.Run(name, func(b *testing.B) {
		if why := s.over[name]; why != "" {
			b.Skipf("%s not repeated: %s", name, why)
		}
		budget, maxRSS := benchLimits()
		var total time.Duration
		for i := 0; i < b.N; i++ {
			took, err := runGuarded(s, name, budget, maxRSS, fn)
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				s.over[name] = fmt.Sprintf("cancelled at the %s budget", budget)
				s.record(name, float64(budget.Milliseconds()))
				b.ReportMetric(float64(budget.Milliseconds()), "ms/op")
				b.Logf("%s: cancelled at the %s budget", name, budget)
				return
			}
			if err != nil {
				b.Fatalf("%s: %v", name, err)
			}
			total += took
		}
		ms := float64(total.Microseconds()) / 1000 / float64(b.N)
		s.record(name, ms)
		b.ReportMetric(ms, "ms/op")
		if s.baseline > 0 {
			b.ReportMetric(ms/s.baseline, "x_baseline")
		}
	})
}

// runGuarded runs fn once on its own goroutine under budget and watches it.
func runGuarded(s *benchSuite, name string, budget time.Duration, maxRSS float64, fn func(ctx context.Context) error) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- fn(ctx) }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return time.Since(start), err
		case <-tick.C:
			elapsed := time.Since(start)
			switch rss := rssGB(); {
			case rss > maxRSS:
				abort(s, name, fmt.Sprintf("the process reached %.1f GB of memory after %s (cap %.1f GB, BEGIRA_BENCH_MAX_RSS_GB)",
					rss, elapsed.Round(time.Second), maxRSS), elapsed)
			case elapsed > budget+budgetGrace:
				abort(s, name, fmt.Sprintf("still running %s after its %s budget was cancelled: the context does not stop it",
					budgetGrace, budget), elapsed)
			}
		}
	}
}

// abort prints the summary and ends the process: the computation left
// running cannot be stopped and would distort every later figure.
func abort(s *benchSuite, name, why string, elapsed time.Duration) {
	s.over[name] = why
	s.record(name, float64(elapsed.Milliseconds()))
	fmt.Fprintf(os.Stdout, "\n--- ABORT %s: %s\n%s\n", name, why, s.text())
	os.Stdout.Sync()
	// Cleanups do not run on exit: remove the generated databases here (the
	// files are still open; Linux frees them when the process ends).
	for _, f := range []*benchFixture{catalogueFixture, coverageFixture} {
		if f.dir != "" {
			os.RemoveAll(f.dir)
		}
	}
	os.Exit(1)
}

func (f *benchFixture) compute(codes []string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		_, err := Compute(ctx, f.env(), codes)
		return err
	}
}

// scan runs q and reads every row: the baselines.
func (f *benchFixture) scan(q string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		rows, err := f.st.DB().QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
		}
		return rows.Err()
	}
}

// BenchmarkCoverage1M times the C1 coverage matrix pillar × level
// (store.Coverage: what the overview's heatmap and the coverage API run) on
// 1,000,000 projects against a bare group-by of project_term by term.
func BenchmarkCoverage1M(b *testing.B) {
	if testing.Short() {
		b.Skip("generates 1,000,000 projects")
	}
	f := coverageFixture.get(b, benchScale(benchCovProjects), benchScale(benchOrgs), 0)
	b.Cleanup(coverageFixture.close)
	var projects, terms int64
	f.st.DB().QueryRow(`SELECT (SELECT count(*) FROM project), (SELECT count(*) FROM project_term)`).Scan(&projects, &terms)
	var cells int
	s := newSuite(fmt.Sprintf("coverage on %d projects (%d project_term rows), generated and loaded in %s",
		projects, terms, f.load.Round(time.Millisecond)), func(s *benchSuite) []string {
		cov := s.ms["pillar_x_level"]
		verdict := "PASS"
		if cov > float64(targetCoverage.Milliseconds()) || s.over["pillar_x_level"] != "" {
			verdict = fmt.Sprintf("FAIL (%.1f× the target)", cov/float64(targetCoverage.Milliseconds()))
		}
		return []string{
			"baseline_groupby            " + s.fig("baseline_groupby"),
			fmt.Sprintf("coverage pillar×level       %s%s, %d cells; target ≤ %s: %s",
				s.fig("pillar_x_level"), s.times("pillar_x_level"), cells, targetCoverage, verdict),
			fmt.Sprintf("C1 metric (matrix + n)      %s%s", s.fig("C1"), s.times("C1")),
		}
	})
	s.measure(b, "baseline_groupby", f.scan(`SELECT count(*) FROM project_term GROUP BY term_code`))
	s.baseline = s.ms["baseline_groupby"]
	s.measure(b, "pillar_x_level", func(ctx context.Context) error {
		cs, err := f.st.Coverage(ctx, f.m, "pillar", "level", portfolio.Scope{})
		cells = len(cs)
		return err
	})
	s.measure(b, "C1", f.compute([]string{"C1"}))
	fmt.Printf("\n%s\n\n", s.text()) // b.Log of a benchmark with sub-benchmarks shows only with -v
}

// BenchmarkCatalogue times the metric catalogue on 100,000 projects, 20,000
// organisations and 1,000,000 signals: every metric alone, each family
// (portfolio C1–C15 and C20, network C16–C19, signals S1–S13) and the full
// catalogue, each with a fresh Env, against baseline_scan (a bare count and
// budget sum over project plus a count of signals by status). The
// shared-partner graph (C16_graph) and C17's sampled betweenness on the
// prebuilt graph (C17_betweenness) are also timed alone.
func BenchmarkCatalogue(b *testing.B) {
	if testing.Short() {
		b.Skip("generates 100,000 projects and 1,000,000 signals")
	}
	f := catalogueFixture.get(b, benchScale(benchProjects), benchScale(benchOrgs), benchScale(benchSignals))
	b.Cleanup(catalogueFixture.close)
	ctx := context.Background()

	families := benchFamilies()
	var c16 string
	if r, err := Compute(ctx, f.env(), []string{"C16"}); err == nil {
		c16 = valuesLine(r.Values)
	}
	s := newSuite(fmt.Sprintf("catalogue on %d projects, %d organisations, %d signals (generated and loaded in %s)\nshared-partner network (C16): %s",
		benchScale(benchProjects), benchScale(benchOrgs), benchScale(benchSignals), f.load.Round(time.Millisecond), c16), func(s *benchSuite) []string {
		full := s.ms["full"]
		target := float64(targetCatalogue.Milliseconds())
		verdict := "PASS"
		switch {
		case s.ms["full"] == 0:
			verdict = "not measured"
		case full > target || s.over["full"] != "":
			verdict = fmt.Sprintf("FAIL (≥ %.1f× the target)", full/target)
		}
		out := []string{
			"baseline_scan            " + s.fig("baseline_scan"),
			fmt.Sprintf("full catalogue           %s%s; target ≤ %s: %s", s.fig("full"), s.times("full"), targetCatalogue, verdict),
		}
		if s.cut != "" {
			name := "full_without_" + s.cut
			out = append(out, fmt.Sprintf("  %-22s %s%s (= %.1f× the target)", name, s.fig(name), s.times(name), s.ms[name]/target))
		}
		for _, fam := range families {
			name := "family_" + fam.name
			out = append(out, fmt.Sprintf("  %-22s %s%s (%s)", name, s.fig(name), s.times(name), strings.Join(fam.codes, " ")))
		}
		share := func(name string) string {
			if full == 0 || s.over["full"] != "" {
				return ""
			}
			return fmt.Sprintf(", %.0f%% of full", 100*s.ms[name]/full)
		}
		out = append(out,
			fmt.Sprintf("  C16_graph (nodes+edges) %s%s", s.fig("C16_graph"), share("C16_graph")),
			fmt.Sprintf("  C17_betweenness         %s%s (sampled pivots on the prebuilt graph)", s.fig("C17_betweenness"), share("C17_betweenness")))
		var alone []string
		for _, name := range s.order {
			if Lookup(name) != nil {
				alone = append(alone, fmt.Sprintf("%s %s", name, s.fig(name)))
			}
		}
		out = append(out, "  each metric alone (fresh Env, shared intermediates included): "+strings.Join(alone, "; "))
		return out
	})

	s.measure(b, "baseline_scan", func(ctx context.Context) error {
		var n int64
		var sum *float64
		if err := f.st.DB().QueryRowContext(ctx, `SELECT count(*), sum(budget_total_eur) FROM project`).Scan(&n, &sum); err != nil {
			return err
		}
		return f.scan(`SELECT count(*) FROM signal GROUP BY status`)(ctx)
	})
	s.baseline = s.ms["baseline_scan"]
	// Cheap to dear: the families without graphs, their metrics, then the
	// network (C18 last), then the families with graphs and the whole.
	for _, fam := range families[:2] {
		s.measure(b, "family_"+fam.name, f.compute(fam.codes))
	}
	for _, fam := range families[:2] {
		for _, code := range fam.codes {
			s.measure(b, code, f.compute([]string{code}))
		}
	}
	s.measure(b, "C16_graph", func(ctx context.Context) error {
		_, err := partnerGraphOf(ctx, f.env())
		return err
	})
	e := f.env()
	if _, err := partnerGraphOf(ctx, e); err != nil {
		b.Fatal(err)
	}
	s.measure(b, "C17_betweenness", func(ctx context.Context) error {
		e.own.mu.Lock()
		delete(e.own.memo, "partner-betweenness")
		e.own.mu.Unlock()
		_, err := betweennessOf(ctx, e)
		return err
	})
	for _, code := range families[2].codes {
		s.measure(b, code, f.compute([]string{code}))
	}
	s.measure(b, "family_"+families[2].name, f.compute(families[2].codes))
	s.measure(b, "full", f.compute(nil))
	// When metrics were cut at the budget, the catalogue without them says
	// how far the rest is from the target.
	var kept, cut []string
	for _, code := range Codes() {
		if s.over[code] != "" {
			cut = append(cut, code)
		} else {
			kept = append(kept, code)
		}
	}
	if len(cut) > 0 {
		s.cut = strings.Join(cut, "_")
		s.measure(b, "full_without_"+s.cut, f.compute(kept))
	}
	fmt.Printf("\n%s\n\n", s.text())
}

type benchFamily struct {
	name  string
	codes []string
}

// benchFamilies splits the catalogue: portfolio coverage and balance (C1–C15,
// C20), signals (S1–S13), and the networks (C16–C19) last, C18 at the very
// end: its Louvain cannot be cancelled.
func benchFamilies() []benchFamily {
	var portfolioCodes, signals, network []string
	var c18 bool
	for _, code := range Codes() {
		switch {
		case code[0] == 'S':
			signals = append(signals, code)
		case code == "C18":
			c18 = true
		case codeOrder(code) >= 16 && codeOrder(code) <= 19:
			network = append(network, code)
		default:
			portfolioCodes = append(portfolioCodes, code)
		}
	}
	if c18 {
		network = append(network, "C18")
	}
	return []benchFamily{{"portfolio", portfolioCodes}, {"signals", signals}, {"network", network}}
}

// valuesLine shows one metric's figures compactly.
func valuesLine(vs []Value) string {
	var parts []string
	for _, v := range vs {
		x := "null"
		if v.Value != nil {
			x = fmt.Sprintf("%.4g", *v.Value)
		}
		parts = append(parts, v.Dims["measure"]+"="+x)
	}
	return strings.Join(parts, " ")
}
