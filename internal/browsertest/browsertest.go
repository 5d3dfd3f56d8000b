// Package browsertest drives Debian's headless Chromium for page tests: it
// starts one browser per test binary and gives each test a tab of its own
// in a browser context of its own, records every request a page makes and
// every dialog it opens, and waits for ECharts canvases to hold drawn pixels.
// It is imported by tests only.
package browsertest

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Browser is a headless Chromium tab with what it has seen.
type Browser struct {
	Ctx context.Context

	mu       sync.Mutex
	requests []string
	dialogs  []string
}

// chromium finds the browser: $BEGIRA_CHROMIUM, then Debian's names.
func chromium() string {
	if p := os.Getenv("BEGIRA_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// shared is the one Chromium of the test binary. Starting a browser costs
// seconds of CPU on a loaded machine, opening a tab milliseconds, so every
// test gets a tab in a browser context of its own (cookies, storage and
// cache as empty as in a new browser) of this browser, and tests that run in
// parallel each drive their own tab.
var shared struct {
	once   sync.Once
	ctx    context.Context // the browser's first tab, which keeps it open
	cancel context.CancelFunc
	err    error
}

// start launches the shared browser once.
func start(path string) (context.Context, error) {
	shared.once.Do(func() {
		// The flags keep Chromium from calling home: the sandbox has no
		// network and an offline product must be tested offline. Without a
		// user data directory the allocator makes a temporary one and
		// removes it when the browser is closed.
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-domain-reliability", true),
			chromedp.WindowSize(1400, 1800),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(actx)
		shared.ctx, shared.cancel = ctx, func() { cancelCtx(); cancelAlloc() }
		shared.err = chromedp.Do(ctx)
	})
	return shared.ctx, shared.err
}

// Close closes the shared browser, if a test started it; TestMain calls it
// after the tests ran.
func Close() {
	if shared.cancel != nil {
		chromedp.Cancel(shared.ctx)
		shared.cancel()
	}
}

// New opens a headless Chromium tab for the test, in a browser context of
// its own, closed when the test ends. Without a browser the test is skipped
// on a developer machine but fails under CI (CI=true), where .ci/run
// installs one.
func New(t testing.TB) *Browser {
	t.Helper()
	path := chromium()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not found: install Debian's chromium package (apt-get install -y chromium)")
		}
		t.Skip("chromium not found; install Debian's chromium package to run browser tests")
	}
	bctx, err := start(path)
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelCtx := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx() })
	b := &Browser{Ctx: ctx}
	err = chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.mu.Lock()
			b.requests = append(b.requests, ev.Request.URL)
			b.mu.Unlock()
		case *page.EventJavascriptDialogOpening:
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			// A dialog blocks the page: close it from another goroutine.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	})
	if err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return b
}

// Requests returns every URL the tab requested so far.
func (b *Browser) Requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}

// Dialogs returns the messages of every alert, confirm or prompt opened.
func (b *Browser) Dialogs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// ForeignRequests returns the requests that went anywhere but host (data:
// and blob: URLs stay in the page and are allowed).
func (b *Browser) ForeignRequests(host string) []string {
	var out []string
	for _, r := range b.Requests() {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Host != host) {
			out = append(out, r)
		}
	}
	return out
}

// drawnJS counts, for every chart canvas on the page, the pixels that are
// not transparent (sampled on a grid, enough to tell drawn from blank).
const drawnJS = `(() => {
  const out = [];
  document.querySelectorAll('.chart').forEach(el => {
    const c = el.querySelector('canvas');
    if (!c) { out.push({id: el.id, drawn: 0}); return; }
    const g = c.getContext('2d');
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) n++;
    out.push({id: el.id, drawn: n});
  });
  return out;
})()`

// Canvas is one chart's canvas and how many sampled pixels hold ink.
type Canvas struct {
	ID    string `json:"id"`
	Drawn int    `json:"drawn"`
}

// WaitChartsDrawn waits until every .chart element on the page has a canvas
// with drawn pixels, and returns them. It polls the page (no fixed sleep) up
// to the timeout.
func (b *Browser) WaitChartsDrawn(timeout time.Duration) ([]Canvas, error) {
	_, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`(() => {
	  const cs = `+drawnJS+`;
	  return cs.length > 0 && cs.every(c => c.drawn > 100);
	})()`, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
	cs, err2 := chromedp.Run(b.Ctx, chromedp.Evaluate[[]Canvas](drawnJS))
	if err == nil {
		err = err2
	}
	return cs, err
}

// Shot saves a PNG of the page as the reader sees it (the viewport) into
// the directory $BEGIRA_SHOTS, when that is set, under name: pictures for
// documentation and reviews, never part of a test's verdict.
func (b *Browser) Shot(t testing.TB, name string) {
	t.Helper()
	dir := os.Getenv("BEGIRA_SHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}
