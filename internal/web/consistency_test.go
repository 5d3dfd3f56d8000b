package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/gen"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// The consistency walk: every number a dashboard shows opens the list of
// its rows, and that list adds up to the same number. It reads the pages as
// a browser gets them (the KPI cards' links and the panels' drill data) and
// asks the list API what each list adds up to.

var (
	kpiCard    = regexp.MustCompile(`<a class="kpi" data-kpi="([^"]+)" data-value="([^"]*)" data-measure="([^"]*)" href="([^"]+)"`)
	panelDrill = regexp.MustCompile(`(?s)<div class="chart[^"]*" id="chart-([^"]+)"[^>]*data-drill="drill-[^"]+" data-projects="([^"]*)" data-signals="([^"]*)"[^>]*></div>.*?<script type="application/json" id="drill-[^"]+">(.*?)</script>`)
)

// listFigures is what a list answers: its total and the sums of ListTotals.
type listFigures struct {
	Total      float64 `json:"total"`
	Budget     float64 `json:"budget_total_eur"`
	NFrac      float64 `json:"n_frac"`
	BudgetFrac float64 `json:"budget_frac_eur"`
}

// listFigure follows a page link (/m/{slug}/{list}?…) through the list API
// and returns the figure the measure names.
func listFigure(t *testing.T, app *fiber.App, link, measure string) float64 {
	t.Helper()
	u, err := url.Parse(html.UnescapeString(link))
	if err != nil {
		t.Fatalf("link %q: %v", link, err)
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/m/"), "/")
	if len(parts) != 2 {
		t.Fatalf("link %q is not a list of a mission", link)
	}
	q := u.Query()
	q.Set("limit", "1")
	q.Del("lang")
	api := fmt.Sprintf("/api/v1/missions/%s/%s?%s", parts[0], parts[1], q.Encode())
	f := askList(t, app, api)
	switch measure {
	case dashboard.MeasureCount, dashboard.MeasureSignals:
		return f.Total
	case dashboard.MeasureBudget:
		return f.Budget
	case dashboard.MeasureNFrac:
		return f.NFrac
	case dashboard.MeasureBudgetFrac:
		return f.BudgetFrac
	}
	t.Fatalf("link %q: unknown measure %q", link, measure)
	return 0
}

// lists holds what each list answered, by app and API address. A walk
// meets the same list from many figures (every dashboard's cards of a
// filter open the same lists; a bar and a card often open one list): each
// distinct list is asked once, and every figure that opens it is still
// compared with its answer. The apps the walks share are read-only.
var lists sync.Map // listKey → listFigures

type listKey struct {
	app *fiber.App
	url string
}

func askList(t *testing.T, app *fiber.App, api string) listFigures {
	t.Helper()
	k := listKey{app, api}
	if f, ok := lists.Load(k); ok {
		return f.(listFigures)
	}
	f := decode[listFigures](t, mustGet(t, app, api))
	lists.Store(k, f)
	return f
}

// walkPages checks every dashboard of dashes as of each of asOfs in each
// filter state, in parallel subtests (the group returns when all are
// done: the walks are most of the package's time), and returns how many
// figures it compared.
func walkPages(t *testing.T, app *fiber.App, asOfs, filters, dashes []string) int64 {
	t.Helper()
	var total atomic.Int64
	t.Run("pages", func(t *testing.T) {
		for _, asOf := range asOfs {
			for _, f := range filters {
				for _, d := range dashes {
					page := "/m/gipuzkoa/d/" + d + "?" + strings.Trim(asOf+"&"+f, "&")
					t.Run(page, func(t *testing.T) {
						t.Parallel()
						total.Add(int64(checkPageAgrees(t, app, page)))
					})
				}
			}
		}
	})
	return total.Load()
}

func sameFigure(a, b float64) bool {
	return math.Abs(a-b) <= 1e-6*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// checkPageAgrees walks one dashboard page: every KPI card and every mark
// of every panel. It returns how many figures it compared.
func checkPageAgrees(t *testing.T, app *fiber.App, page string) int {
	t.Helper()
	body := string(mustGet(t, app, page))
	compared := 0
	cards := kpiCard.FindAllStringSubmatch(body, -1)
	if len(cards) == 0 {
		t.Fatalf("%s: no KPI card", page)
	}
	marks := map[string]dashboard.Drill{}
	for _, m := range panelDrill.FindAllStringSubmatch(body, -1) {
		var d dashboard.Drill
		if err := json.Unmarshal([]byte(m[4]), &d); err != nil {
			t.Fatalf("%s: drill of %s: %v", page, m[1], err)
		}
		marks[m[1]] = d
		base := html.UnescapeString(m[2])
		switch d.Target {
		case "signals":
			base = html.UnescapeString(m[3])
		case "links":
			base = strings.Replace(base, "/projects?", "/links?", 1)
		}
		pages := 0
		for key, mk := range d.Marks {
			u, _ := url.Parse(base)
			q := u.Query()
			for k, v := range mk.Query {
				q.Set(k, v)
			}
			link := u.Path + "?" + q.Encode()
			if mk.Path != "" {
				// A page of its own: a project's or an organisation's,
				// which must exist in the page's scope (as of its
				// snapshot). A few per panel: there is one per node.
				if pages++; pages > 5 {
					continue
				}
				u, _ := url.Parse(base)
				api := fmt.Sprintf("/api/v1/missions/gipuzkoa/%s?%s", mk.Path, u.Query().Encode())
				mustGet(t, app, api)
				compared++
				continue
			}
			if mk.Measure == "" {
				// A figure that is not a sum of rows (a share gap): its
				// list must still open.
				listFigure(t, app, link, dashboard.MeasureCount)
				continue
			}
			if got := listFigure(t, app, link, mk.Measure); !sameFigure(got, mk.Value) {
				t.Errorf("%s: panel %s mark %s shows %v (%s), its list %s adds up to %v", page, m[1], key, mk.Value, mk.Measure, link, got)
			}
			compared++
		}
	}
	for _, c := range cards {
		code, value, measure, link := c[1], c[2], c[3], c[4]
		want, err := strconv.ParseFloat(html.UnescapeString(value), 64)
		if err != nil {
			t.Fatalf("%s: KPI %s value %q: %v", page, code, value, err)
		}
		if strings.HasPrefix(link, "#panel-") {
			// The empty-cells card opens the matrix: it counts the cells
			// inside the filter that hold no project.
			d := marks[strings.TrimPrefix(link, "#panel-")]
			empty := 0
			for _, mk := range d.Marks {
				if mk.Value == 0 {
					empty++
				}
			}
			if float64(empty) != want {
				t.Errorf("%s: KPI %s shows %v, the matrix it opens has %d empty cells inside the filter", page, code, want, empty)
			}
			compared++
			continue
		}
		if got := listFigure(t, app, link, measure); !sameFigure(got, want) {
			t.Errorf("%s: KPI %s shows %v (%s), its list %s adds up to %v", page, code, want, measure, link, got)
		}
		compared++
	}
	return compared
}

// TestEveryNumberAgreesWithItsRows walks every default dashboard of the demo,
// live and as of each of its snapshots, in several filter states.
func TestEveryNumberAgreesWithItsRows(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	dashes := []string{"overview", "balance", "network", "territory", "signals", "health"}
	filters := []string{"", "level=regulation", "status=any&pillar=adaptation", "status=completed",
		"challenge=energy,food&stage=pilot", "lever=governance_policy"}
	n := walkPages(t, app, []string{"", "snapshot=1", "snapshot=2"}, filters, dashes)
	// The walk must have compared figures, not walked past them.
	if n < 1000 {
		t.Errorf("compared %d figures, want over 1,000", n)
	}
	t.Logf("compared %d figures with their lists", n)
}

var (
	kpiText  = regexp.MustCompile(`data-kpi="([a-z_]+)"[^>]*><span class="kpi-label">([^<]*)</span><span class="kpi-value">([^<]*)</span>`)
	packKPIs = regexp.MustCompile(`(?s)<table class="pack-kpis">.*?</table>`)
	packRow  = regexp.MustCompile(`<tr><th scope="row">([^<]*)</th><td class="num">([^<]*)</td>`)
)

// TestPackOverviewAndAPIAgree: for each snapshot, the pack's headline
// figures are the overview's KPI cards as of that snapshot, and the list
// API as of that snapshot adds up to them.
func TestPackOverviewAndAPIAgree(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	for _, id := range []int{1, 2} {
		t.Run(fmt.Sprintf("snapshot %d", id), func(t *testing.T) {
			overview := mustGet(t, app, fmt.Sprintf("/m/gipuzkoa?snapshot=%d", id))
			pack := mustGet(t, app, fmt.Sprintf("/m/gipuzkoa/snapshots/%d/pack", id))
			table := packKPIs.Find(pack)
			if table == nil {
				t.Fatal("pack: no headline table")
			}
			inPack := map[string]string{}
			for _, m := range packRow.FindAllSubmatch(table, -1) {
				inPack[string(m[1])] = string(m[2])
			}
			cards := kpiText.FindAllSubmatch(overview, -1)
			if len(cards) != 5 {
				t.Fatalf("overview: %d KPI cards, want 5", len(cards))
			}
			for _, c := range cards {
				label, value := string(c[2]), string(c[3])
				if got, ok := inPack[label]; !ok || got != value {
					t.Errorf("%s: overview shows %q, pack shows %q", label, value, got)
				}
			}
			api := decode[listFigures](t, mustGet(t, app, fmt.Sprintf("/api/v1/missions/gipuzkoa/projects?snapshot=%d&limit=1", id)))
			if want := inPack["Projects"]; fmt.Sprint(api.Total) != strings.ReplaceAll(want, ",", "") {
				t.Errorf("API as of snapshot %d: %v projects, pack %s", id, api.Total, want)
			}
		})
	}
}

// TestSnapshotViewsReadFrozenRows: the API and pages opened as of a
// snapshot read its frozen rows, and a page no snapshot freezes says so.
func TestSnapshotViewsReadFrozenRows(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	// The coverage API as of snapshot 1 answers what the overview as of
	// snapshot 1 draws, not today's matrix.
	sum := func(url string) (n int64) {
		for _, c := range cellsOf(t, mustGet(t, app, url)) {
			n += c.NFull
		}
		return n
	}
	frozen, live := sum("/api/v1/missions/gipuzkoa/coverage?snapshot=1"), sum("/api/v1/missions/gipuzkoa/coverage")
	body := string(mustGet(t, app, "/m/gipuzkoa?snapshot=1"))
	var drawn float64
	for _, m := range panelDrill.FindAllStringSubmatch(body, -1) {
		if m[1] != "coverage" {
			continue
		}
		var d dashboard.Drill
		if err := json.Unmarshal([]byte(m[4]), &d); err != nil {
			t.Fatal(err)
		}
		for _, mk := range d.Marks {
			drawn += mk.Value
		}
	}
	if float64(frozen) != drawn || frozen == live {
		t.Errorf("coverage as of snapshot 1: API %d, drawn %v, today %d; want the API to match the drawing and differ from today", frozen, drawn, live)
	}

	// A project added in October is not found as of September's snapshot.
	d := decode[struct {
		Added []struct {
			ExtRef string `json:"ext_ref"`
		} `json:"projects_added"`
	}](t, mustGet(t, app, "/api/v1/snapshots/2/diff?against=1"))
	if len(d.Added) == 0 {
		t.Fatal("the demo adds projects between its snapshots")
	}
	runScenarios(t, app, []scenario{
		{name: "later project as of the snapshot", url: "/m/gipuzkoa/projects/" + d.Added[0].ExtRef + "?snapshot=1", wantStatus: 404},
		{name: "later project today", url: "/m/gipuzkoa/projects/" + d.Added[0].ExtRef, wantStatus: 200},
		{name: "the imports page is not frozen", url: "/m/gipuzkoa/imports?snapshot=1", wantStatus: 200,
			wantContains: []string{`class="snapshot-note"`, "snapshot=1"}, wantNotContains: []string{`class="snapshot-banner"`}},
		{name: "the metrics page is", url: "/m/gipuzkoa/metrics?snapshot=1", wantStatus: 200,
			wantContains: []string{`class="snapshot-banner"`, "Frozen as of snapshot 1"}},
		{name: "diff against today", url: "/api/v1/snapshots/2/diff?against=live", wantStatus: 200,
			wantContains: []string{`"to_live":true`}},
		{name: "diff against nonsense", url: "/api/v1/snapshots/2/diff?against=yesterday", wantStatus: 400},
		{name: "diff page picker", url: "/m/gipuzkoa/snapshots/2/diff?against=live", wantStatus: 200,
			wantContains: []string{`<option value="live" selected>`, `<option value="1">`, "Projects that moved stage"}},
		{name: "unknown term refused", url: "/m/gipuzkoa?pillar=nope", wantStatus: 400},
	})
}

// TestEveryNumberAgreesOnAGeneratedPortfolio repeats the walk on a portfolio
// nobody hand-tuned: 1,500 generated projects, 400 organisations and 3,000
// signals, live and as of a snapshot of them.
func TestEveryNumberAgreesOnAGeneratedPortfolio(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("walks every dashboard of a generated portfolio")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := gen.LoadPortfolio(ctx, st, 1500, 400, 3000, 7); err != nil {
		t.Fatal(err)
	}
	// Every generated project has a horizon and a stage; leave some
	// without, so that the untagged bars are walked too.
	for _, scheme := range []string{"horizon", "stage"} {
		if _, err := st.DB().ExecContext(ctx, `DELETE FROM project_term_link WHERE term_id IN (SELECT id FROM term_key WHERE scheme_code = ?) AND project_id % 9 = 0`, scheme); err != nil {
			t.Fatal(err)
		}
	}
	sn, err := snapshot.New(st, time.Now).Take(ctx, "gipuzkoa", "generated", portfolio.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	app := web.New(testDeps(st, st, discardLogger()), web.Options{})
	comarca := firstComarca(t, st)
	for _, asOf := range []string{"", fmt.Sprintf("snapshot=%d", sn.ID)} {
		untagged := false
		for _, mk := range horizonMarks(t, app, "/m/gipuzkoa/d/balance?"+asOf) {
			untagged = untagged || mk.Query["untagged"] == "horizon"
		}
		if !untagged {
			t.Errorf("balance?%s: the untagged horizon bar has no mark", asOf)
		}
	}
	n := walkPages(t, app, []string{"", fmt.Sprintf("snapshot=%d", sn.ID)},
		[]string{"", "status=any&level=community,startup", "pillar=decarbonisation&comarca=" + comarca,
			"untagged=stage&term=horizon:H1,horizon:H3"},
		[]string{"overview", "balance", "network", "territory", "signals"})
	if n < 500 {
		t.Errorf("compared %d figures, want over 500", n)
	}
	t.Logf("compared %d figures with their lists", n)
}

// firstComarca returns the code of a comarca of the stored territory.
func firstComarca(t *testing.T, st *store.Store) string {
	t.Helper()
	var code string
	if err := st.DB().QueryRow(`SELECT min(code) FROM geo_area WHERE level = 'comarca'`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	return code
}

// panelTable finds a panel's table view.
var panelTable = regexp.MustCompile(`(?s)id="panel-([^"]+)".*?<tbody>(.*?)</tbody>`)

// TestEveryBarOpensItsRows: every bar of a shares chart opens the list of
// exactly its projects — the bars of schemes without a filter of their own
// (horizon) and the untagged bar included — and the term and untagged
// filters those lists use are scopes like any other: the walk agrees in
// them too, and the filter form keeps them.
func TestEveryBarOpensItsRows(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	if marks := horizonMarks(t, app, "/m/gipuzkoa/d/balance"); !strings.HasPrefix(marks["0"].Query["term"], "horizon:") {
		t.Errorf("horizon marks %+v: want term=horizon:…", marks)
	}
	total := 0
	for _, f := range []string{"term=horizon:H2", "untagged=horizon", "term=horizon:H1,facet:adaptive&pillar=adaptation", "untagged=pillar&status=any"} {
		for _, d := range []string{"overview", "balance"} {
			page := "/m/gipuzkoa/d/" + d + "?" + f
			t.Run(page, func(t *testing.T) { total += checkPageAgrees(t, app, page) })
		}
	}
	if total < 50 {
		t.Errorf("compared %d figures, want over 50", total)
	}
	runScenarios(t, app, []scenario{
		{name: "term on an own-filter scheme is that filter", url: "/api/v1/missions/gipuzkoa/projects?term=pillar:adaptation&limit=1",
			wantStatus: 200},
		{name: "malformed term", url: "/api/v1/missions/gipuzkoa/projects?term=horizon", wantStatus: 400},
		{name: "unknown term", url: "/api/v1/missions/gipuzkoa/projects?term=horizon:H9", wantStatus: 400},
		{name: "unknown scheme", url: "/api/v1/missions/gipuzkoa/projects?untagged=nope", wantStatus: 400},
		{name: "the form keeps the mark's filter", url: "/m/gipuzkoa/projects?term=horizon:H2&untagged=facet", wantStatus: 200,
			wantContains: []string{`<input type="hidden" name="term" value="horizon:H2">`, `<input type="hidden" name="untagged" value="facet">`,
				"H2 Transition", "no Innovation facet term"}},
	})
	a := decode[listFigures](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects?term=pillar:adaptation&limit=1"))
	b := decode[listFigures](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects?pillar=adaptation&limit=1"))
	if a.Total != b.Total || a.Total == 0 {
		t.Errorf("term=pillar:adaptation lists %v projects, pillar=adaptation %v", a.Total, b.Total)
	}
}

// horizonMarks returns the marks of a page's horizon chart, checking that
// every bar of it has one.
func horizonMarks(t *testing.T, app *fiber.App, page string) map[string]dashboard.Mark {
	t.Helper()
	body := string(mustGet(t, app, page))
	var horizon dashboard.Drill
	for _, m := range panelDrill.FindAllStringSubmatch(body, -1) {
		if strings.Contains(m[1], "horizon") {
			if err := json.Unmarshal([]byte(m[4]), &horizon); err != nil {
				t.Fatal(err)
			}
		}
	}
	bars := 0
	for _, m := range panelTable.FindAllStringSubmatch(body, -1) {
		if strings.Contains(m[1], "horizon") {
			bars = strings.Count(m[2], "<tr")
		}
	}
	if bars == 0 || len(horizon.Marks) != bars {
		t.Fatalf("%s: horizon chart has %d bars and %d marks; want one mark per bar", page, bars, len(horizon.Marks))
	}
	return horizon.Marks
}
