// Command soak runs the abuse and scale scenarios of issue 17 against a real
// Begira server on loopback and prints, per phase, the requests, their
// statuses, p50/p99 latency and the server's peak RSS. In one run it:
//
//  1. builds the begira binary into a temporary directory (or uses
//     --begira PATH), generates --rows projects (`begira gen`), creates an
//     admin API token, and starts `begira serve --demo` on a free
//     127.0.0.1 port;
//  2. import: uploads the generated file and commits it while readers load
//     the dashboards without pause (reads during an import must never be
//     5xx);
//  3. cold pages: 200 distinct scopes over the six default dashboards, each
//     built for the first time, with the bytes of every default dashboard;
//  4. cache-busting: the overview with a junk parameter on every request;
//  5. slow bodies: --flood anonymous connections that announce a body and
//     drip one byte a second, while readers keep reading;
//  6. a 300 MB upload (streamed; a form field after the file is invalid, so
//     it is read whole and refused without an import).
//
// Every loop is bounded (a count and a deadline), every request has a
// timeout, and only 127.0.0.1 is contacted. The server's own ERROR log lines
// are counted. Exit code 1 when any request answered 5xx or failed.
//
//	go run ./cmd/soak [--rows 1000000] [--flood 500] [--begira PATH] [--keep]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"
)

const mission = "gipuzkoa"

// afterImportLimit bounds each of the first pages read after the import
// (the six dashboards, then one scoped page of each, built cold).
const afterImportLimit = 60 * time.Second

var dashboards = []string{"overview", "balance", "network", "signals", "territory", "health"}

func main() { os.Exit(run()) }

type soak struct {
	base, token string
	client      *http.Client
	pid         int
	rss         atomic.Int64 // peak of the current phase, kB
}

// phase is one row of the table.
type phase struct {
	name                      string
	n, ok, c4xx, c5xx, failed int
	lat                       []time.Duration
	peakKB                    int64
	note                      string
	firstSlowest              time.Duration // cold phase: the slowest of the first pages after the import
	mu                        sync.Mutex
}

func (p *phase) record(status int, d time.Duration, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	switch {
	case err != nil:
		p.failed++
	case status >= 500:
		p.c5xx++
	case status >= 400:
		p.c4xx++
	default:
		p.ok++
	}
	p.lat = append(p.lat, d)
}

func (p *phase) pct(q float64) time.Duration {
	if len(p.lat) == 0 {
		return 0
	}
	s := slices.Clone(p.lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func run() int {
	rows := flag.Int("rows", 1_000_000, "projects to generate and import")
	flood := flag.Int("flood", 500, "slow-body connections")
	begira := flag.String("begira", "", "begira binary (default: build one)")
	keep := flag.Bool("keep", false, "keep the temporary directory")
	uploadMB := flag.Int("upload-mb", 300, "size of the large upload")
	coldN := flag.Int("cold", 200, "distinct cold pages")
	flag.Parse()

	dir, err := os.MkdirTemp("", "begira-soak-")
	if err != nil {
		return fail(err)
	}
	if !*keep {
		defer os.RemoveAll(dir)
	} else {
		fmt.Println("keeping", dir)
	}
	bin := *begira
	if bin == "" {
		bin = filepath.Join(dir, "begira")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/begira").CombinedOutput(); err != nil {
			return fail(fmt.Errorf("build: %v\n%s", err, out))
		}
	}
	csvPath, db := filepath.Join(dir, "projects.csv"), filepath.Join(dir, "soak.duckdb")
	start := time.Now()
	if out, err := exec.Command(bin, "gen", "--kind", "projects", "--rows", strconv.Itoa(*rows), "--out", csvPath).CombinedOutput(); err != nil {
		return fail(fmt.Errorf("gen: %v\n%s", err, out))
	}
	fi, _ := os.Stat(csvPath)
	fmt.Printf("generated %d projects (%.1f MB) in %.1fs\n", *rows, float64(fi.Size())/1e6, time.Since(start).Seconds())
	tok, err := exec.Command(bin, "token", "create", "--db", db, "--role", "admin", "--name", "soak").Output()
	if err != nil {
		return fail(fmt.Errorf("token: %v", err))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logPath := filepath.Join(dir, "server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return fail(err)
	}
	// The upload limit lets the generated file and the large upload in.
	limitMB := max(*uploadMB, int(fi.Size()>>20)) + 50
	srv := exec.Command(bin, "serve", "--demo", "--db", db, "--addr", addr, "--upload-limit-mb", strconv.Itoa(limitMB), "--log-level", "warn")
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		return fail(err)
	}
	// Interrupted (Ctrl-C, a timeout): stop the server before leaving.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		srv.Process.Kill()
		if !*keep {
			os.RemoveAll(dir)
		}
		os.Exit(3)
	}()
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			srv.Process.Kill()
		}
		logf.Close()
	}()
	s := &soak{base: "http://" + addr, token: strings.TrimSpace(string(tok)), pid: srv.Process.Pid,
		client: &http.Client{Timeout: 120 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
	if err := s.waitReady(2 * time.Minute); err != nil {
		return fail(err)
	}
	stopRSS := s.sampleRSS()
	defer stopRSS()

	// Each row is printed as its phase ends, so a run cut short still
	// reports what it measured.
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "phase\trequests\t2xx/3xx\t4xx\t5xx\tfailed\tp50\tp99\tpeak RSS\tnote\t")
	bad := 0
	row := func(p *phase) {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%d MB\t%s\t\n", p.name, p.n, p.ok, p.c4xx, p.c5xx, p.failed,
			p.pct(0.5).Round(time.Millisecond), p.pct(0.99).Round(time.Millisecond), p.peakKB/1024, p.note)
		w.Flush()
		bad += p.c5xx + p.failed
	}
	row(s.importPhase(csvPath))
	cold, sizes := s.coldPhase(*coldN)
	row(cold)
	// The pages right after the import: every cached page and metric is
	// stale at once, and an unseen page must still be built in bounded
	// time (one cold overview passed the client's 2-minute timeout before
	// the recomputations were bounded).
	if cold.firstSlowest > afterImportLimit {
		fmt.Printf("FAIL  slowest of the first cold pages after the import: %s (limit %s)\n", cold.firstSlowest.Round(time.Millisecond), afterImportLimit)
		bad++
	} else {
		fmt.Printf("PASS  slowest of the first cold pages after the import: %s (limit %s)\n", cold.firstSlowest.Round(time.Millisecond), afterImportLimit)
	}
	row(s.cacheBustPhase())
	row(s.floodPhase(*flood))
	row(s.uploadPhase(*uploadMB))
	fmt.Println("\nbytes per default dashboard (cold time), whole portfolio:")
	for _, d := range dashboards {
		fmt.Printf("  %-10s %8.1f kB  %s\n", d, float64(sizes[d].bytes)/1024, sizes[d].took.Round(time.Millisecond))
	}
	logs, _ := os.ReadFile(logPath)
	errLines := strings.Count(string(logs), "level=ERROR")
	fmt.Printf("\nserver peak RSS (VmHWM): %d MB; server ERROR log lines: %d\n", s.hwmKB()/1024, errLines)
	if bad > 0 {
		return 1
	}
	return 0
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "soak:", err)
	return 2
}

func (s *soak) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after %s", limit)
}

// procKB reads a field of /proc/PID/status in kB.
func (s *soak) procKB(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func (s *soak) hwmKB() int64 { return s.procKB("VmHWM") }

// sampleRSS keeps s.rss at the highest VmRSS seen since the last reset.
func (s *soak) sampleRSS() func() {
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if v := s.procKB("VmRSS"); v > s.rss.Load() {
					s.rss.Store(v)
				}
			}
		}
	}()
	return func() { close(stop) }
}

func (s *soak) begin(name string) *phase {
	s.rss.Store(s.procKB("VmRSS"))
	fmt.Println("phase:", name)
	return &phase{name: name}
}

func (s *soak) end(p *phase) *phase {
	p.peakKB = s.rss.Load()
	return p
}

// get requests path and records it in p; it returns the body size.
func (s *soak) get(p *phase, path string) int {
	req, _ := http.NewRequest(http.MethodGet, s.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	t := time.Now()
	res, err := s.client.Do(req)
	n := 0
	status := 0
	if err == nil {
		b, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		n, status = int(b), res.StatusCode
	}
	if p != nil {
		p.record(status, time.Since(t), err)
	}
	return n
}

// readers load the dashboards with workers until stop closes (or limit
// requests each).
func (s *soak) readers(p *phase, workers, limit int, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range limit {
				select {
				case <-stop:
					return
				default:
				}
				d := dashboards[(i+w)%len(dashboards)]
				path := "/m/" + mission + "/d/" + d
				if d == "overview" {
					path = "/m/" + mission
				}
				s.get(p, path)
			}
		})
	}
	return &wg
}

// multipartBody streams fields and then a file part of size bytes read from
// file (or generated when file is nil), with fields after it.
func multipartBody(before, after map[string]string, file io.Reader) (string, io.Reader) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range before {
			mw.WriteField(k, v)
		}
		fw, err := mw.CreateFormFile("file", "projects.csv")
		if err != nil {
			pw.CloseWithError(err) // the server hung up
			return
		}
		if _, err := io.Copy(fw, file); err != nil {
			pw.CloseWithError(err)
			return
		}
		for k, v := range after {
			mw.WriteField(k, v)
		}
		pw.CloseWithError(mw.Close())
	}()
	return mw.FormDataContentType(), pr
}

func (s *soak) post(path, ctype string, body io.Reader) (int, []byte, error) {
	req, _ := http.NewRequest(http.MethodPost, s.base+path, body)
	req.Header.Set("Authorization", "Bearer "+s.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	c := &http.Client{Timeout: 30 * time.Minute}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b, nil
}

func (s *soak) importPhase(csvPath string) *phase {
	p := s.begin("reads during import")
	stop := make(chan struct{})
	wg := s.readers(p, 4, 100_000, stop)
	t := time.Now()
	f, err := os.Open(csvPath)
	if err != nil {
		p.note = err.Error()
		close(stop)
		wg.Wait()
		return s.end(p)
	}
	defer f.Close()
	ct, body := multipartBody(map[string]string{"kind": "projects", "mode": "append", "skip_invalid": "true"}, nil, f)
	status, b, err := s.post("/api/v1/missions/"+mission+"/imports", ct, body)
	var batch struct {
		ID     int64 `json:"id"`
		RowsOK int64 `json:"rows_ok"`
	}
	json.Unmarshal(b, &batch)
	preview := time.Since(t)
	commit := time.Duration(0)
	if err == nil && status == http.StatusCreated {
		t2 := time.Now()
		status, b, err = s.post(fmt.Sprintf("/api/v1/imports/%d/commit?skip_invalid=true", batch.ID), "", nil)
		commit = time.Since(t2)
	}
	close(stop)
	wg.Wait()
	p.note = fmt.Sprintf("import: preview %s, commit %s (HTTP %d, %d rows)", preview.Round(time.Second), commit.Round(time.Second), status, batch.RowsOK)
	if err != nil || status >= 300 {
		p.note += fmt.Sprintf("; %v %.200s", err, b)
		p.failed++
	}
	return s.end(p)
}

type size struct {
	bytes int
	took  time.Duration
}

// coldPhase requests every default dashboard once unfiltered (its size and
// cold time), then n distinct scopes: each page built for the first time.
func (s *soak) coldPhase(n int) (*phase, map[string]size) {
	p := s.begin(fmt.Sprintf("%d cold pages", n))
	sizes := map[string]size{}
	for _, d := range dashboards {
		path := "/m/" + mission + "/d/" + d
		t := time.Now()
		n := s.get(p, path)
		sizes[d] = size{n, time.Since(t)}
		p.firstSlowest = max(p.firstSlowest, time.Since(t))
	}
	// One scoped page of each dashboard alone: its cold time and the peak
	// RSS while it was built.
	first := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, d := range dashboards {
		s.rss.Store(s.procKB("VmRSS"))
		t := time.Now()
		n := s.get(p, fmt.Sprintf("/m/%s/d/%s?from=%s", mission, d, first.AddDate(0, 0, i).Format(time.DateOnly)))
		p.firstSlowest = max(p.firstSlowest, time.Since(t))
		fmt.Printf("  cold %-10s %8.1f kB  %-8s peak RSS %d MB\n", d, float64(n)/1024, time.Since(t).Round(time.Millisecond), s.rss.Load()/1024)
	}
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for path := range jobs {
				s.get(p, path)
			}
		})
	}
	day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		d := dashboards[i%len(dashboards)]
		jobs <- fmt.Sprintf("/m/%s/d/%s?from=%s", mission, d, day.AddDate(0, 0, i).Format(time.DateOnly))
	}
	close(jobs)
	wg.Wait()
	return s.end(p), sizes
}

func (s *soak) cacheBustPhase() *phase {
	p := s.begin("cache-busting junk")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				s.get(p, fmt.Sprintf("/m/%s?utm_source=%d-%d&x%d=%d", mission, w, i, i, w))
			}
		})
	}
	wg.Wait()
	return s.end(p)
}

// floodPhase opens n anonymous connections that announce 1 MB and send a
// byte a second, for 40 s, while readers keep reading; it notes how many
// were still open when the flood ended (the server's 30 s read timeout
// must have closed them).
func (s *soak) floodPhase(n int) *phase {
	p := s.begin(fmt.Sprintf("%d slow bodies", n))
	host := strings.TrimPrefix(s.base, "http://")
	var open atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(40 * time.Second)
	targets := []string{"/login", "/api/v1/missions/" + mission + "/imports", "/healthz"}
	for i := range n {
		wg.Go(func() {
			conn, err := net.DialTimeout("tcp", host, 5*time.Second)
			if err != nil {
				return
			}
			defer conn.Close()
			open.Add(1)
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000\r\n\r\n", targets[i%len(targets)])
			for time.Now().Before(deadline) {
				conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
				if _, err := conn.Write([]byte("x")); err != nil {
					open.Add(-1) // the server closed it
					return
				}
				time.Sleep(time.Second)
			}
		})
	}
	stop := make(chan struct{})
	rw := s.readers(p, 4, 10_000, stop)
	wg.Wait()
	close(stop)
	rw.Wait()
	p.note = fmt.Sprintf("slow connections still open after 40 s: %d", open.Load())
	return s.end(p)
}

// uploadPhase sends an authorised upload of mb MB whose last field is
// invalid: the server streams it to disk and refuses it (400) without an
// import; its memory must not grow with the file.
func (s *soak) uploadPhase(mb int) *phase {
	p := s.begin(fmt.Sprintf("%d MB upload", mb))
	line := []byte("GEN-X,\"a project title that fills the file\",social_cohesion\n")
	file := io.LimitReader(&repeat{b: line}, int64(mb)<<20)
	ct, body := multipartBody(map[string]string{"kind": "projects", "header_row": "not-a-number"}, nil, file)
	t := time.Now()
	status, b, err := s.post("/api/v1/missions/"+mission+"/imports", ct, body)
	p.record(status, time.Since(t), err)
	p.note = fmt.Sprintf("answer %d %.80s", status, bytes.TrimSpace(b))
	return s.end(p)
}

type repeat struct {
	b []byte
	i int
}

func (r *repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.b[r.i:])
		n += c
		r.i = (r.i + c) % len(r.b)
	}
	return n, nil
}
