package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/web"
)

// TestFirstRun walks an empty instance, as its administrator would, from
// the setup link to a mission with one imported project: the home page
// leads through creating the mission (a refused document first, then a
// pasted one), the import wizard's page greets the new mission, and the
// first file imported shows on the dashboards.
func TestFirstRun(t *testing.T) {
	t.Parallel()
	app, _ := newFreshApp(t, web.Options{SetupCode: "the-code"})
	b := newBrowser(t, app)
	_, page, _ := b.do("GET", "/setup?code=the-code", nil, "")
	fields := url.Values{"code": {"the-code"}, "username": {"root"}, "password": {"root has a long password"}, "password2": {"root has a long password"}}
	if code, body, _ := b.form("/setup", csrfInput.FindStringSubmatch(page)[1], fields); code != 303 {
		t.Fatalf("setup: %d %.300s", code, body)
	}

	// Home: no mission, three steps, the template and the form.
	code, home, _ := b.do("GET", "/?lang=en", nil, "")
	for _, want := range []string{"Create your first mission", "No mission yet.", `<li aria-current="step"><strong>Describe the mission</strong>`,
		`action="/missions/new?lang=en"`, `href="/missions/new?template=gipuzkoa&amp;lang=en"`, `<textarea name="document"`} {
		if code != 200 || !strings.Contains(home, want) {
			t.Fatalf("home of an empty instance (%d) lacks %q", code, want)
		}
	}
	csrf := csrfInput.FindStringSubmatch(home)[1]

	// The template can be edited before it is created.
	_, edit, _ := b.do("GET", "/missions/new?template=gipuzkoa&lang=es", nil, "")
	if !strings.Contains(edit, "slug: gipuzkoa") || !strings.Contains(edit, `name="template" value="gipuzkoa"`) || !strings.Contains(edit, "Partir de la plantilla de Gipuzkoa") {
		t.Errorf("the template is not in the form to edit")
	}

	// A document with a typo is refused with its reason; nothing is stored
	// and what was pasted is still there to fix.
	tiny := mustReadTestdata(t, "mission_tiny.yaml")
	typo := strings.Replace(tiny, "cardinality: multi", "cardinalty: multi", 1)
	code, refused, _ := b.form("/missions/new?lang=en", csrf, url.Values{"document": {typo}})
	if code != 400 || !strings.Contains(refused, "nothing was stored") || !strings.Contains(refused, "cardinalty") || !strings.Contains(refused, "Tiny mission") {
		t.Fatalf("a document with a typo: %d %.600s", code, refused)
	}
	if _, ms, _ := b.do("GET", "/api/v1/missions", nil, ""); strings.Contains(ms, "tiny") {
		t.Fatalf("a refused document created a mission: %s", ms)
	}

	// The fixed document creates the mission and leads to the first import.
	code, _, h := b.form("/missions/new?lang=en", csrf, url.Values{"document": {tiny}})
	if code != 303 || h.Get("Location") != "/m/tiny/imports?first=1&lang=en" {
		t.Fatalf("create: %d to %q, want 303 to the import wizard", code, h.Get("Location"))
	}
	code, wizard, _ := b.do("GET", "/m/tiny/imports?first=1&lang=en", nil, "")
	if code != 200 || !strings.Contains(wizard, "The mission “Tiny mission” is created. Step 2 of 3") || !strings.Contains(wizard, `<form id="upload"`) {
		t.Fatalf("the import wizard does not greet the new mission (%d)", code)
	}
	// The same slug again is a conflict, named.
	if code, body, _ := b.form("/missions/new?lang=en", csrf, url.Values{"document": {tiny}}); code != 409 || !strings.Contains(body, `a mission &#34;tiny&#34; exists already`) {
		t.Errorf("the same mission again: %d", code)
	}

	// The first import, as the wizard sends it: preview, then commit.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", "projects")
	mw.WriteField("mode", "append")
	fw, _ := mw.CreateFormFile("file", "projects.csv")
	fw.Write([]byte("ext_ref,title,pillars,level,status\nT-1,Green local,green,local,active\n"))
	mw.Close()
	hdr := map[string]string{"Content-Type": mw.FormDataContentType(), "X-CSRF-Token": csrf}
	code, preview, _ := b.do("POST", "/api/v1/missions/tiny/imports", hdr, body.String())
	var batch struct{ ID int64 }
	if err := json.Unmarshal([]byte(preview), &batch); err != nil || code != 200 && code != 201 || batch.ID == 0 {
		t.Fatalf("preview: %d %.300s", code, preview)
	}
	if code, res, _ := b.do("POST", fmt.Sprintf("/api/v1/imports/%d/commit", batch.ID), map[string]string{"X-CSRF-Token": csrf}, ""); code != 200 {
		t.Fatalf("commit: %d %.300s", code, res)
	}
	_, overview, _ := b.do("GET", "/m/tiny?lang=en", nil, "")
	if m := regexp.MustCompile(`data-kpi="projects" data-value="([^"]*)"`).FindStringSubmatch(overview); m == nil || m[1] != "1" {
		t.Errorf("the overview after the first import shows %v projects, want 1", m)
	}
	// With a mission, home goes to it; an administrator may add another.
	if code, _, h := b.do("GET", "/?lang=en", nil, ""); code != 302 || !strings.HasPrefix(h.Get("Location"), "/m/tiny") {
		t.Errorf("home with one mission: %d to %q", code, h.Get("Location"))
	}
	if code, more, _ := b.do("GET", "/missions/new?lang=en", nil, ""); code != 200 || !strings.Contains(more, "<h1>Create a mission</h1>") {
		t.Errorf("adding a mission later: %d", code)
	}
}

// Starting from the template also loads Gipuzkoa's reference geography,
// so the new mission's map and comarca filter work from the first import.
func TestFirstRunFromTheTemplate(t *testing.T) {
	t.Parallel()
	app, st := newFreshApp(t, web.Options{})
	code, page, h := doAs(t, app, "POST", "/missions/new", url.Values{"template": {"gipuzkoa"}})
	if code != 303 || h != "/m/gipuzkoa/imports?first=1&lang=en" {
		t.Fatalf("create from the template: %d to %q: %.300s", code, h, page)
	}
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM geo_area WHERE level = 'municipality'`).Scan(&n); err != nil || n != 88 {
		t.Fatalf("municipalities after the template: %d (%v), want 88", n, err)
	}
	mustImport(t, st, "gipuzkoa", "projects", "projects.csv", "ext_ref,title,pillars,level,status,municipality\nP-1,Auzo-baratzeak,social_cohesion,community,active,20069\n")
	territory := string(mustGet(t, app, "/m/gipuzkoa/d/territory?lang=en"))
	if !strings.Contains(territory, `data-geojson="/geo/gipuzkoa.geojson"`) || !strings.Contains(territory, `<option value="E15">Donostialdea</option>`) {
		t.Errorf("the template's mission has no map or no comarca filter")
	}
	// Only an instance administrator may create missions.
	if code, _, _ := doAs(t, app, "POST", "/missions/new", url.Values{"template": {"gipuzkoa"}}, "anonymous"); code != 303 && code != 401 && code != 403 {
		t.Errorf("anonymous create: %d", code)
	}
}

// doAs posts a form with the test administrator's token, or with no
// credentials when who is "anonymous"; it returns the status, the body and
// the redirect's target.
func doAs(t *testing.T, app *fiber.App, method, target string, form url.Values, who ...string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", fiber.MIMEApplicationForm)
	if len(who) == 0 || who[0] != "anonymous" {
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("Location")
}
