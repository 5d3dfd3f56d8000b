package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
)

// TestTerritoryMapInBrowser: the demo's territory page draws the built-in
// boundaries as a choropleth (no --geojson needed), the measure switch
// recolours it, a real click on Donostia opens the list of exactly the
// projects it counts, and a project of that list opens its page.
func TestTerritoryMapInBrowser(t *testing.T) {
	t.Parallel()
	_, addr := startDemo(t)
	base := "http://" + addr
	b := browsertest.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa/d/territory?lang=en")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitChartsDrawn(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	waitPage(t, b, `document.getElementById('chart-map').dataset.drawn === 'map'`, "the choropleth")
	type mapState struct {
		Regions, Coloured int
		Max               float64
		Values            []float64
	}
	state := func() mapState {
		s, err := chromedp.Run(b.Ctx, chromedp.Evaluate[mapState](`(() => {
		  const c = echarts.getInstanceByDom(document.getElementById('chart-map'));
		  const o = c.getOption();
		  const regions = c.getModel().getSeriesByIndex(0).coordinateSystem.regions;
		  const data = o.series[0].data;
		  return {Regions: regions.length, Coloured: data.filter(d => d.value > 0).length,
		    Max: o.visualMap[0].max, Values: data.map(d => d.value)};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	counts := state()
	if counts.Regions != 90 || counts.Coloured < 20 {
		t.Fatalf("the map drew %d regions with %d coloured, want the 90 shapes of Gipuzkoa and most municipalities coloured", counts.Regions, counts.Coloured)
	}
	b.Shot(t, "territory-map.png")

	// The measure switch recolours by euros per inhabitant.
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`(() => {
	  const sel = document.querySelector('select.map-measure');
	  sel.value = '3';
	  return sel.dispatchEvent(new Event('change'));
	})()`)); err != nil {
		t.Fatal(err)
	}
	perInhabitant := state()
	if perInhabitant.Max == counts.Max || fmt.Sprint(perInhabitant.Values) == fmt.Sprint(counts.Values) {
		t.Errorf("the measure switch left the map as it was (max %v → %v)", counts.Max, perInhabitant.Max)
	}

	// A click inside Donostia (20069), as a hand does: the pointer comes
	// over the region, then clicks, until the page leaves.
	type target struct {
		X, Y     float64
		Projects float64
	}
	var tg target
	for try := 0; ; try++ {
		at, err := chromedp.Run(b.Ctx, chromedp.Evaluate[target](`(() => {
		  const el = document.getElementById('chart-map');
		  if (!el) return {X: -1};
		  const c = echarts.getInstanceByDom(el);
		  const region = c.getModel().getSeriesByIndex(0).coordinateSystem.getRegion('20069');
		  const [x, y] = c.convertToPixel({seriesIndex: 0}, region.getCenter());
		  const r = el.getBoundingClientRect();
		  const geo = JSON.parse(document.getElementById(el.dataset.choropleth).textContent);
		  return {X: r.left + x, Y: r.top + y, Projects: geo.areas.find(a => a.code === '20069').v[0]};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if at.X < 0 {
			break // the previous click's page arrived late
		}
		tg = at
		if err := chromedp.Do(b.Ctx, chromedp.MouseEvent(chromedp.MouseMoved, tg.X, tg.Y), chromedp.MouseClickXY(tg.X, tg.Y)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`!location.pathname.includes('/d/')`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Second))); err == nil {
			break
		}
		if try == 4 {
			t.Fatal("a click on Donostia opened nothing")
		}
	}
	loc := waitLocation(t, b, "/projects")
	if !strings.Contains(loc, "municipality=20069") {
		t.Fatalf("a click on Donostia opened %s, want its projects", loc)
	}
	count, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.querySelector('.count').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%.0f projects,", tg.Projects); tg.Projects == 0 || !strings.HasPrefix(count, want) {
		t.Errorf("the map counts %v projects in Donostia, its list says %q", tg.Projects, count)
	}

	// A project of the list opens its page.
	ref, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`(() => {
	  const a = document.querySelector('td.title a'); const ref = a.closest('tr').querySelector('td').textContent;
	  a.click(); return ref;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	loc = waitLocation(t, b, "/projects/"+ref)
	if !strings.Contains(loc, "municipality=20069") {
		t.Errorf("the project page %s lost the map's scope", loc)
	}
	if f := b.ForeignRequests(addr); len(f) > 0 {
		t.Errorf("requests left the host: %q", f)
	}
}
