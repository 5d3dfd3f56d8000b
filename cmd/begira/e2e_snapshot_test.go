package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
)

// TestSnapshotStaysFrozenInBrowser opens the overview as of the demo's
// October snapshot and clicks through it as a committee member would: a
// heatmap cell, a project, the navigation, a filter and Reset. Every page
// stays as of the snapshot and says so, and no project added after it is
// ever listed.
func TestSnapshotStaysFrozenInBrowser(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t)
	base := "http://" + addr

	// The projects the November snapshot added after October's.
	res, err := adminClient(t, s).Get(base + "/api/v1/snapshots/2/diff?against=1")
	if err != nil {
		t.Fatal(err)
	}
	var diff struct {
		Added []struct {
			ExtRef string `json:"ext_ref"`
		} `json:"projects_added"`
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if err := json.Unmarshal(body, &diff); err != nil || len(diff.Added) == 0 {
		t.Fatalf("diff 2 against 1: %v, %d projects added (the demo adds some in October): %.300s", err, len(diff.Added), body)
	}

	b := browsertest.New(t)
	frozen := func(step string) {
		t.Helper()
		loc, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`location.href`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(loc, "snapshot=1") {
			t.Errorf("%s: left the snapshot, now at %s", step, loc)
		}
		banner, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](
			`(document.querySelector('.snapshot-banner') || {textContent: ''}).textContent`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(banner, "Frozen as of snapshot 1") {
			t.Errorf("%s: banner %q, want it to say the page is frozen as of snapshot 1", step, banner)
		}
		text, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range diff.Added {
			if strings.Contains(text, a.ExtRef) {
				t.Errorf("%s: lists %s, which was added after the snapshot", step, a.ExtRef)
			}
		}
	}

	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa?snapshot=1&lang=en")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitChartsDrawn(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	frozen("overview")

	// A real click on the heatmap cell holding the most projects: the
	// page's own marks say where it is and what it shows.
	type target struct {
		X, Y  float64
		Value float64
	}
	cell, err := chromedp.Run(b.Ctx, chromedp.Evaluate[target](`(() => {
	  const el = document.getElementById('chart-coverage');
	  const marks = JSON.parse(document.getElementById(el.dataset.drill).textContent).marks;
	  let best = null;
	  for (const k in marks) if (!best || marks[k].v > marks[best].v) best = k;
	  const [x, y] = best.split(',').map(Number);
	  const p = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [x, y]);
	  const r = el.getBoundingClientRect();
	  return {X: r.left + p[0], Y: r.top + p[1], Value: marks[best].v};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.MouseClickXY(cell.X, cell.Y)); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "/projects")
	frozen("heatmap cell")
	count, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.querySelector('.count').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%.0f projects,", cell.Value); !strings.HasPrefix(count, want) {
		t.Errorf("the cell shows %v, its list says %q", cell.Value, count)
	}

	// A project of the list: its page as of the snapshot.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`td.title a`))); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "/projects/PRJ-")
	frozen("project")

	// The navigation, a filter and Reset.
	// The dashboards share one menu of the navigation: open it, then go.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`nav[aria-label="main"] details.menu summary`)),
		chromedp.Click(chromedp.CSS(`nav[aria-label="main"] a[href*="/d/balance"]`))); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "/d/balance")
	frozen("navigation")
	// A level the page is not filtered on yet, so that the new page can be
	// told from this one.
	level, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('select[name="level"] option')]
	  .map(o => o.value).find(v => v && !location.search.includes('level=' + v))`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx,
		chromedp.SetValue(chromedp.CSS(`select[name="level"]`), level),
		chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "level="+level)
	frozen("filter")
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`form.filters a`))); err != nil {
		t.Fatal(err)
	}
	// The filtered page is also a /d/balance page: wait until the filters
	// are gone rather than for the path.
	waitPage(t, b, `location.pathname.endsWith('/d/balance') && !location.search.includes('level=')`, "Reset to drop the filter")
	frozen("reset")

	// The whole list as of the snapshot never holds a later project.
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa/projects?snapshot=1&status=any&limit=500")); err != nil {
		t.Fatal(err)
	}
	frozen("every project")

	// The banner leads back to today's figures.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`.snapshot-banner a`))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, b, `location.pathname.endsWith('/projects') && !location.search.includes('snapshot=')`, "the live link to drop the snapshot")
	if d := b.Dialogs(); len(d) > 0 {
		t.Errorf("a dialog opened: %q", d)
	}
	if f := b.ForeignRequests(addr); len(f) > 0 {
		t.Errorf("requests left the server's host: %q", f)
	}
}

// TestMapAndNetworkOpenTheirRows: a real click on a radar's axis opens the
// projects of that level and a click on a network node opens that
// project's page (the territory map's click: TestTerritoryMapInBrowser).
func TestMapAndNetworkOpenTheirRows(t *testing.T) {
	t.Parallel()
	_, addr := startDemo(t)
	base := "http://" + addr
	b := browsertest.New(t)
	type target struct {
		X, Y  float64
		Value float64
		Key   string
		Near  []string // the keys of every item within 30 px of the click (a force layout may still move them)
	}
	// clickItem clicks the first data item of series 0 of a chart whose
	// drill key starts with prefix, at its position on the page.
	clickItem := func(chartID, prefix string) target {
		t.Helper()
		locate := `(() => {
		  const el = document.getElementById(` + jsString(chartID) + `);
		  if (!el) return {Key: ''}; // the page has left already
		  const chart = echarts.getInstanceByDom(el);
		  const marks = JSON.parse(document.getElementById(el.dataset.drill).textContent).marks;
		  const data = chart.getOption().series[0].data;
		  const sd = chart.getModel().getSeriesByIndex(0).getData();
		  // Where the item is drawn: its symbol's origin on the canvas.
		  const at = j => { const g = sd.getItemGraphicEl(j); return g ? g.transformCoordToGlobal(0, 0) : [-1e9, -1e9]; };
		  const i = data.findIndex(d => d.drill && d.drill.startsWith(` + jsString(prefix) + `));
		  const p = at(i);
		  const near = data.map((d, j) => Math.hypot(at(j)[0] - p[0], at(j)[1] - p[1]) <= 30 ? d.drill : null).filter(Boolean);
		  const r = el.getBoundingClientRect();
		  return {X: r.left + p[0], Y: r.top + p[1], Value: marks[data[i].drill].v, Key: data[i].drill, Near: near};
		})()`
		// As a hand does: the pointer comes over the item, then clicks.
		// ECharts picks up a hover on one of its next frames (and a force
		// layout may still move the item), so the item is found again and
		// clicked until the page leaves, at most five times.
		var last target
		for try := 0; ; try++ {
			tg, err := chromedp.Run(b.Ctx, chromedp.Evaluate[target](locate))
			if err != nil {
				t.Fatal(err)
			}
			if tg.Key == "" {
				return last // the previous click's page arrived late
			}
			last = tg
			if err := chromedp.Do(b.Ctx, chromedp.MouseEvent(chromedp.MouseMoved, tg.X, tg.Y), chromedp.MouseClickXY(tg.X, tg.Y)); err != nil {
				t.Fatal(err)
			}
			_, err = chromedp.Run(b.Ctx, chromedp.Poll[bool](`!location.pathname.includes('/d/')`,
				chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Second)))
			if err == nil {
				return tg
			}
			if try == 4 {
				t.Fatalf("a click on %s of %s opened nothing", tg.Key, chartID)
			}
		}
	}

	// A radar's axis name (a level of action) opens that level's projects.
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa/d/balance?lang=en")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitChartsDrawn(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	axis, err := chromedp.Run(b.Ctx, chromedp.Evaluate[target](`(() => {
	  const el = document.getElementById('chart-level_radar');
	  const zr = echarts.getInstanceByDom(el).getZr();
	  const label = zr.storage.getDisplayList().find(e => e.style && e.style.text === 'Community action');
	  const r = label.getBoundingRect(); const [x, y] = label.transformCoordToGlobal(r.x + r.width / 2, r.y + r.height / 2);
	  const box = el.getBoundingClientRect();
	  return {X: box.left + x, Y: box.top + y, Key: 'r:Community action'};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.MouseEvent(chromedp.MouseMoved, axis.X, axis.Y), chromedp.MouseClickXY(axis.X, axis.Y)); err != nil {
		t.Fatal(err)
	}
	if loc := waitLocation(t, b, "/projects"); !strings.Contains(loc, "level=community") || !strings.Contains(loc, "frac=level") {
		t.Errorf("the radar's Community action axis opened %s, want the community projects counted by level", loc)
	}

	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa/d/network?lang=en")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitChartsDrawn(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	// Let the force layout settle so the node stays where it is clicked.
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`(() => {
	  const c = echarts.getInstanceByDom(document.getElementById('chart-partners'));
	  c.setOption({series: [{force: {layoutAnimation: false}}]});
	  return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	// Nodes may overlap: the page opened must be that of a node under the
	// pointer.
	node := clickItem("chart-partners", "project:")
	loc := waitLocation(t, b, "/projects/")
	opened := false
	for _, key := range node.Near {
		if strings.Contains(loc, "/projects/"+strings.TrimPrefix(key, "project:")+"?") {
			opened = true
		}
	}
	if !opened {
		t.Errorf("a click at %s opened %s, want the page of one of the projects there: %v", node.Key, loc, node.Near)
	}
}

// waitPage waits until a loaded page makes cond true, like waitLocation:
// evaluation fails while a document unloads, so errors are retried until
// the deadline.
func waitPage(t *testing.T, b *browsertest.Browser, cond, what string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`document.readyState === 'complete' && (`+cond+`)`))
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	loc, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`location.href`))
	t.Fatalf("waited for %s; the page is %s", what, loc)
}
