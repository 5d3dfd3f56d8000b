package web_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/web"
)

// TestEmptyMissionPages renders every page of a mission that has nothing
// yet (the Gipuzkoa template, no import): each says what will appear there
// and links the action that fills it, and no dashboard draws an empty
// chart frame.
func TestEmptyMissionPages(t *testing.T) {
	t.Parallel()
	app, _ := newFreshApp(t, web.Options{PublicMission: "gipuzkoa"})
	req := httptest.NewRequest(http.MethodPut, "/api/v1/missions/gipuzkoa", strings.NewReader(string(demo.Template())))
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	if res, err := app.Test(req, -1); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("apply the template: %v %v", res.StatusCode, err)
	}
	imports := `<a class="action" href="/m/gipuzkoa/imports?lang=en">`
	for _, tc := range []struct{ url, sentence, action string }{
		{"/m/gipuzkoa/imports?lang=en", "No import yet. Every file imported will be listed here", `<a class="action" href="#upload">Choose a file to import</a>`},
		{"/jobs?lang=en", "No run yet. Each run of a scheduled or manual job", ""},
		{"/m/gipuzkoa/snapshots?lang=en", "No snapshot yet. A snapshot freezes the portfolio", `<a class="action" href="#take-snapshot">Take a snapshot</a>`},
		{"/m/gipuzkoa/decisions?lang=en", "No decision recorded yet. The committee's decisions will be listed here", `<a class="action" href="/m/gipuzkoa/snapshots?lang=en">Open the snapshots</a>`},
		{"/m/gipuzkoa/digest?lang=en", "No approved signal yet. Each week's approved signals", imports + "Import signals</a>"},
		{"/m/gipuzkoa/projects?lang=en", "No project yet. The mission's projects will be listed here", imports + "Import projects</a>"},
		{"/m/gipuzkoa/organisations?lang=en", "No organisation yet.", imports + "Import projects</a>"},
		{"/m/gipuzkoa/signals?lang=en", "No signal yet. Signals observed in the territory", imports + "Import signals</a>"},
		{"/m/gipuzkoa?lang=en", "This mission has no project and no signal yet.", imports + "Import projects</a>"},
		{"/m/gipuzkoa/d/balance?lang=en", "This mission has no project and no signal yet.", imports + "Import projects</a>"},
		{"/m/gipuzkoa/d/network?lang=en", "This mission has no project and no signal yet.", imports + "Import projects</a>"},
		{"/m/gipuzkoa/d/territory?lang=en", "This mission has no project and no signal yet.", imports + "Import projects</a>"},
		{"/m/gipuzkoa/d/signals?lang=en", "This mission has no project and no signal yet.", imports + "Import projects</a>"},
		{"/m/gipuzkoa/d/health?lang=en", "This mission has no project and no signal yet.", imports + "Import projects</a>"},
	} {
		body := html.UnescapeString(string(mustGet(t, app, tc.url)))
		if !strings.Contains(body, `<div class="empty-state" role="status"><p>`+tc.sentence) {
			t.Errorf("%s does not say what will appear: want %q", tc.url, tc.sentence)
		}
		if tc.action != "" && !strings.Contains(body, tc.action) {
			t.Errorf("%s does not link the action that fills it: want %s", tc.url, tc.action)
		}
		if strings.Contains(body, `class="chart `) {
			t.Errorf("%s draws a chart frame with nothing in it", tc.url)
		}
	}

	// A reader who may not import is told who does; a filter that leaves
	// no row is not mistaken for an empty mission.
	req = httptest.NewRequest(http.MethodGet, "/m/gipuzkoa/projects?lang=en", nil)
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if page := html.UnescapeString(string(b)); !strings.Contains(page, "An analyst of the mission imports them") || strings.Contains(page, imports) {
		t.Errorf("a visitor's empty list: %d, want who imports and no link", res.StatusCode)
	}
	app2 := newTestApp(t)
	if body := string(mustGet(t, app2, "/m/gipuzkoa/projects?lang=en&municipality=20001&status=stopped")); !strings.Contains(body, "No project matches these filters.") || !strings.Contains(body, "Clear the filters</a>") {
		t.Errorf("a filter with no row should offer to clear the filters")
	}
}
