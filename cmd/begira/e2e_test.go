package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/browsertest"
	"github.com/begira/begira/internal/config"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
)

const hostileTitle = `</script><script>alert(1)</script>`

// startDemo starts the real wiring on 127.0.0.1:0 with a temp database and
// the embedded demo, as `begira serve --demo` does. The database is a copy
// of the demo template (see demoDB), which the server finds loaded.
func startDemo(t *testing.T, extra ...string) (*server, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "e2e.duckdb")
	demoDB.CopyTo(t, db)
	return startServeOn(t, db, append([]string{"--demo"}, extra...)...)
}

// startDemoFresh is startDemo on an empty database: the server loads the
// demo itself.
func startDemoFresh(t *testing.T, extra ...string) (*server, string) {
	t.Helper()
	return startServe(t, append([]string{"--demo"}, extra...)...)
}

// startServe starts the real wiring on 127.0.0.1:0 with a temp database, as
// `begira serve` does with the flags given.
func startServe(t *testing.T, extra ...string) (*server, string) {
	t.Helper()
	return startServeOn(t, filepath.Join(t.TempDir(), "e2e.duckdb"), extra...)
}

// startServeOn is startServe with the database file db.
func startServeOn(t *testing.T, db string, extra ...string) (*server, string) {
	t.Helper()
	args := append([]string{"--addr", "127.0.0.1:0", "--db", db}, extra...)
	cfg, err := config.ParseServe(args, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	addr, err := s.start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.shutdown(5 * time.Second) })
	return s, addr
}

// adminClient returns an HTTP client whose requests carry a new API token
// of the instance administrator, created in s's database.
func adminClient(t *testing.T, s *server) *http.Client {
	t.Helper()
	_, secret, err := auth.CreateToken(portfolio.WithActor(context.Background(), "test"), s.store, s.store, "tests", "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: bearer(secret)}
}

// loginInBrowser creates a user with grants in s's database and logs in
// through the login form, as a person would.
func loginInBrowser(t *testing.T, b *browsertest.Browser, s *server, base, name string, grants map[string]string) {
	t.Helper()
	const pw = "correct horse battery staple"
	u := &portfolio.User{Username: name, PasswordHash: auth.HashPassword(pw), Grants: grants}
	if err := s.store.CreateUser(context.Background(), u, false); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw),
		chromedp.Click(chromedp.CSS(`.login-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.viewer .who`)),
	); err != nil {
		t.Fatalf("log in as %s: %v", name, err)
	}
	who, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`.viewer .who`)))
	if err != nil || who != name {
		t.Fatalf("after login the page names %q (%v), want %q", who, err, name)
	}
}

// bearer adds an Authorization header to every request.
type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}

// importHostileTitle retitles demo project PRJ-0013 with hostileTitle
// through the import API (upload, then commit), as an analyst could: the
// demo itself carries no hostile strings.
func importHostileTitle(t *testing.T, s *server, addr string) {
	t.Helper()
	api := adminClient(t, s)
	post := func(path, ctype string, body io.Reader) []byte {
		t.Helper()
		res, err := api.Post("http://"+addr+path, ctype, body)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			t.Fatalf("POST %s: %d %s", path, res.StatusCode, out)
		}
		return out
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("kind", "projects")
	w.WriteField("mode", "upsert")
	fw, _ := w.CreateFormFile("file", "hostile.csv")
	fmt.Fprintf(fw, "ext_ref,title,pillars,level,stage,status,lead_org,budget_total_eur\n"+
		"PRJ-0013,%q,adaptation,public_service,explore,planned,Beasaingo Udala,1421100\n", hostileTitle)
	w.Close()
	var batch struct{ ID int64 }
	if err := json.Unmarshal(post("/api/v1/missions/gipuzkoa/imports", w.FormDataContentType(), &buf), &batch); err != nil || batch.ID < 1 {
		t.Fatalf("import not created: %v", err)
	}
	post(fmt.Sprintf("/api/v1/imports/%d/commit", batch.ID), "", nil)
}

// TestOverviewInBrowser opens the demo overview in headless Chromium and
// checks what a person would: every chart drew, the numbers are the
// database's, nothing was fetched from another host, and a hostile project
// title, imported by the test, is shown as text without running.
func TestOverviewInBrowser(t *testing.T) {
	t.Parallel()
	s, addr := startDemoFresh(t) // the one test whose server loads the demo itself
	importHostileTitle(t, s, addr)
	b := browsertest.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate("http://"+addr+"/m/gipuzkoa")); err != nil {
		t.Fatal(err)
	}
	canvases, err := b.WaitChartsDrawn(30 * time.Second)
	if err != nil {
		t.Fatalf("charts did not draw: %v (canvases: %+v)", err, canvases)
	}
	if len(canvases) != 5 {
		t.Errorf("got %d charts, want 5 (coverage, levels, pipeline, budget, portfolio): %+v", len(canvases), canvases)
	}
	for _, c := range canvases {
		if c.Drawn <= 100 {
			t.Errorf("chart %s: %d drawn pixels sampled, want > 100", c.ID, c.Drawn)
		}
	}

	// The KPI card shows the database's count.
	m, err := s.store.Mission(context.Background(), "gipuzkoa")
	if err != nil {
		t.Fatal(err)
	}
	k, err := s.store.KPIs(context.Background(), m, portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.querySelector('.kpi[data-kpi="projects"] .kpi-value').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if want := i18n.Int("en", k.Projects); shown != want {
		t.Errorf("projects KPI shows %q, want %q", shown, want)
	}

	// The hostile title is text in the sunburst's data table, and no script
	// element was injected: 2 in the head plus 2 JSON scripts per chart.
	asText, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](
		`[...document.querySelectorAll('#panel-portfolio td')].some(td => td.textContent === `+jsString(hostileTitle)+`)`))
	if err != nil {
		t.Fatal(err)
	}
	if !asText {
		t.Errorf("the hostile title is not shown as text in the portfolio table")
	}
	scripts, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`document.querySelectorAll('script').length`))
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 + 2*len(canvases); scripts != want {
		t.Errorf("page has %d script elements, want %d: something was injected", scripts, want)
	}

	// The project list shows it as text too.
	if err := chromedp.Do(b.Ctx, chromedp.Navigate("http://"+addr+"/m/gipuzkoa/projects?status=any&limit=500")); err != nil {
		t.Fatal(err)
	}
	inList, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](
		`[...document.querySelectorAll('td.title')].some(td => td.textContent === `+jsString(hostileTitle)+`)`))
	if err != nil {
		t.Fatal(err)
	}
	if !inList {
		t.Errorf("the hostile title is not listed as text on the projects page")
	}

	if d := b.Dialogs(); len(d) > 0 {
		t.Errorf("a dialog opened (script ran): %q", d)
	}
	if f := b.ForeignRequests(addr); len(f) > 0 {
		t.Errorf("requests left the server's host: %q", f)
	}
	if n := len(b.Requests()); n < 4 {
		t.Errorf("recorded %d requests, want the pages, script, style and echarts: request recording is broken", n)
	}
}

// TestDrillDownInBrowser clicks a bar of "projects per level" and lands on
// the project list filtered to that level.
func TestDrillDownInBrowser(t *testing.T) {
	t.Parallel()
	_, addr := startDemo(t)
	b := browsertest.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate("http://"+addr+"/m/gipuzkoa?lang=es")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitChartsDrawn(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	// ECharts turns a click on a bar into a "click" event with the bar's
	// dataIndex; fire that event for the first bar (Community action) and
	// let the page's handler navigate.
	_, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`(() => {
	  const chart = echarts.getInstanceByDom(document.getElementById('chart-levels'));
	  chart.trigger('click', {componentType: 'series', seriesIndex: 0, dataIndex: 0});
	  return true;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	loc := waitLocation(t, b, "/projects")
	if !strings.Contains(loc, "level=community") || !strings.Contains(loc, "lang=es") {
		t.Errorf("drill-down went to %s, want the project list with level=community and the language kept", loc)
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", `\$`)
	return "`" + r.Replace(s) + "`"
}

// waitLocation waits until the tab has navigated to a path ending in suffix
// and returns its URL. Evaluation fails while the old document unloads, so
// errors are retried until the deadline.
func waitLocation(t *testing.T, b *browsertest.Browser, suffix string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		loc, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.href : ''`))
		if err == nil && strings.Contains(loc, suffix) {
			return loc
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the page did not navigate to …%s", suffix)
	return ""
}

// TestEveryDashboardInBrowser opens every default dashboard and checks that
// each chart drew, nothing was fetched from another host and no panel failed.
// The territory map runs as a choropleth over a GeoJSON given with --geojson.
func TestEveryDashboardInBrowser(t *testing.T) {
	t.Parallel()
	geo := filepath.Join(t.TempDir(), "boundaries.geojson")
	// Two squares with INE codes, as an administrator's file would carry them.
	square := func(code string, x, y float64) string {
		return fmt.Sprintf(`{"type":"Feature","properties":{"ine":"%s"},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
			code, x, y, x+0.1, y, x+0.1, y+0.1, x, y+0.1, x, y)
	}
	if err := os.WriteFile(geo, []byte(`{"type":"FeatureCollection","features":[`+square("20069", -2.0, 43.3)+`,`+square("20045", -2.2, 43.3)+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, addr := startDemo(t, "--geojson", geo, "--geojson-code-property", "ine")
	b := browsertest.New(t)
	for _, d := range s.dashboards() {
		t.Run(d, func(t *testing.T) {
			if err := chromedp.Do(b.Ctx, chromedp.Navigate("http://"+addr+"/m/gipuzkoa/d/"+d)); err != nil {
				t.Fatal(err)
			}
			canvases, err := b.WaitChartsDrawn(30 * time.Second)
			if err != nil {
				t.Fatalf("charts did not draw: %v (%+v)", err, canvases)
			}
			failed, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`document.querySelectorAll('.panel .error').length`))
			if err != nil || failed > 0 {
				t.Errorf("%d panels failed to render (%v)", failed, err)
			}
		})
	}
	// The choropleth fetched the boundaries from this server.
	fetched := false
	for _, r := range b.Requests() {
		fetched = fetched || strings.HasSuffix(r, "/geo/map.json")
	}
	if !fetched {
		t.Error("the territory view did not load the configured GeoJSON")
	}
	if f := b.ForeignRequests(addr); len(f) > 0 {
		t.Errorf("requests left the host: %q", f)
	}
	if d := b.Dialogs(); len(d) > 0 {
		t.Errorf("dialogs opened: %q", d)
	}
}
