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
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`nav[aria-label="main"] a[href*="/d/balance"]`))); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "/d/balance")
	frozen("navigation")
	if err := chromedp.Do(b.Ctx,
		chromedp.SetValue(chromedp.CSS(`select[name="level"]`), "community"),
		chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "level=community")
	frozen("filter")
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`form.filters a`))); err != nil {
		t.Fatal(err)
	}
	loc := waitLocation(t, b, "/d/balance?")
	if strings.Contains(loc, "level=") {
		t.Errorf("Reset kept the filter: %s", loc)
	}
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
	loc = waitLocation(t, b, "/projects?")
	if strings.Contains(loc, "snapshot=") {
		t.Errorf("the live link kept the snapshot: %s", loc)
	}
	if d := b.Dialogs(); len(d) > 0 {
		t.Errorf("a dialog opened: %q", d)
	}
	if f := b.ForeignRequests(addr); len(f) > 0 {
		t.Errorf("requests left the server's host: %q", f)
	}
}
