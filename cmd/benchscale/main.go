// Command benchscale measures what one reader's first visit costs on a large
// portfolio (issue 17): for the demo (the baseline, in the same run) and for
// each generated size, it starts a real `begira serve` on loopback, requests
// each default dashboard once, cold, and prints its time and bytes, each as
// a ratio to the demo's, and the server's peak RSS (VmHWM). Goals, checked
// at the end: at 100,000 projects every cold page in at most 2 s; at
// 1,000,000 the overview under 500 kB, every default dashboard under 1 MB
// and the server's peak RSS at most 1.5 GiB.
//
// The portfolios are generated with gen.LoadPortfolio (the demo's mission,
// --orgs organisations, --signals signals) into a DuckDB file that the
// server then opens; only 127.0.0.1 is contacted.
//
//	go run ./cmd/benchscale [--sizes 100000,1000000] [--begira PATH] [--keep]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/begira/begira/internal/gen"
	"github.com/begira/begira/internal/store"
)

const mission = "gipuzkoa"

var dashboards = []string{"overview", "balance", "network", "signals", "territory", "health"}

// Goals of issue 17.
const (
	coldGoal      = 2 * time.Second // per page at 100k
	overviewGoal  = 500 << 10       // bytes at 1M
	dashboardGoal = 1 << 20         // bytes at 1M
	rssGoal       = 1536 << 20      // bytes at 1M
)

func main() { os.Exit(run()) }

// result is one portfolio's measurements.
type result struct {
	projects int // 0 for the demo
	took     map[string]time.Duration
	cpu      map[string]time.Duration // the server's CPU time while building the page
	bytes    map[string]int
	status   map[string]int
	peakRSS  int64 // bytes
	load     time.Duration
}

func run() int {
	sizesFlag := flag.String("sizes", "100000,1000000", "portfolio sizes (projects), comma-separated")
	orgs := flag.Int("orgs", 20000, "organisations of each generated portfolio")
	signals := flag.Int("signals", 200000, "signals of each generated portfolio")
	begira := flag.String("begira", "", "begira binary (default: build one)")
	keep := flag.Bool("keep", false, "keep the temporary directory")
	flag.Parse()
	var sizes []int
	for _, f := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return fail(fmt.Errorf("--sizes: %q is not a positive number", f))
		}
		sizes = append(sizes, n)
	}
	dir, err := os.MkdirTemp("", "begira-benchscale-")
	if err != nil {
		return fail(err)
	}
	if *keep {
		fmt.Println("keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	bin := *begira
	if bin == "" {
		bin = filepath.Join(dir, "begira")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/begira").CombinedOutput(); err != nil {
			return fail(fmt.Errorf("build: %v\n%s", err, out))
		}
	}

	demo, err := measure(bin, filepath.Join(dir, "demo.duckdb"), true)
	if err != nil {
		return fail(fmt.Errorf("demo: %w", err))
	}
	results := []*result{demo}
	for _, n := range sizes {
		db := filepath.Join(dir, fmt.Sprintf("p%d.duckdb", n))
		start := time.Now()
		if err := generate(db, n, *orgs, *signals); err != nil {
			return fail(fmt.Errorf("generate %d: %w", n, err))
		}
		load := time.Since(start)
		r, err := measure(bin, db, false)
		if err != nil {
			return fail(fmt.Errorf("%d projects: %w", n, err))
		}
		r.projects, r.load = n, load
		results = append(results, r)
		os.Remove(db)
		os.Remove(db + ".wal")
		os.Remove(db + ".log")
	}
	return report(results)
}

// generate writes a portfolio of n projects into the DuckDB file db.
func generate(db string, n, orgs, signals int) error {
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{Threads: 2, MemoryLimit: "4GB"})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := gen.LoadPortfolio(ctx, st, n, orgs, signals, 1); err != nil {
		return err
	}
	_, err = st.DB().ExecContext(ctx, `CHECKPOINT`)
	return err
}

// measure starts a server on db (with the demo mission when demo is set),
// requests every default dashboard once and stops it.
func measure(bin, db string, demo bool) (*result, error) {
	tok, err := exec.Command(bin, "token", "create", "--db", db, "--role", "admin", "--name", "benchscale").Output()
	if err != nil {
		return nil, fmt.Errorf("token: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	args := []string{"serve", "--db", db, "--addr", addr, "--log-level", "warn"}
	if demo {
		args = append(args, "--demo")
	}
	srv := exec.Command(bin, args...)
	logf, err := os.Create(db + ".log")
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		return nil, err
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			srv.Process.Kill()
			<-done
		}
	}()
	base := "http://" + addr
	deadline := time.Now().Add(3 * time.Minute)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("server not ready after 3 minutes")
		}
		time.Sleep(200 * time.Millisecond)
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	r := &result{took: map[string]time.Duration{}, cpu: map[string]time.Duration{}, bytes: map[string]int{}, status: map[string]int{}}
	for _, d := range dashboards {
		req, _ := http.NewRequest(http.MethodGet, base+"/m/"+mission+"/d/"+d+"?lang=en", nil)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
		t, c := time.Now(), cpuTime(srv.Process.Pid)
		res, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d, err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		r.took[d], r.bytes[d], r.status[d] = time.Since(t), int(n), res.StatusCode
		r.cpu[d] = cpuTime(srv.Process.Pid) - c
	}
	r.peakRSS = hwm(srv.Process.Pid)
	return r, nil
}

// cpuTime is the user and system CPU time process pid has used: on a
// machine shared with other work, wall-clock times grow with the load, CPU
// time much less.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces), from field 3.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// hwm is the peak resident set of process pid (VmHWM), in bytes.
func hwm(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// report prints the table and checks the goals; 1 when one is missed.
func report(rs []*result) int {
	demo := rs[0]
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "\nportfolio\tdashboard\tstatus\tcold\t× demo\tserver CPU\t× demo\tkB\t× demo\t")
	for _, r := range rs {
		name := "demo"
		if r.projects > 0 {
			name = fmt.Sprintf("%d", r.projects)
		}
		for _, d := range dashboards {
			fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%.1f\t%s\t%.1f\t%.1f\t%.2f\t\n", name, d, r.status[d], r.took[d].Round(time.Millisecond),
				float64(r.took[d])/float64(demo.took[d]), r.cpu[d], float64(r.cpu[d])/float64(max(demo.cpu[d], 10*time.Millisecond)),
				float64(r.bytes[d])/1024, float64(r.bytes[d])/float64(demo.bytes[d]))
		}
	}
	w.Flush()
	fmt.Println()
	for _, r := range rs {
		name := "demo"
		if r.projects > 0 {
			name = fmt.Sprintf("%d projects (generated and loaded in %s)", r.projects, r.load.Round(time.Second))
		}
		fmt.Printf("server peak RSS, %s: %d MB (%.1f× demo)\n", name, r.peakRSS>>20, float64(r.peakRSS)/float64(demo.peakRSS))
	}
	fmt.Println()
	failed := 0
	check := func(ok bool, format string, args ...any) {
		verdict := "PASS"
		if !ok {
			verdict, failed = "FAIL", failed+1
		}
		fmt.Printf("%s  "+format+"\n", append([]any{verdict}, args...)...)
	}
	for _, r := range rs {
		for _, d := range dashboards {
			if r.status[d] != 200 {
				check(false, "%d projects: %s answered %d", r.projects, d, r.status[d])
			}
		}
		switch r.projects {
		case 100_000:
			for _, d := range dashboards {
				check(r.took[d] <= coldGoal, "100k: %s cold in %s (goal ≤ %s)", d, r.took[d].Round(time.Millisecond), coldGoal)
			}
		case 1_000_000:
			check(r.bytes["overview"] < overviewGoal, "1M: overview %d kB (goal < 500 kB)", r.bytes["overview"]>>10)
			for _, d := range dashboards {
				check(r.bytes[d] < dashboardGoal, "1M: %s %d kB (goal < 1 MB)", d, r.bytes[d]>>10)
			}
			check(r.peakRSS <= rssGoal, "1M: server peak RSS %d MB (goal ≤ 1536 MB)", r.peakRSS>>20)
		}
	}
	if failed > 0 {
		return 1
	}
	return 0
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "benchscale:", err)
	return 2
}
