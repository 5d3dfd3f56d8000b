package main

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/begira/begira/internal/browsertest"
)

// axeRunJS runs axe-core's WCAG 2.0–2.2 A and AA rules on the page and
// returns each violation with the elements it found.
const axeRunJS = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').slice(0, 200))})))`

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// a11yPages are the pages a visitor of the public demo reads, then those
// an administrator reaches too.
var (
	visitorPages = []string{"/m/gipuzkoa", "/m/gipuzkoa/d/balance", "/m/gipuzkoa/d/health", "/m/gipuzkoa/d/network",
		"/m/gipuzkoa/d/signals", "/m/gipuzkoa/d/territory", "/m/gipuzkoa/projects", "/m/gipuzkoa/organisations",
		"/m/gipuzkoa/signals", "/m/gipuzkoa/metrics", "/m/gipuzkoa/snapshots", "/m/gipuzkoa/snapshots/2/diff?against=1",
		"/m/gipuzkoa/snapshots/2/pack", "/m/gipuzkoa/digest", "/m/gipuzkoa/decisions", "/login"}
	adminPages = []string{"/m/gipuzkoa/imports", "/jobs", "/admin/users", "/admin/tokens", "/admin/audit", "/m/gipuzkoa/projects/PRJ-0001"}
)

// TestAccessibilityAxe runs axe-core (vendored in testdata/axe, injected
// through DevTools, so the page's CSP and the network play no part) on
// every page in English, Spanish and Basque, as a visitor and as an
// administrator, and fails on any violation.
//
// Not parallel: each role and language has 90 seconds for 16 to 22 pages,
// which a loaded machine shared with other tests does not always give.
func TestAccessibilityAxe(t *testing.T) {
	axe, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	s, addr := startDemo(t)
	base := "http://" + addr
	// One browser per role and language: each has 90 seconds.
	run := func(t *testing.T, b *browsertest.Browser, who, lang string, pages []string) {
		for _, path := range pages {
			u := base + path
			if strings.Contains(u, "?") {
				u += "&lang=" + lang
			} else {
				u += "?lang=" + lang
			}
			if err := chromedp.Do(b.Ctx, chromedp.Navigate(u), chromedp.WaitReady("body")); err != nil {
				t.Fatal(err)
			}
			waitPage(t, b, `!document.querySelector('.chart') || document.documentElement.dataset.chartsReady !== undefined`, "charts")
			if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
				t.Fatal(err)
			}
			vs, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]axeViolation](axeRunJS, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%s: axe: %v", u, err)
			}
			for _, v := range vs {
				t.Errorf("%s %s as %s: %s (%s): %s\n  %s", path, lang, who, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
			}
		}
	}
	for _, lang := range []string{"en", "es", "eu"} {
		t.Run("visitor/"+lang, func(t *testing.T) {
			run(t, browsertest.New(t), "visitor", lang, visitorPages)
		})
		t.Run("administrator/"+lang, func(t *testing.T) {
			b := browsertest.New(t)
			loginInBrowser(t, b, s, base, "root-"+lang, map[string]string{"*": "admin"})
			run(t, b, "administrator", lang, append(append([]string(nil), visitorPages...), adminPages...))
		})
	}
}

// layoutJS measures what the layout rules are about: how wide the page is
// against the window, how many rows the main navigation takes, and how
// many navigation items say they are the current page.
const layoutJS = `(() => {
  const nav = document.querySelector('header.top nav[aria-label="main"]');
  // Items whose vertical middles are within 12 px share a row.
  const mids = [];
  if (nav) nav.querySelectorAll(':scope > a, :scope > details > summary').forEach(e => { const r = e.getBoundingClientRect(); mids.push(r.top + r.height / 2); });
  mids.sort((a, b) => a - b);
  const tops = new Set();
  let row = -1e9;
  mids.forEach(m => { if (m - row > 12) { row = m; tops.add(m); } });
  let widest = '';
  let max = 0;
  document.querySelectorAll('body *').forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.right > max && getComputedStyle(e).position !== 'absolute' && !e.closest('.table-wrap, .skip')) { max = r.right; widest = e.tagName + '.' + e.className; }
  });
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, rows: tops.size,
    current: document.querySelectorAll('nav[aria-label="main"] [aria-current="page"]').length, widest: widest};
})()`

type layout struct {
	Scroll  int    `json:"scroll"`
	Inner   int    `json:"inner"`
	Rows    int    `json:"rows"`
	Current int    `json:"current"`
	Widest  string `json:"widest"`
}

// TestLayoutFitsPhoneAndDesktop: at 390 px (a phone) no page scrolls
// sideways (charts resize, tables scroll inside their own region); at
// 1280 px the main navigation fits one row; every mission page marks
// exactly one navigation item as current. Basque, whose words are the
// longest, is the language measured.
func TestLayoutFitsPhoneAndDesktop(t *testing.T) {
	t.Parallel()
	_, addr := startDemo(t)
	base := "http://" + addr
	for _, width := range []int64{390, 1280} {
		b := browsertest.New(t)
		if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		for _, path := range visitorPages {
			u := base + path
			if strings.Contains(u, "?") {
				u += "&lang=eu"
			} else {
				u += "?lang=eu"
			}
			if err := chromedp.Do(b.Ctx, chromedp.Navigate(u), chromedp.WaitReady("body")); err != nil {
				t.Fatal(err)
			}
			waitPage(t, b, `!document.querySelector('.chart') || document.documentElement.dataset.chartsReady !== undefined`, "charts")
			l, err := chromedp.Run(b.Ctx, chromedp.Evaluate[layout](layoutJS))
			if err != nil {
				t.Fatal(err)
			}
			if l.Scroll > l.Inner {
				t.Errorf("%d px: %s is %d px wide (widest: %s)", width, path, l.Scroll, l.Widest)
			}
			if width == 1280 && l.Rows > 1 {
				t.Errorf("1280 px: %s: the navigation takes %d rows", path, l.Rows)
			}
			if strings.HasPrefix(path, "/m/gipuzkoa") && !strings.Contains(path, "/pack") && l.Current != 1 {
				t.Errorf("%s: %d navigation items are current, want 1", path, l.Current)
			}
		}
	}
}

// TestDrillDownByKeyboard reaches a heatmap cell's project list from the
// overview with the keyboard alone: Tab to the coverage panel's table,
// open it with Enter, Tab to a cell's row and follow it.
func TestDrillDownByKeyboard(t *testing.T) {
	t.Parallel()
	_, addr := startDemo(t)
	b := browsertest.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate("http://"+addr+"/m/gipuzkoa?lang=eu"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	waitPage(t, b, `document.documentElement.dataset.chartsReady !== undefined`, "charts")
	tabTo := func(selector string) { t.Helper(); tabTo(t, b, selector) }
	tabTo(`#panel-coverage details > summary`)
	if err := chromedp.Do(b.Ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	tabTo(`#panel-coverage tbody a`)
	type link struct {
		Href string `json:"href"`
		Cell string `json:"cell"`
	}
	l, err := chromedp.Run(b.Ctx, chromedp.Evaluate[link](`({href: document.activeElement.href, cell: document.activeElement.closest('tr').children[2].dataset.raw})`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "/projects")
	loc, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil || loc != l.Href || !strings.Contains(loc, "pillar=") || !strings.Contains(loc, "level=") {
		t.Errorf("the row led to %s (%v), want its cell's list %s", loc, err, l.Href)
	}
	count, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`.count`)))
	if err != nil || !strings.HasPrefix(count, l.Cell+" ") {
		t.Errorf("the list says %q (%v); the cell counted %s projects", count, err, l.Cell)
	}
}

// tabTo presses Tab until the focused element matches selector.
func tabTo(t *testing.T, b *browsertest.Browser, selector string) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if err := chromedp.Do(b.Ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		ok, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`document.activeElement.matches(`+"`"+selector+"`"+`)`))
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
	}
	t.Fatalf("Tab never reached %s", selector)
}

// TestSignalsOverTimeByKeyboard opens a month's signals of the signals-
// over-time chart with the keyboard alone: Tab to its table, open it, Tab
// to a figure and follow it to the list of that challenge in that month.
func TestSignalsOverTimeByKeyboard(t *testing.T) {
	_, addr := startDemo(t)
	b := browsertest.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate("http://"+addr+"/m/gipuzkoa/d/signals?lang=es"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	waitPage(t, b, `document.documentElement.dataset.chartsReady !== undefined`, "charts")
	tabTo(t, b, `#panel-over_time details > summary`)
	if err := chromedp.Do(b.Ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	tabTo(t, b, `#panel-over_time tbody td:not(:first-child):not([data-raw="0"]) a`)
	type link struct {
		Href  string `json:"href"`
		Count string `json:"count"`
	}
	l, err := chromedp.Run(b.Ctx, chromedp.Evaluate[link](`({href: document.activeElement.href, count: document.activeElement.closest('td').dataset.raw})`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "/signals")
	loc, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil || loc != l.Href || !strings.Contains(loc, "observed_from=") || !strings.Contains(loc, "challenge=") {
		t.Errorf("the figure led to %s (%v), want its month's list %s", loc, err, l.Href)
	}
	count, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`.count`)))
	if err != nil || !strings.Contains(count, l.Count) {
		t.Errorf("the list says %q (%v); the figure counted %s signals", count, err, l.Count)
	}
}
