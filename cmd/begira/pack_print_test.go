package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
)

// pdfPage matches a page object of a PDF (not the /Pages tree).
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// TestPackPrintsOnFourPages prints the demo's latest committee pack in
// Spanish as Chromium prints it on A4 and counts the pages: at most four,
// with the running header (mission, snapshot, date) on the print frame and
// page numbers in the page margins.
func TestPackPrintsOnFourPages(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t)
	base := "http://" + addr
	res, err := adminClient(t, s).Get(base + "/api/v1/missions/gipuzkoa/snapshots")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var l struct{ Items []struct{ ID int64 } }
	if err := json.Unmarshal(body, &l); err != nil || len(l.Items) == 0 {
		t.Fatalf("snapshots: %v %s", err, body)
	}
	latest := l.Items[0].ID
	b := browsertest.New(t)
	loginInBrowser(t, b, s, base, "member", map[string]string{"gipuzkoa": "viewer"})
	url := base + fmt.Sprintf("/m/gipuzkoa/snapshots/%d/pack?lang=es", latest)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`.pack-main`))); err != nil {
		t.Fatal(err)
	}
	yes := true
	out, err := chromedp.Call(b.Ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatal(err)
	}
	pdf := out.Data
	if dir := os.Getenv("BEGIRA_SHOTS"); dir != "" {
		os.WriteFile(dir+"/lists-pack-es.pdf", pdf, 0o644)
	}
	// The running header and the page numbers are the print CSS's: the
	// frame's head (shown on every printed page) names the mission, the
	// snapshot and its date; the page's margin box counts the pages.
	if _, err := chromedp.Call(b.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	head, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`(() => {
		const h = document.querySelector('.print-frame > thead');
		return getComputedStyle(h).display + '|' + h.textContent.replace(/\s+/g, ' ').trim();
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"table-header-group|", "Transición hacia una economía sostenible", "Steering committee, November 2026", "02/11/2026"} {
		if !strings.Contains(head, want) {
			t.Errorf("running header %q lacks %q", head, want)
		}
	}
	counter, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`[...document.styleSheets].some(s => [...s.cssRules].some(r =>
		r.cssRules && [...r.cssRules].some(p => p.constructor.name === 'CSSPageRule' && /counter\(page\)/.test(p.cssText) && /counter\(pages\)/.test(p.cssText))))`))
	if err != nil || !counter {
		t.Errorf("no @page rule prints the page numbers (%v)", err)
	}
	// Labels, never codes.
	text, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.querySelector('.pack-main').innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"adaptation/regulation", "(C14)", "social_cohesion", "large_scale"} {
		if strings.Contains(text, code) {
			t.Errorf("the pack shows the code %q", code)
		}
	}
	if dir := os.Getenv("BEGIRA_SHOTS"); dir != "" {
		// The first page as printed on A4 (210 mm at 96 dpi), for the notes.
		if _, err := chromedp.Call(b.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 794, Height: 1123, DeviceScaleFactor: 1}); err != nil {
			t.Fatal(err)
		}
		shot, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
		if err == nil {
			os.WriteFile(dir+"/lists-pack-page1.png", shot, 0o644)
		}
	}
	pages := len(pdfPage.FindAll(pdf, -1))
	t.Logf("the demo pack (snapshot %d, es) prints on %d A4 pages", latest, pages)
	if pages == 0 || pages > 4 {
		t.Errorf("the pack prints on %d pages, want 1 to 4", pages)
	}
}
