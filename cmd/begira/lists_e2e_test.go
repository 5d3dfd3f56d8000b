package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
)

// TestSearchSortExportInBrowser works a list as a mission leader would:
// searches the projects for a place written without its accent, sorts by
// budget from the column header, downloads the CSV the page offers and
// compares it with the API's answer for the same list; then opens the
// first project's page.
func TestSearchSortExportInBrowser(t *testing.T) {
	t.Parallel()
	_, addr := startDemo(t)
	base := "http://" + addr
	b := browsertest.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa/projects?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`form.listbar input[name=q]`))); err != nil {
		t.Fatal(err)
	}
	// Search: the box, then the button.
	if err := chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS(`form.listbar input[name=q]`), "ONATI"),
		chromedp.Click(chromedp.CSS(`form.listbar button[type=submit]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "q=ONATI")
	waitPage(t, b, `!!document.querySelector('.listbar .matching')`, "the search's count")
	// Sort by budget, largest first: the header twice.
	for _, want := range []string{"sort=budget", "sort=-budget"} {
		if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`table.projects thead a[href*="budget"]`))); err != nil {
			t.Fatal(err)
		}
		waitLocation(t, b, want)
	}
	waitPage(t, b, `document.querySelector('table.projects th[aria-sort=descending]') !== null`, "the budget column sorted descending")
	rows, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.projects tbody tr td:first-child')].map(td => td.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.querySelector('a.export-csv').href`))
	if err != nil {
		t.Fatal(err)
	}
	csvRefs := func() []string {
		res, err := http.Get(href)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "gipuzkoa-projects.csv") {
			t.Fatalf("CSV %s: %d %v %q", href, res.StatusCode, err, res.Header.Get("Content-Disposition"))
		}
		var refs []string
		for _, r := range recs[1:] {
			refs = append(refs, r[0])
		}
		return refs
	}()
	res, err := http.Get(base + "/api/v1/missions/gipuzkoa/projects?q=ONATI&sort=-budget&limit=500")
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Items []struct {
			ExtRef string   `json:"ext_ref"`
			Budget *float64 `json:"budget_total_eur"`
		}
		Total int `json:"total"`
	}
	json.NewDecoder(res.Body).Decode(&api)
	res.Body.Close()
	var apiRefs []string
	for _, it := range api.Items {
		apiRefs = append(apiRefs, it.ExtRef)
	}
	t.Logf("ONATI: %d projects; the page shows %d, the CSV has %d", api.Total, len(rows), len(csvRefs))
	if api.Total == 0 || len(apiRefs) != api.Total || !slices.Equal(csvRefs, apiRefs) {
		t.Errorf("the CSV's rows %v are not the API's %v", csvRefs, apiRefs)
	}
	if n := min(len(rows), len(apiRefs)); n == 0 || !slices.Equal(rows[:n], apiRefs[:n]) {
		t.Errorf("the page's rows %v are not the API's %v", rows, apiRefs)
	}
	for i := 1; i < len(api.Items); i++ {
		if a, b := api.Items[i-1].Budget, api.Items[i].Budget; a != nil && b != nil && *a < *b {
			t.Errorf("sorted by -budget, %s (%v) comes before %s (%v)", api.Items[i-1].ExtRef, *a, api.Items[i].ExtRef, *b)
		}
	}

	// The first row opens the project's page.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`table.projects tbody tr:first-child td.title a`))); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, b, "/m/gipuzkoa/projects/"+apiRefs[0])
	waitPage(t, b, `!!document.querySelector('dl.fields') && document.body.textContent.includes('In each snapshot')`, "the project's page")
	if dir := os.Getenv("BEGIRA_SHOTS"); dir != "" {
		chromedp.Call(b.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1100, Height: 1200, DeviceScaleFactor: 1})
		if shot, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot()); err == nil {
			os.WriteFile(dir+"/lists-project.png", shot, 0o644)
		}
		chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa/projects?lang=en&q=ONATI&sort=-budget"), chromedp.WaitVisible(chromedp.CSS(`table.projects`)))
		if shot, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot()); err == nil {
			os.WriteFile(dir+"/lists-projects-search.png", shot, 0o644)
		}
	}
}
