package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
)

// recordCSP makes every page of the tab keep its Content-Security-Policy
// violations in window.__csp (installed through the DevTools protocol,
// which the policy does not govern).
const recordCSP = `window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '') + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));`

// TestNoCSPViolationsOnDashboards opens every default dashboard in
// Chromium, waits for its charts, moves the pointer over each chart (the
// tooltip is HTML) and asserts the page broke no rule of its
// Content-Security-Policy: a blocked inline style leaves charts and
// tooltips unstyled.
func TestNoCSPViolationsOnDashboards(t *testing.T) {
	t.Parallel()
	_, addr := startDemo(t)
	b := browsertest.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recordCSP})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"overview", "balance", "network", "signals", "territory", "health"} {
		t.Run(d, func(t *testing.T) {
			if err := chromedp.Do(b.Ctx, chromedp.Navigate("http://"+addr+"/m/gipuzkoa/d/"+d)); err != nil {
				t.Fatal(err)
			}
			if _, err := b.WaitChartsDrawn(30 * time.Second); err != nil {
				t.Fatalf("charts did not draw: %v", err)
			}
			// Hover the middle of every chart, so tooltips render.
			if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`(() => {
  document.querySelectorAll('.chart canvas').forEach(c => {
    const r = c.getBoundingClientRect();
    for (const f of [0.3, 0.5, 0.7]) {
      c.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: r.left + r.width*f, clientY: r.top + r.height*f}));
    }
  });
  return true;
})()`)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond) // let tooltips render (ECharts shows them on a timer)
			v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`window.__csp || ['recorder missing']`))
			if err != nil {
				t.Fatal(err)
			}
			if len(v) > 0 {
				t.Errorf("%d CSP violations, e.g. %s", len(v), strings.Join(v[:min(5, len(v))], " | "))
			}
		})
	}
}
