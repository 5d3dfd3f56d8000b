package web_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/dashboards"
	"github.com/begira/begira/data"
	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/storetest"
	"github.com/begira/begira/internal/web"
)

// scenario is one request and what its answer must look like, after
// pocketbase's tests.ApiScenario. Every scenario also checks the security
// headers.
type scenario struct {
	name            string
	method          string // GET when empty
	url             string
	body            string
	headers         map[string]string
	wantStatus      int
	wantHeaders     map[string]string // header → its exact value
	wantContains    []string
	wantNotContains []string
	check           func(t *testing.T, body []byte)
	// anonymous sends no credentials; by default scenarios carry the test
	// administrator's token (see testDeps).
	anonymous bool
	// overNetwork sends the request over a real loopback connection: errors
	// fasthttp raises before any handler (body too large) make app.Test
	// return an error instead of the response.
	overNetwork bool
}

// run sends the request through app.Test (no timeout: DuckDB queries under
// the race detector may take longer than Fiber's 1 s default).
func (s scenario) run(t *testing.T, app *fiber.App) {
	t.Helper()
	var reqBody io.Reader
	if s.body != "" {
		reqBody = strings.NewReader(s.body)
	}
	req := httptest.NewRequest(cmp.Or(s.method, http.MethodGet), s.url, reqBody)
	if !s.anonymous {
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
	}
	for k, v := range s.headers {
		req.Header.Set(k, v)
	}
	var res *http.Response
	var err error
	if s.overNetwork {
		req.URL.Scheme, req.URL.Host, req.RequestURI = "http", listen(t, app), ""
		req.Close = true // leave no idle connection to the closed listener
		res, err = http.DefaultClient.Do(req)
	} else {
		res, err = app.Test(req, -1)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, s.url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if res.StatusCode != s.wantStatus {
		t.Errorf("status = %d, want %d; body: %.400s", res.StatusCode, s.wantStatus, body)
	}
	checkSecurityHeaders(t, res.Header)
	checkOpenAPI(t, req, res, body)
	for h, want := range s.wantHeaders {
		if got := res.Header.Get(h); got != want {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}
	for _, want := range s.wantContains {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("body does not contain %q; body: %.400s", want, body)
		}
	}
	for _, unwanted := range s.wantNotContains {
		if bytes.Contains(body, []byte(unwanted)) {
			t.Errorf("body contains %q, want it absent", unwanted)
		}
	}
	if s.check != nil {
		s.check(t, body)
	}
}

// listen serves app on 127.0.0.1:0 until the (sub)test ends and returns
// the address.
func listen(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// runScenarios runs scenarios in order as subtests: a table that writes may
// rely on the state its earlier rows left.
func runScenarios(t *testing.T, app *fiber.App, scenarios []scenario) {
	t.Helper()
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) { s.run(t, app) })
	}
}

// checkSecurityHeaders asserts the headers every response must carry.
func checkSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy = %q, want it to contain %q", csp, want)
		}
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// demoDB is the demo mission loaded through the real ingest pipeline, once
// per test binary: every test that needs the demo opens a copy of its own.
var demoDB = storetest.New(func(ctx context.Context, st *store.Store) error {
	return demo.Load(ctx, st, ingest.New(st, time.Now), discardLogger())
})

func TestMain(m *testing.M) { storetest.Main(m) }

// shared holds the demo app that the read-only tests share, one per test
// binary. Tests that write use newFreshApp or newSnapshotApp instead.
var shared struct {
	once sync.Once
	app  *fiber.App
	err  error
}

// newTestApp returns the app over a real store holding the demo mission.
// Callers must not write through it.
func newTestApp(t testing.TB) *fiber.App {
	t.Helper()
	shared.once.Do(func() {
		// The store lives as long as the test binary.
		st, err := demoDB.OpenKept(store.Options{})
		if err != nil {
			shared.err = err
			return
		}
		shared.app = web.New(testDeps(st, st, discardLogger()), web.Options{PublicMission: demo.Slug})
	})
	if shared.err != nil {
		t.Fatalf("demo app: %v", shared.err)
	}
	return shared.app
}

// newFreshApp returns an app over its own empty in-memory store, closed when
// the test ends.
func newFreshApp(t testing.TB, opt web.Options) (*fiber.App, *store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	log := discardLogger()
	return web.New(testDeps(st, st, log), opt), st
}

// mustImport imports a CSV file through the real ingest pipeline.
func mustImport(t testing.TB, st *store.Store, mission, kind, name, body string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := ingest.New(st, time.Now).Import(context.Background(), ingest.Request{Mission: mission, Kind: kind,
		Mode: ingest.ModeAppend, Path: path, Filename: name, CreatedBy: "test"}, false)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	if b.RowsRejected > 0 {
		t.Fatalf("import %s: %d rows rejected: %+v", name, b.RowsRejected, b.Rejects)
	}
}

func mustReadTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mustGet fetches url from app and fails unless it answers 200.
func mustGet(t testing.TB, app *fiber.App, url string) []byte {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200; body: %.400s", url, res.StatusCode, body)
	}
	return body
}

func decode[T any](t testing.TB, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v; body: %.400s", v, err, body)
	}
	return v
}

// apiError is the JSON error body.
type apiError struct {
	Error struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Details []string `json:"details"`
	} `json:"error"`
}

// wantAPIError checks a JSON error body: its code and words its message
// must contain.
func wantAPIError(code string, inMessage ...string) func(t *testing.T, body []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		e := decode[apiError](t, body)
		if e.Error.Code != code {
			t.Errorf("error code = %q, want %q", e.Error.Code, code)
		}
		if e.Error.Message == "" {
			t.Error("error message is empty")
		}
		for _, w := range inMessage {
			if !strings.Contains(e.Error.Message, w) {
				t.Errorf("error message %q does not name %q", e.Error.Message, w)
			}
		}
	}
}

// project and signal are the API's JSON as a client reads it.
// portfolio.Date marshals to "yyyy-mm-dd" but has no UnmarshalJSON, so the
// domain types cannot decode the API's own answers.
type project struct {
	ExtRef string              `json:"ext_ref"`
	Title  string              `json:"title"`
	Status string              `json:"status"`
	Terms  map[string][]string `json:"terms"`
}

type signal struct {
	ExtRef   string `json:"ext_ref"`
	Headline string `json:"headline"`
}

type list[T any] struct {
	Items  []T   `json:"items"`
	Total  int64 `json:"total"`
	Limit  int   `json:"limit"`
	Offset int   `json:"offset"`
}

// cellsOf decodes a coverage answer strictly: every cell must carry exactly
// the five documented fields.
func cellsOf(t *testing.T, body []byte) []portfolio.CoverageCell {
	t.Helper()
	var raw struct {
		Cells []map[string]any `json:"cells"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatalf("decode coverage: %v", err)
	}
	for i, c := range raw.Cells {
		for _, f := range []string{"a", "b", "n_full", "n_frac", "budget_frac"} {
			if _, ok := c[f]; !ok {
				t.Errorf("cell %d has no %q: %v", i, f, c)
			}
		}
	}
	var cov struct {
		Cells []portfolio.CoverageCell `json:"cells"`
	}
	if err := json.Unmarshal(body, &cov); err != nil {
		t.Fatalf("decode coverage: %v", err)
	}
	return cov.Cells
}

// demoProjectRows counts the data rows of the embedded demo projects file.
func demoProjectRows(t testing.TB) int {
	t.Helper()
	f, err := data.Demo.Open("demo/projects.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return len(rows) - 1
}

// inScopeTaggedBoth counts the planned and active demo projects tagged with
// at least one term of both schemes, from the API itself.
func inScopeTaggedBoth(t *testing.T, app *fiber.App, a, b string) int {
	t.Helper()
	l := decode[list[project]](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects?status=planned,active&limit=500"))
	if int64(len(l.Items)) != l.Total {
		t.Fatalf("got %d of %d in-scope projects in one page; raise the limit", len(l.Items), l.Total)
	}
	n := 0
	for _, p := range l.Items {
		if len(p.Terms[a]) > 0 && len(p.Terms[b]) > 0 {
			n++
		}
	}
	return n
}

const (
	xssTitle      = `</script><script>alert(1)</script>`
	xssTitleHTML  = `&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;`
	xssTitleJSON  = `\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e`
	demoInScope   = "status=planned,active"
	overviewPanel = 5
)

var (
	scriptTag  = regexp.MustCompile(`<script[^>]*>`)
	jsonScript = regexp.MustCompile(`(?s)<script type="application/json" id="([^"]+)">(.*?)</script>`)
	// externalRef matches an attribute pointing at another host, absolute
	// or protocol-relative.
	externalRef = regexp.MustCompile(`(?i)\b(src|href|action|srcset|poster|data)\s*=\s*["']?\s*(https?:)?//`)
	kpiValue    = regexp.MustCompile(`data-kpi="([a-z_]+)"[^>]*><span class="kpi-label">[^<]*</span><span class="kpi-value">([^<]*)</span>`)
	projectRow  = regexp.MustCompile(`(?s)<tr>\s*<td>(PRJ-\d+)</td>.*?</tr>`)
)

// checkOverview asserts the overview page's structure: KPI cards, the five
// panels with their JSON options, no inline script and no other host.
func checkOverview(t *testing.T, body []byte) {
	t.Helper()
	kpis := map[string]string{}
	for _, m := range kpiValue.FindAllSubmatch(body, -1) {
		kpis[string(m[1])] = string(m[2])
	}
	for _, code := range []string{"projects", "budget", "organisations", "signals", "empty_cells"} {
		if kpis[code] == "" {
			t.Errorf("no KPI card %q (cards: %v)", code, kpis)
		}
	}
	if got := kpis["empty_cells"]; got != "1" {
		t.Errorf("empty_cells KPI = %q, want 1 (adaptation × regulation)", got)
	}
	if got := bytes.Count(body, []byte(`<figure class="panel"`)); got != overviewPanel {
		t.Errorf("%d figure panels, want %d", got, overviewPanel)
	}
	opts := 0
	for _, m := range jsonScript.FindAllSubmatch(body, -1) {
		if !json.Valid(m[2]) {
			t.Errorf("script #%s is not valid JSON: %.200s", m[1], m[2])
		}
		if bytes.HasPrefix(m[1], []byte("opt-")) {
			opts++
		}
	}
	if opts != overviewPanel {
		t.Errorf("%d JSON option scripts, want %d", opts, overviewPanel)
	}
	checkScriptsAndHosts(t, body)
}

// checkScriptsAndHosts asserts that a page runs only same-origin script
// files (the CSP forbids inline script) and references no other host.
func checkScriptsAndHosts(t *testing.T, body []byte) {
	t.Helper()
	for _, tag := range scriptTag.FindAll(body, -1) {
		s := string(tag)
		if !strings.Contains(s, `type="application/json"`) && !strings.Contains(s, `src="/static/`) {
			t.Errorf("script tag %s is neither JSON data nor a same-origin file", s)
		}
	}
	if m := externalRef.Find(body); m != nil {
		t.Errorf("page references another host: %s", m)
	}
	for _, scheme := range []string{"http://", "https://"} {
		if i := bytes.Index(body, []byte(scheme)); i >= 0 {
			t.Errorf("page contains a URL: %.80s", body[i:])
		}
	}
}

// checkRowsAtLevel asserts every project row shows the given level label.
func checkRowsAtLevel(label string) func(t *testing.T, body []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		rows := projectRow.FindAll(body, -1)
		if len(rows) == 0 {
			t.Fatal("no project row")
		}
		for _, r := range rows {
			if !bytes.Contains(r, []byte("<td>"+label+"</td>")) {
				t.Errorf("row outside level %q: %.300s", label, r)
			}
		}
	}
}

func TestDemoAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	csvRows := demoProjectRows(t)
	runScenarios(t, app, []scenario{
		{
			name: "healthz", url: "/healthz", wantStatus: 200,
			wantContains: []string{`"status":"ok"`},
		},
		{
			name: "readyz", url: "/readyz", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				got := decode[struct{ Status string }](t, body)
				if got.Status != "ready" {
					t.Errorf("status = %q, want ready", got.Status)
				}
			},
		},
		{
			name: "missions list the demo", url: "/api/v1/missions", wantStatus: 200,
			wantHeaders: map[string]string{"Content-Type": "application/json"},
			check: func(t *testing.T, body []byte) {
				l := decode[list[portfolio.MissionSummary]](t, body)
				if len(l.Items) != 1 || l.Items[0].Slug != "gipuzkoa" {
					t.Fatalf("items = %+v, want one mission gipuzkoa", l.Items)
				}
				if l.Items[0].Projects != int64(csvRows) {
					t.Errorf("projects = %d, want %d", l.Items[0].Projects, csvRows)
				}
			},
		},
		{
			name: "mission with its schemes", url: "/api/v1/missions/gipuzkoa", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				m := decode[portfolio.Mission](t, body)
				if m.Slug != "gipuzkoa" {
					t.Errorf("slug = %q, want gipuzkoa", m.Slug)
				}
				for _, code := range []string{"pillar", "level", "challenge", "lever", "stage"} {
					if m.Scheme(code) == nil {
						t.Errorf("scheme %q missing", code)
					}
				}
				if s := m.Scheme("level"); s != nil && len(s.Terms) != 5 {
					t.Errorf("level has %d terms, want 5", len(s.Terms))
				}
			},
		},
		{
			name: "unknown mission", url: "/api/v1/missions/nope", wantStatus: 404,
			wantHeaders: map[string]string{"Content-Type": "application/json"},
			check:       wantAPIError(portfolio.ENOTFOUND, "nope"),
		},
		{
			name: "projects page of 5", url: "/api/v1/missions/gipuzkoa/projects?status=any&limit=5&offset=10", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				l := decode[list[map[string]any]](t, body)
				if len(l.Items) != 5 {
					t.Errorf("%d items, want 5", len(l.Items))
				}
				if l.Total != int64(csvRows) {
					t.Errorf("total = %d, want %d (rows of projects.csv)", l.Total, csvRows)
				}
				if l.Limit != 5 || l.Offset != 10 {
					t.Errorf("limit, offset = %d, %d; want 5, 10", l.Limit, l.Offset)
				}
				if len(l.Items) == 0 {
					return
				}
				if got := l.Items[0]["ext_ref"]; got != "PRJ-0011" {
					t.Errorf("first ext_ref = %v, want PRJ-0011 (ordered by ext_ref, offset 10)", got)
				}
				dateRE := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
				for _, it := range l.Items {
					if s, _ := it["ext_ref"].(string); s == "" {
						t.Errorf("item without ext_ref: %v", it)
					}
					if s, _ := it["title"].(string); s == "" {
						t.Errorf("item without title: %v", it)
					}
					if _, ok := it["budget_total_eur"].(float64); !ok {
						t.Errorf("budget_total_eur = %#v, want a JSON number", it["budget_total_eur"])
					}
					if s, _ := it["start_date"].(string); !dateRE.MatchString(s) {
						t.Errorf("start_date = %#v, want yyyy-mm-dd", it["start_date"])
					}
					terms, ok := it["terms"].(map[string]any)
					if !ok || len(terms) == 0 {
						t.Errorf("terms = %#v, want a map of schemes", it["terms"])
					} else if _, ok := terms["level"].([]any); !ok {
						t.Errorf("terms.level = %#v, want a list", terms["level"])
					}
				}
			},
		},
		{
			name: "limit not a number", url: "/api/v1/missions/gipuzkoa/projects?limit=abc", wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "limit"),
		},
		{
			name: "negative offset", url: "/api/v1/missions/gipuzkoa/projects?offset=-1", wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "offset"),
		},
		{
			name: "limit clamped to 500", url: "/api/v1/missions/gipuzkoa/projects?status=any&limit=100000", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				l := decode[list[project]](t, body)
				if l.Limit != 500 || len(l.Items) != csvRows {
					t.Errorf("limit = %d with %d items, want 500 with %d", l.Limit, len(l.Items), csvRows)
				}
			},
		},
		{
			name: "unknown status", url: "/api/v1/missions/gipuzkoa/projects?status=bogus", wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "bogus"),
		},
		{
			name: "malformed date", url: "/api/v1/missions/gipuzkoa/projects?from=yesterday", wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "from"),
		},
		{
			name: "projects of an unknown mission", url: "/api/v1/missions/nope/projects", wantStatus: 404,
			check: wantAPIError(portfolio.ENOTFOUND),
		},
		{
			name: "organisations", url: "/api/v1/missions/gipuzkoa/organisations?limit=3", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				l := decode[list[portfolio.Organisation]](t, body)
				if len(l.Items) != 3 || l.Total <= 3 {
					t.Errorf("%d items of %d, want 3 of more", len(l.Items), l.Total)
				}
				for _, o := range l.Items {
					if o.Name == "" {
						t.Errorf("organisation without a name: %+v", o)
					}
				}
			},
		},
		{
			name: "signals", url: "/api/v1/missions/gipuzkoa/signals?limit=3", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				l := decode[list[signal]](t, body)
				if len(l.Items) != 3 || l.Total <= 3 {
					t.Errorf("%d items of %d, want 3 of more", len(l.Items), l.Total)
				}
				for _, s := range l.Items {
					if s.ExtRef == "" || s.Headline == "" {
						t.Errorf("signal without ext_ref or headline: %+v", s)
					}
				}
			},
		},
		{
			name: "coverage pillar × level", url: "/api/v1/missions/gipuzkoa/coverage?a=pillar&b=level", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				cells := cellsOf(t, body)
				if len(cells) != 15 {
					t.Fatalf("%d cells, want 15 (3 pillars × 5 levels)", len(cells))
				}
				seen := map[[2]string]bool{}
				sum := 0.0
				for _, c := range cells {
					seen[[2]string{c.A, c.B}] = true
					sum += c.NFrac
					if c.NFrac > float64(c.NFull)+1e-9 {
						t.Errorf("%s × %s: n_frac %v > n_full %d", c.A, c.B, c.NFrac, c.NFull)
					}
					if c.A == "adaptation" && c.B == "regulation" && c.NFull != 0 {
						t.Errorf("adaptation × regulation: n_full = %d, want 0", c.NFull)
					}
				}
				if len(seen) != 15 {
					t.Errorf("%d distinct cells, want 15", len(seen))
				}
				if want := inScopeTaggedBoth(t, app, "pillar", "level"); math.Abs(sum-float64(want)) > 1e-6 {
					t.Errorf("sum of n_frac = %v, want %d (in-scope projects with a pillar and a level)", sum, want)
				}
			},
		},
		{
			name: "coverage defaults to pillar × level", url: "/api/v1/missions/gipuzkoa/coverage", wantStatus: 200,
			wantContains: []string{`"a":"pillar"`, `"b":"level"`},
		},
		{
			name: "coverage with an unknown scheme", url: "/api/v1/missions/gipuzkoa/coverage?a=pillar&b=nope", wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, `"nope"`),
		},
		{
			name: "coverage filtered to community", url: "/api/v1/missions/gipuzkoa/coverage?level=community", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				cells := cellsOf(t, body)
				if len(cells) != 15 {
					t.Errorf("%d cells, want 15: empty cells stay in the matrix", len(cells))
				}
				community := 0.0
				for _, c := range cells {
					if c.B != "community" && (c.NFull != 0 || c.NFrac != 0 || c.BudgetFrac != 0) {
						t.Errorf("%s × %s = %+v outside the filter, want zeros", c.A, c.B, c)
					}
					if c.B == "community" {
						community += c.NFrac
					}
				}
				if community == 0 {
					t.Error("the community column is empty")
				}
			},
		},
		{
			name: "coverage with an unknown status", url: "/api/v1/missions/gipuzkoa/coverage?status=bogus", wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "bogus"),
		},
		{
			name: "unknown API route", url: "/api/v1/nope", wantStatus: 404,
			wantHeaders: map[string]string{"Content-Type": "application/json"},
			check:       wantAPIError(portfolio.ENOTFOUND),
		},
		{
			name: "API route with the wrong method", method: http.MethodDelete, url: "/api/v1/missions/gipuzkoa", wantStatus: 404,
			wantHeaders: map[string]string{"Content-Type": "application/json"},
			check:       wantAPIError(portfolio.ENOTFOUND),
		},
	})
}

func TestDemoPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	inScope := decode[list[project]](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects?"+demoInScope+"&limit=1")).Total
	community := decode[list[project]](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects?level=community&limit=1")).Total
	if community == 0 || community >= int64(demoProjectRows(t)) {
		t.Fatalf("community projects = %d: the filter tests need some but not all", community)
	}
	html := map[string]string{"Content-Type": "text/html; charset=utf-8"}
	runScenarios(t, app, []scenario{
		{
			name: "home redirects to the first mission", url: "/", wantStatus: 302,
			wantHeaders: map[string]string{"Location": "/m/gipuzkoa"},
		},
		{
			name: "home keeps the query", url: "/?lang=es", wantStatus: 302,
			wantHeaders: map[string]string{"Location": "/m/gipuzkoa?lang=es"},
		},
		{
			name: "overview", url: "/m/gipuzkoa", wantStatus: 200, wantHeaders: html,
			wantContains: []string{`<html lang="en">`, "Mission overview", `<script type="application/json"`,
				`class="kpi"`, `<span class="kpi-value">` + fmt.Sprint(inScope) + `</span>`},
			check: checkOverview,
		},
		{
			name: "overview in Spanish", url: "/m/gipuzkoa?lang=es", wantStatus: 200, wantHeaders: html,
			wantContains:    []string{`<html lang="es">`, "Proyectos", "Visión general de la misión"},
			wantNotContains: []string{"Mission overview"},
			check:           checkOverview,
		},
		{
			name: "overview in Basque", url: "/m/gipuzkoa?lang=eu", wantStatus: 200, wantHeaders: html,
			wantContains:    []string{`<html lang="eu">`, "Proiektuak", "Misioaren ikuspegi orokorra"},
			wantNotContains: []string{"Mission overview"},
		},
		{
			name: "Accept-Language picks Spanish", url: "/m/gipuzkoa", wantStatus: 200,
			headers:      map[string]string{"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"},
			wantContains: []string{`<html lang="es">`, "Proyectos"},
		},
		{
			name: "?lang wins over Accept-Language", url: "/m/gipuzkoa?lang=eu", wantStatus: 200,
			headers:      map[string]string{"Accept-Language": "es"},
			wantContains: []string{`<html lang="eu">`},
		},
		{
			name: "unsupported ?lang falls back", url: "/m/gipuzkoa?lang=fr", wantStatus: 200,
			wantContains: []string{`<html lang="en">`},
		},
		{
			name: "overview filtered keeps the filter", url: "/m/gipuzkoa?level=community", wantStatus: 200,
			wantContains: []string{`<option value="community" selected>`, `/m/gipuzkoa/projects?lang=en&amp;level=community`},
		},
		{
			name: "overview with an unknown status", url: "/m/gipuzkoa?status=bogus", wantStatus: 400, wantHeaders: html,
			wantContains: []string{"bogus"}, wantNotContains: []string{`{"error"`},
		},
		{
			name: "balance dashboard", url: "/m/gipuzkoa/d/balance", wantStatus: 200, wantHeaders: html,
			wantContains: []string{"Balance", `id="panel-levers_by_level"`},
			check: func(t *testing.T, body []byte) {
				if got := bytes.Count(body, []byte(`<figure class="panel"`)); got != 7 {
					t.Errorf("%d panels, want 7 (two radars and five shares and coverage charts)", got)
				}
				if bytes.Contains(body, []byte(`class="error"`)) {
					t.Error("a panel failed to render")
				}
				checkScriptsAndHosts(t, body)
			},
		},
		{
			name: "unknown dashboard is an HTML 404", url: "/m/gipuzkoa/d/nope", wantStatus: 404, wantHeaders: html,
			wantContains: []string{"<!doctype html>", "Something went wrong", "nope"}, wantNotContains: []string{`{"error"`},
		},
		{
			name: "unknown mission page", url: "/m/nope", wantStatus: 404, wantHeaders: html,
			wantContains: []string{"Something went wrong"},
		},
		{
			name: "unknown page", url: "/nope", wantStatus: 404, wantHeaders: html,
		},
		{
			name: "projects in scope by default, said in words", url: "/m/gipuzkoa/projects", wantStatus: 200, wantHeaders: html,
			wantContains: []string{fmt.Sprintf("%d projects, planned and active, no other filter", inScope),
				`<option value="">In progress: planned and active</option>`},
		},
		{
			name: "projects first page", url: "/m/gipuzkoa/projects?status=any", wantStatus: 200, wantHeaders: html,
			wantContains: []string{
				fmt.Sprintf("%d projects, any status", demoProjectRows(t)),
				`href="/m/gipuzkoa/projects?lang=en&amp;limit=50&amp;offset=50&amp;status=any" rel="next"`,
			},
			wantNotContains: []string{`rel="prev"`},
			check: func(t *testing.T, body []byte) {
				if got := len(projectRow.FindAll(body, -1)); got != 50 {
					t.Errorf("%d rows, want 50", got)
				}
				checkScriptsAndHosts(t, body)
			},
		},
		{
			name: "projects middle page", url: "/m/gipuzkoa/projects?offset=50&limit=50&status=any", wantStatus: 200,
			wantContains: []string{
				`href="/m/gipuzkoa/projects?lang=en&amp;limit=50&amp;offset=0&amp;status=any" rel="prev"`,
				`href="/m/gipuzkoa/projects?lang=en&amp;limit=50&amp;offset=100&amp;status=any" rel="next"`,
				"<td>PRJ-0051</td>",
			},
		},
		{
			name: "projects last page", url: "/m/gipuzkoa/projects?offset=300&limit=50&status=any", wantStatus: 200,
			wantContains: []string{`rel="prev"`}, wantNotContains: []string{`rel="next"`},
		},
		{
			name: "projects pager keeps the filters", url: "/m/gipuzkoa/projects?level=community&limit=10&lang=es", wantStatus: 200,
			wantContains: []string{`href="/m/gipuzkoa/projects?lang=es&amp;level=community&amp;limit=10&amp;offset=10" rel="next"`},
		},
		{
			name: "projects at community level", url: "/m/gipuzkoa/projects?level=community&limit=500", wantStatus: 200,
			wantContains: []string{fmt.Sprintf("%d projects", community)},
			check: func(t *testing.T, body []byte) {
				checkRowsAtLevel("Community action")(t, body)
				if got := len(projectRow.FindAll(body, -1)); int64(got) != community {
					t.Errorf("%d rows, want %d", got, community)
				}
			},
		},
		{
			name: "projects with a bad limit", url: "/m/gipuzkoa/projects?limit=abc", wantStatus: 400, wantHeaders: html,
			wantContains: []string{"limit"},
		},
		{
			name: "projects of an unknown mission", url: "/m/nope/projects", wantStatus: 404, wantHeaders: html,
		},
		{
			name: "static files are served", url: "/static/begira.js", wantStatus: 200,
			wantHeaders: map[string]string{"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600"},
		},
	})
}

// TestPageAssetsExist fetches every same-origin file the pages link to: a
// page that references no other host must still find all it needs.
func TestPageAssetsExist(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	asset := regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)
	seen := map[string]bool{}
	for _, page := range []string{"/m/gipuzkoa", "/m/gipuzkoa/projects"} {
		for _, m := range asset.FindAllSubmatch(mustGet(t, app, page), -1) {
			seen[string(m[1])] = true
		}
	}
	for _, want := range []string{`^/static/begira\.[0-9a-f]{12}\.css$`, `^/static/begira\.[0-9a-f]{12}\.js$`,
		`^/static/vendor/echarts/echarts\.min\.[0-9a-f]{12}\.js$`} {
		found := false
		for path := range seen {
			found = found || regexp.MustCompile(want).MatchString(path)
		}
		if !found {
			t.Errorf("pages link no asset matching %s (content-hashed names)", want)
		}
	}
	for path := range seen {
		if body := mustGet(t, app, path); len(body) == 0 {
			t.Errorf("%s is empty", path)
		}
	}
}

// TestDemoHasNoHostileStrings keeps the demo that visitors and committees
// see free of security fixtures: no project title, summary or organisation
// carries markup (the security tests bring their own hostile strings).
func TestDemoHasNoHostileStrings(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	seen := 0
	for offset := 0; ; offset += 100 {
		l := decode[list[project]](t, mustGet(t, app, fmt.Sprintf("/api/v1/missions/gipuzkoa/projects?status=any&limit=100&offset=%d", offset)))
		for _, p := range l.Items {
			if strings.ContainsAny(p.Title, "<>\"'`") || strings.Contains(strings.ToLower(p.Title), "script") {
				t.Errorf("demo project %s is titled %q: hostile strings belong in the tests' fixtures", p.ExtRef, p.Title)
			}
		}
		seen += len(l.Items)
		if len(l.Items) == 0 || int64(seen) >= l.Total {
			break
		}
	}
	if seen < 300 {
		t.Fatalf("read %d demo projects, want the whole demo (340)", seen)
	}
}

// TestDemoXSS gives demo project PRJ-0013 a script break-out for a title,
// through the test's own import (the demo visitors see carries no hostile
// strings), and follows it through every page that shows titles.
func TestDemoXSS(t *testing.T) {
	t.Parallel()
	app, st := newSnapshotApp(t)
	mustImportMode(t, st, demo.Slug, ingest.KindProjects, ingest.ModeUpsert,
		"ext_ref,title,pillars,level,stage,status,lead_org,budget_total_eur\n"+
			"PRJ-0013,\""+xssTitle+"\",adaptation,public_service,explore,planned,Beasaingo Udala,1421100\n")
	runScenarios(t, app, []scenario{
		{
			name: "overview escapes it in HTML and in JSON", url: "/m/gipuzkoa", wantStatus: 200,
			wantContains:    []string{xssTitleHTML, xssTitleJSON},
			wantNotContains: []string{xssTitle, "<script>alert"},
			check:           checkScriptsAndHosts,
		},
		{
			name: "projects page escapes it", url: "/m/gipuzkoa/projects?limit=500", wantStatus: 200,
			wantContains:    []string{"<td>PRJ-0013</td>", xssTitleHTML},
			wantNotContains: []string{xssTitle, "<script>alert"},
			check:           checkScriptsAndHosts,
		},
		{
			name: "JSON API escapes it", url: "/api/v1/missions/gipuzkoa/projects?status=any&offset=12&limit=1", wantStatus: 200,
			wantNotContains: []string{xssTitle},
			check: func(t *testing.T, body []byte) {
				l := decode[list[project]](t, body)
				if len(l.Items) != 1 || l.Items[0].ExtRef != "PRJ-0013" || l.Items[0].Title != xssTitle {
					t.Errorf("items = %+v, want PRJ-0013 with its title intact", l.Items)
				}
			},
		},
	})
}

// parseCSV strips an optional BOM and reads the records.
func parseCSV(t *testing.T, body []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v; body: %.300s", err, body)
	}
	return recs
}

func checkCoverageCSV(comma rune, number *regexp.Regexp) func(t *testing.T, body []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		recs := parseCSV(t, body, comma)
		if len(recs) != 16 {
			t.Fatalf("%d records, want a header and 15 rows", len(recs))
		}
		for _, r := range recs[1:] {
			// Pillar and level each as a label then a code, then the figures.
			if len(r) != 7 {
				t.Fatalf("row %v has %d fields, want 7", r, len(r))
			}
			for _, v := range r[5:] {
				if !number.MatchString(v) {
					t.Errorf("number %q in row %v, want it to match %s", v, r, number)
				}
			}
		}
	}
}

func TestPanelCSV(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	runScenarios(t, app, []scenario{
		{
			name: "coverage in English", url: "/m/gipuzkoa/d/overview/csv/coverage", wantStatus: 200,
			wantHeaders: map[string]string{
				"Content-Type":        "text/csv; charset=utf-8",
				"Content-Disposition": `attachment; filename="gipuzkoa-overview-coverage.csv"`,
			},
			wantContains: []string{"Pillar,Pillar (code),Level of action,Level of action (code),", ",adaptation,", ",regulation,0,0.0000,0.00"},
			check: func(t *testing.T, body []byte) {
				if bytes.HasPrefix(body, []byte("\ufeff")) {
					t.Error("English CSV starts with a BOM")
				}
				checkCoverageCSV(',', regexp.MustCompile(`^\d+\.\d+$`))(t, body)
			},
		},
		{
			name: "coverage in Spanish", url: "/m/gipuzkoa/d/overview/csv/coverage?lang=es", wantStatus: 200,
			wantContains: []string{"Eje;Eje (código);Nivel de acción;Nivel de acción (código);", "Adaptación social y climática;adaptation;", ";regulation;0;0,0000;0,00"},
			check: func(t *testing.T, body []byte) {
				if !bytes.HasPrefix(body, []byte("\ufeff")) {
					t.Error("Spanish CSV does not start with a UTF-8 BOM")
				}
				checkCoverageCSV(';', regexp.MustCompile(`^\d+,\d+$`))(t, body)
			},
		},
		{
			name: "coverage honours the filters", url: "/m/gipuzkoa/d/overview/csv/coverage?level=community", wantStatus: 200,
			// Cells the filter leaves out carry no figure (not a zero, not a gap).
			wantContains:    []string{",startup,,,", ",community,"},
			wantNotContains: []string{",startup,0"},
		},
		{
			name: "a panel of another dashboard", url: "/m/gipuzkoa/d/balance/csv/levers", wantStatus: 200,
			wantHeaders: map[string]string{"Content-Disposition": `attachment; filename="gipuzkoa-balance-levers.csv"`},
		},
		{
			name: "unknown panel", url: "/m/gipuzkoa/d/overview/csv/nope", wantStatus: 404,
			wantContains: []string{"nope"},
		},
		{
			name: "unknown dashboard", url: "/m/gipuzkoa/d/nope/csv/coverage", wantStatus: 404,
		},
		{
			name: "unknown mission", url: "/m/nope/d/overview/csv/coverage", wantStatus: 404,
		},
	})
}

// TestPanelCSVNeutralisesFormulas exports cells and headers a spreadsheet
// would run as formulas: a project title and scheme labels.
func TestPanelCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	app, st := newFreshApp(t, web.Options{})
	runScenarios(t, app, []scenario{{
		name: "apply the mission", method: http.MethodPut, url: "/api/v1/missions/formula",
		body: mustReadTestdata(t, "mission_formula.yaml"), wantStatus: 201,
	}})
	mustImport(t, st, "formula", ingest.KindProjects, "projects.csv", mustReadTestdata(t, "projects_formula.csv"))
	runScenarios(t, app, []scenario{
		{
			name: "project titles", url: "/m/formula/d/overview/csv/portfolio", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				recs := parseCSV(t, body, ',')
				if len(recs) != 3 {
					t.Fatalf("%d records, want a header and 2 rows: %q", len(recs), recs)
				}
				for _, r := range recs {
					for _, v := range r {
						if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
							t.Errorf("cell %q starts a formula", v)
						}
					}
				}
				if got := recs[1][5]; got != "'=1+1" { // after two terms, each a label and a code, and the reference
					t.Errorf("title cell = %q, want '=1+1", got)
				}
				if got := recs[0][0]; got != `'=HYPERLINK("x")` {
					t.Errorf("header cell = %q, want '=HYPERLINK(\"x\")", got)
				}
			},
		},
		{
			name: "headers of a coverage panel", url: "/m/formula/d/overview/csv/coverage?lang=es", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				recs := parseCSV(t, body, ';')
				if got := []string{recs[0][0], recs[0][2]}; got[0] != `'=HYPERLINK("x")` || got[1] != "'@level" {
					t.Errorf("header = %q, want both labels neutralised", got)
				}
			},
		},
	})
}

func TestPutMission(t *testing.T) {
	t.Parallel()
	app, st := newFreshApp(t, web.Options{BodyLimit: 1024})
	tiny := mustReadTestdata(t, "mission_tiny.yaml")
	if len(tiny) > 1024 {
		t.Fatalf("mission_tiny.yaml is %d bytes, over the 1024-byte limit of this test", len(tiny))
	}
	checkTiny := func(t *testing.T, body []byte) {
		m := decode[portfolio.Mission](t, body)
		if m.Slug != "tiny" || m.Scheme("pillar") == nil || m.Scheme("level") == nil {
			t.Errorf("mission = %+v, want tiny with pillar and level", m)
		}
	}
	runScenarios(t, app, []scenario{
		{
			name: "empty store: home invites to apply a mission", url: "/", wantStatus: 200,
			wantContains: []string{"No mission yet"},
		},
		{
			name: "create", method: http.MethodPut, url: "/api/v1/missions/tiny", body: tiny, wantStatus: 201,
			headers: map[string]string{"Content-Type": "application/yaml"}, check: checkTiny,
		},
		{
			name: "the same again updates", method: http.MethodPut, url: "/api/v1/missions/tiny", body: tiny, wantStatus: 200,
			check: checkTiny,
		},
		{
			name: "JSON is YAML too", method: http.MethodPut, url: "/api/v1/missions/tiny", wantStatus: 200,
			body: `{"slug":"tiny","title":{"en":"Tiny, renamed"},"schemes":[
				{"code":"pillar","label":{"en":"Pillar"},"cardinality":"multi","terms":[{"code":"green","label":{"en":"Green"}},{"code":"social","label":{"en":"Social"}}]},
				{"code":"level","label":{"en":"Level"},"ordered":true,"terms":[{"code":"local","label":{"en":"Local"}},{"code":"regional","label":{"en":"Regional"}}]}]}`,
			wantContains: []string{"Tiny, renamed"},
		},
		{
			name: "slug mismatch", method: http.MethodPut, url: "/api/v1/missions/other", body: tiny, wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "tiny", "other"),
		},
		{
			name: "invalid YAML", method: http.MethodPut, url: "/api/v1/missions/tiny", body: "slug: [tiny\ntitle: {", wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "mission document"),
		},
		{
			name: "unknown key", method: http.MethodPut, url: "/api/v1/missions/tiny", wantStatus: 400,
			body:  strings.Replace(tiny, "cardinality: multi", "cardinalty: multi", 1),
			check: wantAPIError(portfolio.EINVALID, "cardinalty"),
		},
		{
			name: "invalid mission", method: http.MethodPut, url: "/api/v1/missions/tiny", wantStatus: 400,
			body:  strings.Replace(tiny, "cardinality: multi", "cardinality: many", 1),
			check: wantAPIError(portfolio.EINVALID, "cardinality"),
		},
		{
			name: "empty body", method: http.MethodPut, url: "/api/v1/missions/tiny", wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID),
		},
		{
			name: "body over the limit", method: http.MethodPut, url: "/api/v1/missions/tiny", wantStatus: 413, overNetwork: true,
			body:        tiny + "# " + strings.Repeat("x", 1024) + "\n",
			wantHeaders: map[string]string{"Content-Type": "application/json"},
			check:       wantAPIError(portfolio.ETOOLARGE),
		},
		{
			name: "the mission is still there", url: "/api/v1/missions/tiny", wantStatus: 200,
			wantContains: []string{`"social"`},
		},
	})

	mustImport(t, st, "tiny", ingest.KindProjects, "projects.csv", mustReadTestdata(t, "projects_tiny.csv"))
	removed := mustReadTestdata(t, "mission_tiny_social_removed.yaml")
	runScenarios(t, app, []scenario{
		{
			name: "removing a used term conflicts", method: http.MethodPut, url: "/api/v1/missions/tiny", body: removed,
			wantStatus: 409,
			check: func(t *testing.T, body []byte) {
				wantAPIError(portfolio.ECONFLICT, `"social"`, `"pillar"`)(t, body)
				if e := decode[apiError](t, body); len(e.Error.Details) != 1 {
					t.Errorf("details = %q, want one problem", e.Error.Details)
				}
			},
		},
		{
			name: "the term survives the refusal", url: "/api/v1/missions/tiny", wantStatus: 200,
			wantContains: []string{`"social"`},
		},
		{
			name: "projects keep their tags", url: "/api/v1/missions/tiny/projects", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				l := decode[list[project]](t, body)
				if l.Total != 2 {
					t.Fatalf("total = %d, want 2", l.Total)
				}
				if got := l.Items[1].Terms["pillar"]; len(got) != 2 {
					t.Errorf("T-2 pillars = %q, want green and social", got)
				}
			},
		},
		{
			name: "coverage of the new mission", url: "/api/v1/missions/tiny/coverage", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				if got := len(cellsOf(t, body)); got != 4 {
					t.Errorf("%d cells, want 4 (2 pillars × 2 levels)", got)
				}
			},
		},
		{
			name: "home now redirects to it", url: "/", wantStatus: 302,
			wantHeaders: map[string]string{"Location": "/m/tiny"},
		},
	})
}

// failingStore is the real store with chosen methods failing the way a
// broken database would, with internals in the message.
type failingStore struct {
	*store.Store
	err error
}

func (f failingStore) Missions(context.Context) ([]portfolio.MissionSummary, error) {
	return nil, f.err
}

func (f failingStore) Ping(context.Context) error { return f.err }

func TestInternalErrorsDoNotLeak(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	secret := errors.New(`duckdb: IO Error: cannot open /srv/secret/begira.duckdb`)
	app := web.New(testDeps(failingStore{Store: st, err: fmt.Errorf("store: missions: %w", secret)}, st, log), web.Options{})
	runScenarios(t, app, []scenario{
		{
			name: "API", url: "/api/v1/missions", wantStatus: 500,
			wantNotContains: []string{"secret", "duckdb"},
			check: func(t *testing.T, body []byte) {
				want := `{"error":{"code":"EINTERNAL","message":"Internal error."}}`
				if got := string(bytes.TrimSpace(body)); got != want {
					t.Errorf("body = %s, want %s", got, want)
				}
			},
		},
		{
			name: "page", url: "/", wantStatus: 500,
			wantHeaders:  map[string]string{"Content-Type": "text/html; charset=utf-8"},
			wantContains: []string{"Internal error."}, wantNotContains: []string{"secret", "duckdb"},
		},
		{
			name: "readyz", url: "/readyz", wantStatus: 503,
			wantContains: []string{`"status":"unavailable"`}, wantNotContains: []string{"secret", "duckdb"},
		},
	})
	if !strings.Contains(logs.String(), "/srv/secret/begira.duckdb") {
		t.Errorf("the log does not carry the cause; log:\n%s", logs.String())
	}
}

// TestFixturesParse guards the fixtures: every mission document in testdata
// must apply to an empty store, so that a failing test points at the code.
func TestFixturesParse(t *testing.T) {
	t.Parallel()
	entries, err := fs.Glob(os.DirFS("testdata"), "mission_*.yaml")
	if err != nil || len(entries) == 0 {
		t.Fatalf("no mission fixture: %v", err)
	}
	for _, name := range entries {
		t.Run(name, func(t *testing.T) {
			app, _ := newFreshApp(t, web.Options{})
			doc := mustReadTestdata(t, name)
			slug := regexp.MustCompile(`(?m)^slug: (\S+)$`).FindStringSubmatch(doc)
			if slug == nil {
				t.Fatal("no slug line")
			}
			scenario{method: http.MethodPut, url: "/api/v1/missions/" + slug[1], body: doc, wantStatus: 201}.run(t, app)
		})
	}
}

// testAdminToken is an API token of the instance administrator that
// testDeps stores in every test database: requests carry it unless a test
// is about who may do what.
const testAdminToken = "bgr_test-administrator-token-for-web-tests"

// testDeps wires the web layer over a real store, as cmd/begira does.
func testDeps(ws web.Store, st *store.Store, log *slog.Logger) web.Deps {
	ctx := portfolio.WithActor(context.Background(), "test")
	if _, err := st.TokenByHash(ctx, auth.Hash(testAdminToken)); err != nil {
		if err := st.CreateToken(ctx, &portfolio.Token{Name: "tests", Role: "admin", Mission: auth.All}, auth.Hash(testAdminToken)); err != nil {
			panic(err)
		}
	}
	ing := ingest.New(st, time.Now)
	en := metrics.NewEngine(st, time.Now, log)
	ing.OnCommitted(en.Invalidate)
	return web.Deps{Store: ws, Imports: ing, Metrics: en, Dashboards: dashboard.Load(dashboards.Defaults, "", log), Log: log, Access: st,
		Snapshots: snapshot.New(st, time.Now)}
}

// TestFixedValuesAreTranslated: statuses and source types read in the
// page's language; the API keeps the codes.
func TestFixedValuesAreTranslated(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	runScenarios(t, app, []scenario{
		{name: "projects es", url: "/m/gipuzkoa/projects?lang=es&status=active", wantStatus: 200,
			wantContains: []string{"<td>activo</td>", `<option value="paused">en pausa</option>`}, wantNotContains: []string{"<td>active</td>"}},
		{name: "signals eu", url: "/m/gipuzkoa/signals?lang=eu", wantStatus: 200, wantContains: []string{"<td>onartua</td>"}},
		{name: "api keeps codes", url: "/api/v1/missions/gipuzkoa/projects?status=active&limit=1", wantStatus: 200,
			wantContains: []string{`"status":"active"`}},
	})
}
