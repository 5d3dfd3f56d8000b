// Command benchweb load-tests the dashboard pages of a real Begira server on
// loopback and compares them with a static asset served by the same server
// in the same run. In one run it:
//
//  1. builds the begira binary into a temporary directory (or uses
//     --begira PATH);
//  2. starts `begira serve --demo --addr 127.0.0.1:PORT --db TMP/bench.duckdb`
//     on a free loopback port and waits for /readyz;
//  3. requests every page once (the first request computes the metrics: the
//     cache is warm afterwards) and records its size; the overview's size S
//     chooses the baseline: the static asset (/static/…) whose size is
//     closest to S on a log scale (and the smallest asset, whose req/s is
//     the server's per-request ceiling whatever the size);
//  4. runs a closed-loop load of --conns keep-alive connections (default 32)
//     for --duration (default 10 s) against the overview /m/gipuzkoa, the
//     static baselines, and the heavier dashboards /m/gipuzkoa/d/signals and
//     /m/gipuzkoa/d/network; every loop stops by itself at the deadline or
//     after --max-requests, and every request has a timeout;
//  5. measures a visit to the overview as a browser makes it (requests
//     carry --accept-encoding, "br, gzip" by default): a first visit
//     fetches the page and every /static/ file it links, a repeat visit the
//     page and the files whose Cache-Control let no browser keep them;
//     PASS/FAIL against --first-visit (400 kB) and --repeat-visit (60 kB);
//  6. prints p50/p90/p99/max latency, req/s and MB/s of each target; the
//     overview ÷ static ratios of req/s and MB/s (MB/s is the fair one when
//     the sizes differ: no static asset is the size of a page, and the
//     product gains nothing to make one); PASS/FAIL of every page against
//     p99 ≤ --p99 (default 50 ms; the contract is the overview's).
//
// Only 127.0.0.1 is ever contacted. The server is stopped with SIGTERM (then
// SIGKILL after 30 s) and the temporary directory removed unless --keep.
//
// Run from the repository root:
//
//	go run ./cmd/benchweb [--duration 10s] [--conns 32] [--begira PATH] [--keep]
//
// Exit codes: 0 the overview meets the p99 target; 1 it does not, or a
// request failed; 2 setup errors (build, start, readiness).
package main

import (
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/andybalholm/brotli"
)

// staticAssets are the files the server embeds under /static: the baseline
// candidates.
var staticAssets = []string{"/static/begira.css", "/static/begira.js", "/static/vendor/echarts/echarts.min.js"}

const mission = "gipuzkoa"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type options struct {
	duration, warmup, timeout, p99 time.Duration
	conns, maxRequests             int
	begira, logLevel, encoding     string
	firstVisit, repeatVisit        int64
	keep                           bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchweb", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "load duration per target")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "untimed load before each target (connections, caches)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "timeout of one request")
	fs.DurationVar(&o.p99, "p99", 50*time.Millisecond, "p99 latency target of a dashboard page")
	fs.IntVar(&o.conns, "conns", 32, "concurrent keep-alive connections")
	fs.IntVar(&o.maxRequests, "max-requests", 2_000_000, "upper bound of requests per target")
	fs.StringVar(&o.begira, "begira", "", "use this begira binary instead of building ./cmd/begira")
	fs.StringVar(&o.logLevel, "log-level", "info", "the server's --log-level (info is its default: one line per request)")
	fs.StringVar(&o.encoding, "accept-encoding", "br, gzip", "Accept-Encoding of every request (what browsers send; \"\" for none)")
	fs.Int64Var(&o.firstVisit, "first-visit", 400_000, "budget in bytes of a first visit to the overview (page and assets)")
	fs.Int64Var(&o.repeatVisit, "repeat-visit", 60_000, "budget in bytes of a repeat visit (assets the browser may keep are not fetched)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binary, database, server log)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 || o.conns < 1 || o.duration <= 0 || o.maxRequests < 1 {
		fs.Usage()
		return 2
	}
	dir, err := os.MkdirTemp("", "begira-benchweb-")
	if err != nil {
		fmt.Fprintln(stderr, "benchweb:", err)
		return 2
	}
	if o.keep {
		fmt.Fprintln(stderr, "benchweb: keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	srv, err := startServer(ctx, o, dir, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "benchweb:", err)
		return 2
	}
	defer srv.stop(stderr)
	b := &bench{ctx: ctx, o: o, base: "http://" + srv.addr, client: newClient(o)}
	code, err := b.run(stdout)
	if err != nil {
		fmt.Fprintln(stderr, "benchweb:", err)
		fmt.Fprintln(stderr, "benchweb: server log tail:\n"+srv.logTail())
		return 2
	}
	return code
}

// ---------------------------------------------------------------- server

type server struct {
	cmd  *exec.Cmd
	addr string
	log  string
	done chan error
}

// startServer builds (unless --begira) and starts begira serve --demo on a
// free loopback port, and waits until /readyz answers 200.
func startServer(ctx context.Context, o options, dir string, stderr io.Writer) (*server, error) {
	bin := o.begira
	if bin == "" {
		bin = filepath.Join(dir, "begira")
		goCmd := os.Getenv("GO")
		if goCmd == "" {
			goCmd = "go"
		}
		fmt.Fprintln(stderr, "benchweb: building ./cmd/begira …")
		build := exec.CommandContext(ctx, goCmd, "build", "-o", bin, "./cmd/begira")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("build begira: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &server{addr: fmt.Sprintf("127.0.0.1:%d", port), log: filepath.Join(dir, "server.log"), done: make(chan error, 1)}
	logf, err := os.Create(s.log)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, "serve", "--demo", "--addr", s.addr, "--db", filepath.Join(dir, "bench.duckdb"), "--log-level", o.logLevel)
	// The server's settings are its defaults: no BEGIRA_* from this shell.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BEGIRA_") {
			s.cmd.Env = append(s.cmd.Env, kv)
		}
	}
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start begira: %w", err)
	}
	go func() { s.done <- s.cmd.Wait(); logf.Close() }()
	fmt.Fprintf(stderr, "benchweb: begira serve --demo on %s (pid %d), waiting for /readyz …\n", s.addr, s.cmd.Process.Pid)
	start := time.Now()
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(3 * time.Minute); ; {
		select {
		case err := <-s.done:
			s.done <- err
			return nil, fmt.Errorf("begira exited before ready (%v):\n%s", err, s.logTail())
		case <-ctx.Done():
			s.stop(stderr)
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if resp, err := client.Get("http://" + s.addr + "/readyz"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				fmt.Fprintf(stderr, "benchweb: ready after %s\n", time.Since(start).Round(time.Millisecond))
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop(stderr)
			return nil, fmt.Errorf("begira not ready after 3 minutes:\n%s", s.logTail())
		}
	}
}

// stop asks the server to shut down gracefully, then kills it.
func (s *server) stop(stderr io.Writer) {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err
	case <-time.After(30 * time.Second):
		fmt.Fprintln(stderr, "benchweb: server did not stop in 30 s; killing it")
		s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *server) logTail() string {
	b, _ := os.ReadFile(s.log)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// ---------------------------------------------------------------- load

// newClient keeps one connection per worker alive; the transport does not
// decode compressed bodies, so the bytes counted are the bytes sent (as
// compressed as the server made them for --accept-encoding).
func newClient(o options) *http.Client {
	return &http.Client{
		Timeout: o.timeout,
		Transport: &http.Transport{
			Proxy:               nil, // loopback only, never through a proxy
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConns:        o.conns,
			MaxIdleConnsPerHost: o.conns,
			MaxConnsPerHost:     o.conns,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

type bench struct {
	ctx    context.Context
	o      options
	base   string
	client *http.Client
}

// get fetches path once and returns the body size and the time it took.
func (b *bench) get(ctx context.Context, path string) (int64, time.Duration, error) {
	n, took, _, err := b.fetch(ctx, path, nil)
	return n, took, err
}

// fetch is get that also returns the response's headers, and keeps the
// body in keep when not nil.
func (b *bench) fetch(ctx context.Context, path string, keep io.Writer) (int64, time.Duration, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		return 0, 0, nil, err
	}
	if b.o.encoding != "" {
		req.Header.Set("Accept-Encoding", b.o.encoding)
	}
	start := time.Now()
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, 0, nil, err
	}
	if keep == nil {
		keep = io.Discard
	}
	n, err := io.Copy(keep, resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		return n, took, resp.Header, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, took, resp.Header, fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
	}
	return n, took, resp.Header, nil
}

// assetLink is a same-origin file a page loads (stylesheet, script, icon).
var assetLink = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)

// visit is what a browser moves for one page: a first visit fetches the
// page and every asset it links; a repeat visit fetches the page again and
// only the assets whose Cache-Control let the browser keep none (no
// max-age, or no-cache/no-store). Bytes are bodies as sent, compressed.
type visit struct {
	first, repeat int64
	assets        int
}

func (b *bench) visit(path string) (visit, error) {
	var page strings.Builder
	n, _, _, err := b.fetch(b.ctx, path, &page)
	if err != nil {
		return visit{}, err
	}
	v := visit{first: n, repeat: n}
	seen := map[string]bool{}
	for _, m := range assetLink.FindAllStringSubmatch(b.decoded(page.String()), -1) {
		a := html.UnescapeString(m[1])
		if seen[a] {
			continue
		}
		seen[a] = true
		n, _, h, err := b.fetch(b.ctx, a, nil)
		if err != nil {
			return visit{}, err
		}
		v.first += n
		v.assets++
		if cc := h.Get("Cache-Control"); !strings.Contains(cc, "max-age=") || strings.Contains(cc, "no-cache") ||
			strings.Contains(cc, "no-store") || strings.Contains(cc, "max-age=0") {
			v.repeat += n
		}
	}
	return v, nil
}

// decoded undoes the page's content coding so its links can be read.
func (b *bench) decoded(body string) string {
	if r, err := gzip.NewReader(strings.NewReader(body)); err == nil {
		if out, err := io.ReadAll(r); err == nil {
			return string(out)
		}
	}
	if out, err := io.ReadAll(brotli.NewReader(strings.NewReader(body))); err == nil && len(out) > 0 {
		return string(out)
	}
	return body
}

// stats of one load run.
type stats struct {
	name, path       string
	size             int64 // body bytes of one response
	requests, errors int
	bytes            int64
	elapsed          time.Duration
	p50, p90, p99    time.Duration
	max              time.Duration
	firstErr         error
}

func (s stats) rps() float64 { return float64(s.requests) / s.elapsed.Seconds() }
func (s stats) mbps() float64 {
	return float64(s.bytes) / s.elapsed.Seconds() / 1e6
}

// load runs o.conns workers, each a loop of GETs on path, until the deadline
// or until o.maxRequests have been started in total.
func (b *bench) load(name, path string, size int64, d time.Duration) (stats, error) {
	ctx, cancel := context.WithTimeout(b.ctx, d+b.o.timeout)
	defer cancel()
	var (
		mu       sync.Mutex
		lat      []time.Duration
		st       = stats{name: name, path: path, size: size}
		started  int
		deadline = time.Now().Add(d)
		wg       sync.WaitGroup
	)
	perWorker := min(b.o.maxRequests/b.o.conns+1, 1<<20)
	start := time.Now()
	for range b.o.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, min(perWorker, 1<<14))
			var bytes int64
			var errs int
			var firstErr error
			for time.Now().Before(deadline) && ctx.Err() == nil {
				mu.Lock()
				if started >= b.o.maxRequests {
					mu.Unlock()
					break
				}
				started++
				mu.Unlock()
				n, took, err := b.get(ctx, path)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					errs++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				bytes += n
				mine = append(mine, took)
			}
			mu.Lock()
			lat = append(lat, mine...)
			st.bytes += bytes
			st.errors += errs
			if st.firstErr == nil {
				st.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	st.elapsed = time.Since(start)
	if err := b.ctx.Err(); err != nil {
		return st, err
	}
	st.requests = len(lat)
	if st.requests == 0 {
		return st, fmt.Errorf("%s: no successful request (first error: %v)", path, st.firstErr)
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(math.Ceil(p*float64(len(lat))))-1)] }
	st.p50, st.p90, st.p99, st.max = q(0.50), q(0.90), q(0.99), lat[len(lat)-1]
	return st, nil
}

func (b *bench) run(stdout io.Writer) (int, error) {
	pages := []struct{ name, path string }{
		{"overview", "/m/" + mission},
		{"signals", "/m/" + mission + "/d/signals"},
		{"network", "/m/" + mission + "/d/network"},
	}
	// Warm the metric cache: the first request of each page computes.
	sizes := map[string]int64{}
	cold := map[string]time.Duration{}
	for _, p := range pages {
		n, took, err := b.get(b.ctx, p.path)
		if err != nil {
			return 2, fmt.Errorf("warm-up %s: %w", p.path, err)
		}
		sizes[p.path], cold[p.path] = n, took
	}
	// The static baseline: the asset closest in size to the overview.
	page := sizes[pages[0].path]
	var static string
	best := math.Inf(1)
	staticSizes := map[string]int64{}
	for _, a := range staticAssets {
		n, _, err := b.get(b.ctx, a)
		if err != nil {
			return 2, fmt.Errorf("static %s: %w", a, err)
		}
		staticSizes[a] = n
		if d := math.Abs(math.Log(float64(n) / float64(page))); d < best {
			static, best = a, d
		}
	}
	vis, err := b.visit(pages[0].path)
	if err != nil {
		return 2, fmt.Errorf("visit %s: %w", pages[0].path, err)
	}
	targets := []struct{ name, path string }{pages[0], {"static", static}, pages[1], pages[2]}
	// The smallest asset too: its req/s is the server's per-request ceiling
	// (routing, middleware, logging) whatever the size.
	small := staticAssets[0]
	for _, a := range staticAssets {
		if staticSizes[a] < staticSizes[small] {
			small = a
		}
	}
	if small != static {
		targets = append(targets, struct{ name, path string }{"static_small", small})
	}
	fmt.Fprintf(stdout, "begira %s, %d connections, %s per target (after %s warm-up), GOMAXPROCS %d, %d CPUs\n",
		b.base, b.o.conns, b.o.duration, b.o.warmup, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Fprintf(stdout, "overview %s: %d bytes (cold, first request: %s); static baseline %s: %d bytes (%.2f× the page)\n",
		pages[0].path, page, cold[pages[0].path].Round(time.Millisecond), static, staticSizes[static], float64(staticSizes[static])/float64(page))
	fmt.Fprintf(stdout, "overview visit (Accept-Encoding %q): first %d bytes (page and %d assets; budget %d: %s), repeat %d bytes (budget %d: %s)\n",
		b.o.encoding, vis.first, vis.assets, b.o.firstVisit, verdict(vis.first <= b.o.firstVisit), vis.repeat, b.o.repeatVisit, verdict(vis.repeat <= b.o.repeatVisit))
	var results []stats
	for _, t := range targets {
		size := sizes[t.path]
		if strings.HasPrefix(t.name, "static") {
			size = staticSizes[t.path]
		}
		if b.o.warmup > 0 {
			if _, err := b.load(t.name, t.path, size, b.o.warmup); err != nil {
				return 2, err
			}
		}
		st, err := b.load(t.name, t.path, size, b.o.duration)
		if err != nil {
			return 2, err
		}
		results = append(results, st)
	}

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\tpath\tbytes\tfirst/repeat visit\tcold\trequests\terrors\tp50\tp90\tp99\tmax\treq/s\tMB/s\tp99 target\t")
	code := 0
	for _, s := range results {
		verdict, coldS := "-", "-"
		if !strings.HasPrefix(s.name, "static") {
			coldS = cold[s.path].Round(10 * time.Microsecond).String()
			verdict = "PASS"
			if s.p99 > b.o.p99 || s.errors > 0 {
				verdict = fmt.Sprintf("FAIL %.1f×", float64(s.p99)/float64(b.o.p99))
				if s.name == "overview" {
					code = 1
				}
			}
		}
		visitS := "-"
		if s.name == "overview" {
			visitS = fmt.Sprintf("%d/%d", vis.first, vis.repeat)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%.0f\t%.1f\t%s\t\n", s.name, s.path, s.size, visitS, coldS, s.requests, s.errors,
			ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), s.rps(), s.mbps(), verdict)
	}
	tw.Flush()
	ov := results[0]
	fmt.Fprintln(stdout)
	for _, st := range results {
		if strings.HasPrefix(st.name, "static") {
			fmt.Fprintf(stdout, "overview ÷ %s (%s, %d bytes vs %d): req/s %.4f (%.0f vs %.0f), MB/s %.4f (%.1f vs %.1f)\n",
				st.name, st.path, ov.size, st.size, ov.rps()/st.rps(), ov.rps(), st.rps(), ov.mbps()/st.mbps(), ov.mbps(), st.mbps())
		}
	}
	for _, s := range results {
		if s.errors > 0 {
			fmt.Fprintf(stdout, "%s: %d failed requests, first: %v\n", s.name, s.errors, s.firstErr)
			code = 1
		}
	}
	if vis.first > b.o.firstVisit || vis.repeat > b.o.repeatVisit {
		code = 1
	}
	if code == 0 {
		fmt.Fprintf(stdout, "PASS: overview p99 %s ≤ %s at %d connections\n", ms(ov.p99), b.o.p99, b.o.conns)
	} else {
		fmt.Fprintf(stdout, "FAIL: overview p99 %s (target ≤ %s at %d connections)\n", ms(ov.p99), b.o.p99, b.o.conns)
	}
	return code, nil
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
