package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/pull"
	"github.com/begira/begira/internal/store"
)

// feed is a test HTTP server standing in for an open-data portal. It
// answers 304 to a matching If-None-Match, like a real one.
type feed struct {
	mu          sync.Mutex
	status      int
	body        string
	etag        string
	contentType string
	chunked     bool // no Content-Length: the size limit must hold while streaming
	stall       bool // never answer: the client's timeout must fire
	requests    []http.Header
}

func (f *feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Header.Clone())
	status, body, etag, ct, chunked, stall := f.status, f.body, f.etag, f.contentType, f.chunked, f.stall
	f.mu.Unlock()
	if stall {
		// The one wait of these tests, in the handler: until the client
		// gives up (its timeout closes the connection) or 10 s pass.
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	if etag != "" {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", "Sat, 28 Mar 2026 05:00:00 GMT")
	}
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if status == 0 {
		status = http.StatusOK
	}
	if !chunked {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	}
	w.WriteHeader(status)
	for len(body) > 0 {
		n := min(len(body), 256)
		fmt.Fprint(w, body[:n])
		body = body[n:]
		if chunked {
			w.(http.Flusher).Flush()
		}
	}
}

func (f *feed) set(fn func(f *feed)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *feed) lastRequest() http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[len(f.requests)-1]
}

// pullEnv is the pipeline's env with a feed registered as source "feed".
type pullEnv struct {
	*env
	feed   *feed
	client *http.Client
	puller *pull.Puller
}

func mustPullEnv(tb testing.TB, kind, path string) *pullEnv {
	tb.Helper()
	e := mustEnv(tb)
	f := &feed{}
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	err := e.st.UpsertSource(context.Background(), e.m.Slug, portfolio.SourceDoc{Slug: "feed", Kind: kind, URL: srv.URL + path + "?key=secret"})
	if err != nil {
		tb.Fatal(err)
	}
	p := pull.New(e.st, e.ing, fixedClock)
	p.TempDir = e.dir
	return &pullEnv{env: e, feed: f, client: &http.Client{Timeout: 200 * time.Millisecond}, puller: p}
}

func (e *pullEnv) pull(limit int64) (*pull.Result, error) {
	return e.puller.PullSource(context.Background(), e.client, e.m.Slug, "feed", limit)
}

func (e *pullEnv) mustPull(tb testing.TB, wantStatus string) *pull.Result {
	tb.Helper()
	res, err := e.pull(0)
	if err != nil {
		tb.Fatalf("pull: %v", err)
	}
	if res.Status != wantStatus {
		tb.Fatalf("pull: status %q, want %q (%+v)", res.Status, wantStatus, res)
	}
	return res
}

func (e *pullEnv) source(tb testing.TB) *portfolio.Source {
	tb.Helper()
	src, err := e.st.Source(context.Background(), e.m.Slug, "feed")
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

func count(tb testing.TB, st *store.Store, q string) int {
	tb.Helper()
	var n int
	if err := st.DB().QueryRow(q).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

const feedCSV = "ext_ref,title,pillars,status\nF-1,Solar roofs,decarbonisation,active\nF-2,Care circles,social_cohesion|adaptation,planned\n"

func TestPullImportsThenNotModified(t *testing.T) {
	t.Parallel()
	e := mustPullEnv(t, "projects", "/projects.csv")
	e.feed.set(func(f *feed) { f.body, f.etag, f.contentType = feedCSV, `"v1"`, "text/csv; charset=utf-8" })

	res := e.mustPull(t, portfolio.PullOK)
	if res.BatchID == 0 || res.RowsOK != 2 || res.HTTPStatus != 200 || res.Bytes != int64(len(feedCSV)) {
		t.Errorf("first pull: %+v, want a batch of 2 rows", res)
	}
	if got := storedProjects(t, e.st); len(got) != 2 || got["F-2"].Terms != "pillar:adaptation pillar:social_cohesion" {
		t.Errorf("projects after the first pull: %v", got)
	}
	b, err := e.ing.Batch(context.Background(), res.BatchID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != portfolio.ImportCommitted || b.Mode != ingest.ModeUpsert || b.Filename != "projects.csv" || b.CreatedBy != "pull:feed" {
		t.Errorf("batch: status %q mode %q filename %q by %q, want committed upsert projects.csv by pull:feed", b.Status, b.Mode, b.Filename, b.CreatedBy)
	}
	if n := count(t, e.st, fmt.Sprintf(`SELECT count(*) FROM import_batch WHERE source_id = %d`, e.source(t).ID)); n != 1 {
		t.Errorf("batches linked to the source: got %d, want 1", n)
	}
	src := e.source(t)
	if src.ETag != `"v1"` || src.LastModified == "" || src.LastStatus != portfolio.PullOK || src.LastBatchID != res.BatchID || src.LastPulledAt == nil {
		t.Errorf("source after the first pull: %+v", src)
	}

	e.mustPull(t, portfolio.PullNotModified)
	if got := e.feed.lastRequest().Get("If-None-Match"); got != `"v1"` {
		t.Errorf("second request If-None-Match: got %q, want \"v1\"", got)
	}
	if got := e.feed.lastRequest().Get("If-Modified-Since"); got == "" {
		t.Errorf("second request sent no If-Modified-Since")
	}
	if n := count(t, e.st, `SELECT count(*) FROM import_batch`); n != 1 {
		t.Errorf("batches after a 304: got %d, want 1", n)
	}
	if src := e.source(t); src.LastStatus != portfolio.PullNotModified || src.ETag != `"v1"` {
		t.Errorf("source after a 304: %+v", src)
	}
}

func TestPullUnchangedBodyWithoutValidators(t *testing.T) {
	t.Parallel()
	e := mustPullEnv(t, "projects", "/projects.csv")
	e.feed.set(func(f *feed) { f.body = feedCSV })
	e.mustPull(t, portfolio.PullOK)
	e.mustPull(t, portfolio.PullUnchanged)
	if n := count(t, e.st, `SELECT count(*) FROM import_batch`); n != 1 {
		t.Errorf("batches after pulling the same bytes twice: got %d, want 1", n)
	}
}

// failedPull checks a pull that must fail with code, leave the portfolio
// as before and record the failure on the source without new validators.
func (e *pullEnv) failedPull(tb testing.TB, limit int64, code, mention string) *pull.Result {
	tb.Helper()
	before := storedProjects(tb, e.st)
	validators := e.source(tb).ETag
	res, err := e.pull(limit)
	if err == nil {
		tb.Fatalf("pull succeeded: %+v", res)
	}
	if portfolio.ErrorCode(err) != code || !strings.Contains(err.Error(), mention) {
		tb.Errorf("pull error: got %v (code %s), want %s mentioning %q", err, portfolio.ErrorCode(err), code, mention)
	}
	if strings.Contains(err.Error(), "secret") {
		tb.Errorf("pull error %q shows the URL's query", err)
	}
	if res.Status != portfolio.PullFailed {
		tb.Errorf("result status: got %q, want failed", res.Status)
	}
	if after := storedProjects(tb, e.st); fmt.Sprint(after) != fmt.Sprint(before) {
		tb.Errorf("projects changed by a failed pull:\nbefore %v\nafter  %v", before, after)
	}
	src := e.source(tb)
	if src.LastStatus != portfolio.PullFailed || !strings.Contains(src.LastError, mention) || src.ETag != validators {
		tb.Errorf("source after a failed pull: status %q error %q etag %q, want failed, the error, etag %q",
			src.LastStatus, src.LastError, src.ETag, validators)
	}
	return res
}

func TestPullServerErrorKeepsData(t *testing.T) {
	t.Parallel()
	e := mustPullEnv(t, "projects", "/projects.csv")
	e.feed.set(func(f *feed) { f.body, f.etag = feedCSV, `"v1"` })
	e.mustPull(t, portfolio.PullOK)
	e.feed.set(func(f *feed) { f.status, f.etag, f.body = http.StatusInternalServerError, "", "oops" })
	e.failedPull(t, 0, pull.EUpstream, "HTTP 500")
	if n := count(t, e.st, `SELECT count(*) FROM import_batch`); n != 1 {
		t.Errorf("batches after a 500: got %d, want 1", n)
	}
}

// A pull whose upstream answers 404 answered HTTP 500: the job fails with
// the upstream status, as an upstream failure (502), not an internal one.
func TestPullNotFoundUpstream(t *testing.T) {
	t.Parallel()
	e := mustPullEnv(t, "projects", "/projects.csv")
	e.feed.set(func(f *feed) { f.status, f.body = http.StatusNotFound, "no such file" })
	res := e.failedPull(t, 0, pull.EUpstream, "HTTP 404 Not Found")
	if res.HTTPStatus != http.StatusNotFound {
		t.Errorf("http_status %d, want 404", res.HTTPStatus)
	}
}

func TestPullTimeout(t *testing.T) {
	t.Parallel()
	e := mustPullEnv(t, "projects", "/projects.csv")
	e.feed.set(func(f *feed) { f.stall = true })
	start := time.Now()
	e.failedPull(t, 0, pull.EUpstream, "did not answer in full within 200ms")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a 200 ms timeout took %v", d)
	}
}

func TestPullOversizedBody(t *testing.T) {
	t.Parallel()
	big := "ext_ref,title\n" + strings.Repeat("X-1,A title long enough to fill the file\n", 60)
	for name, chunked := range map[string]bool{"with Content-Length": false, "streamed": true} {
		t.Run(name, func(t *testing.T) {
			e := mustPullEnv(t, "projects", "/projects.csv")
			e.feed.set(func(f *feed) { f.body, f.chunked = big, chunked })
			e.failedPull(t, 1024, portfolio.ETOOLARGE, "larger than the pull limit of 1024 bytes")
			if n := count(t, e.st, `SELECT count(*) FROM import_batch`); n != 0 {
				t.Errorf("batches after an oversized body: got %d, want 0", n)
			}
		})
	}
}

func TestPullJSONArray(t *testing.T) {
	t.Parallel()
	e := mustPullEnv(t, "projects", "/api/projects")
	e.feed.set(func(f *feed) {
		f.contentType = "application/json"
		f.body = `[
		  {"ext_ref": "J-1", "title": "Bus lanes, \"phase\" 1", "pillars": ["decarbonisation"], "status": "active"},
		  {"title": "Food hubs", "ext_ref": "J-2", "budget_total_eur": 125000.5, "pillars": ["social_cohesion", "adaptation"], "status": null}
		]`
	})
	res := e.mustPull(t, portfolio.PullOK)
	if res.RowsOK != 2 {
		t.Fatalf("JSON pull: %+v, want 2 rows", res)
	}
	got := storedProjects(t, e.st)
	if got["J-1"].Title != `Bus lanes, "phase" 1` || got["J-2"].Terms != "pillar:adaptation pillar:social_cohesion" ||
		got["J-2"].Budget == nil || *got["J-2"].Budget != 125000.5 {
		t.Errorf("projects from JSON: %v", got)
	}
}

func TestPullRejectedRowIsNotCommitted(t *testing.T) {
	t.Parallel()
	e := mustPullEnv(t, "projects", "/projects.csv")
	e.feed.set(func(f *feed) { f.body, f.etag = feedCSV, `"v1"` })
	e.mustPull(t, portfolio.PullOK)
	bad := "ext_ref,title,pillars,status\nF-1,Solar roofs v2,decarbonisation,active\nF-3,Wind,decarbonisation,maybe\n"
	e.feed.set(func(f *feed) { f.body, f.etag = bad, `"v2"` })
	res := e.failedPull(t, 0, ingest.ERejected, "1 of 2 rows were rejected")
	b, err := e.ing.Batch(context.Background(), res.BatchID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != portfolio.ImportFailed || len(b.Rejects) == 0 || b.Rejects[0].Line != 3 {
		t.Errorf("rejected pull's batch: status %q rejects %+v, want failed with line 3 rejected", b.Status, b.Rejects)
	}
	if src := e.source(t); src.ETag != `"v1"` || src.LastBatchID != res.BatchID {
		t.Errorf("source after a rejected file: etag %q last batch %d, want \"v1\" (so the next pull fetches again) and %d", src.ETag, src.LastBatchID, res.BatchID)
	}
	// Once the portal fixes the file, the next pull imports it.
	fixed := strings.Replace(bad, "maybe", "planned", 1)
	e.feed.set(func(f *feed) { f.body, f.etag = fixed, `"v3"` })
	e.mustPull(t, portfolio.PullOK)
	if got := storedProjects(t, e.st); len(got) != 3 || got["F-1"].Title != "Solar roofs v2" {
		t.Errorf("projects after the fixed file: %v", got)
	}
}

func TestPullRefusesSourceWithoutURL(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	if err := e.st.UpsertSource(context.Background(), e.m.Slug, portfolio.SourceDoc{Slug: "manual", Kind: "projects"}); err != nil {
		t.Fatal(err)
	}
	puller := pull.New(e.st, e.ing, fixedClock)
	_, err := puller.PullSource(context.Background(), nil, e.m.Slug, "manual", 0)
	if portfolio.ErrorCode(err) != portfolio.EINVALID || !strings.Contains(err.Error(), "no url") {
		t.Errorf("pull of a source without a url: got %v, want EINVALID", err)
	}
	if _, err := puller.PullSource(context.Background(), nil, e.m.Slug, "ghost", 0); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("pull of an unknown source: got %v, want ENOTFOUND", err)
	}
}
