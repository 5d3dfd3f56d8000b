package web_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/web"
)

var (
	mapChart       = regexp.MustCompile(`<div class="chart chart-map"[^>]*data-geojson="([^"]+)" data-geojson-name="([^"]*)" data-choropleth="([^"]+)"`)
	choroplethJSON = regexp.MustCompile(`(?s)<script type="application/json" id="geo-[^"]+">(.*?)</script>`)
	drillJSON      = regexp.MustCompile(`(?s)<div class="chart chart-map".*?<script type="application/json" id="drill-[^"]+">(.*?)</script>`)
)

// The demo's territory page is a choropleth over the built-in Gipuzkoa
// boundaries: every municipality of the reference geography has a shape,
// its four measures, and a mark whose list holds exactly its projects, in
// a comarca's scope too.
func TestTerritoryChoropleth(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	geo := decode[struct {
		Type        string
		Attribution string
		Features    []struct{ Properties map[string]string }
	}](t, mustGet(t, app, "/geo/gipuzkoa.geojson"))
	if geo.Type != "FeatureCollection" || len(geo.Features) != 90 || !strings.Contains(geo.Attribution, "CC BY-SA 4.0") {
		t.Fatalf("built-in boundaries: %s with %d features, attribution %q", geo.Type, len(geo.Features), geo.Attribution)
	}
	shapes := map[string]string{} // INE code → comarca
	for _, f := range geo.Features {
		shapes[f.Properties["code"]] = f.Properties["comarca"]
	}

	for lang, credit := range map[string]string{"en": "Municipal boundaries: iametza / Gaindegia (euskalgeo.net), CC BY-SA 4.0",
		"eu": "Udal-mugak: iametza / Gaindegia (euskalgeo.net), CC BY-SA 4.0"} {
		body := string(mustGet(t, app, "/m/gipuzkoa/d/territory?lang="+lang))
		if !strings.Contains(body, `class="attribution">`+credit+`<`) || !strings.Contains(body, `data-attribution="`+credit+`"`) {
			t.Errorf("%s: the map's credit is not %q", lang, credit)
		}
	}
	for _, scope := range []string{"", "comarca=E39", "comarca=E15&level=community"} {
		page := "/m/gipuzkoa/d/territory?lang=es&" + scope
		body := string(mustGet(t, app, page))
		m := mapChart.FindStringSubmatch(body)
		if m == nil || m[1] != "/geo/gipuzkoa.geojson" || m[2] != "code" {
			t.Fatalf("%s: the map is not drawn over the built-in boundaries: %v", page, m)
		}
		// The credit's words are Spanish; its names and licence are kept.
		const credit = "Límites municipales: iametza / Gaindegia (euskalgeo.net), CC BY-SA 4.0"
		if !strings.Contains(body, `class="attribution">`+credit+`<`) || !strings.Contains(body, `data-attribution="`+credit+`"`) {
			t.Errorf("%s: no Spanish attribution under and on the map", page)
		}
		if !strings.Contains(body, `<select class="map-measure"`) || !strings.Contains(body, ">€ por habitante</option>") {
			t.Errorf("%s: no measure switch in Spanish", page)
		}
		var ch dashboard.Choropleth
		if err := json.Unmarshal([]byte(choroplethJSON.FindStringSubmatch(body)[1]), &ch); err != nil {
			t.Fatal(err)
		}
		var drill dashboard.Drill
		if err := json.Unmarshal([]byte(drillJSON.FindStringSubmatch(body)[1]), &drill); err != nil {
			t.Fatal(err)
		}
		if len(ch.Areas) != 88 || len(ch.Measures) != 4 {
			t.Fatalf("%s: %d areas with %d measures, want the 88 municipalities with 4", page, len(ch.Areas), len(ch.Measures))
		}
		counted := 0.0
		for _, a := range ch.Areas {
			if _, ok := shapes[a.Code]; !ok {
				t.Errorf("%s: municipality %s has no shape on the map", page, a.Code)
			}
			mark, ok := drill.Marks[a.Drill]
			if !ok || mark.Value != a.Values[dashboard.MapProjects] || mark.Query["municipality"] != a.Code {
				t.Errorf("%s: %s (%s) colours %v projects but its mark is %+v", page, a.Name, a.Code, a.Values[0], mark)
			}
			counted += a.Values[dashboard.MapProjects]
			if strings.HasPrefix(scope, "comarca=") && a.Values[dashboard.MapProjects] > 0 && shapes[a.Code] != strings.TrimPrefix(strings.Split(scope, "&")[0], "comarca=") {
				t.Errorf("%s: %s outside the comarca counts %v projects", page, a.Code, a.Values[0])
			}
		}
		// Tolosaldea is one of the demo's comarcas left out: a white map.
		if leftOut := scope == "comarca=E39"; (counted == 0) != leftOut {
			t.Errorf("%s: the map colours %v projects", page, counted)
		}
		// The comarca filter offers the comarcas by name, the current one chosen.
		if scope == "comarca=E39" && !strings.Contains(body, `<option value="E39" selected>Tolosa</option>`) {
			t.Errorf("%s: the comarca filter does not show Tolosaldea (Tolosa) chosen", page)
		}
		// Every figure of the page, the municipalities' included, equals its list.
		if n := checkPageAgrees(t, app, html.UnescapeString(page)); n < 88 {
			t.Errorf("%s: compared %d figures, want every municipality's", page, n)
		}
	}
}

// The built-in boundaries go compressed to a client that accepts it, and a
// client holding them gets 304.
func TestBuiltinBoundariesCached(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	req := httptest.NewRequest(http.MethodGet, "/geo/gipuzkoa.geojson", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	if res.Header.Get("Content-Encoding") != "gzip" || len(raw) > 30<<10 {
		t.Fatalf("encoding %q, %d bytes: want gzip under 30 KB", res.Header.Get("Content-Encoding"), len(raw))
	}
	zr, err := gzip.NewReader(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); !strings.HasPrefix(string(b), `{"attribution"`) {
		t.Errorf("gzip body starts %.40q", b)
	}
	req = httptest.NewRequest(http.MethodGet, "/geo/gipuzkoa.geojson", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if res, err = app.Test(req, -1); err != nil || res.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %v %v, want 304", res.StatusCode, err)
	}
}

// A mission elsewhere brings its own boundaries in its document; "none"
// falls back to the bubbles; the server's --geojson applies to a mission
// that says nothing.
func TestMissionBoundaries(t *testing.T) {
	t.Parallel()
	app, st := newFreshApp(t, web.Options{GeoJSON: []byte(`{"type":"FeatureCollection","features":[]}`), GeoJSONName: "ine"})
	lat, lon, pop := 42.06, -1.6, int64(37000)
	if err := st.UpsertGeoAreas(context.Background(), []portfolio.GeoArea{{Code: "31232", NameEU: "Tutera", NameES: "Tudela", Level: "municipality",
		Population: &pop, Lat: &lat, Lon: &lon}}, 2024); err != nil {
		t.Fatal(err)
	}
	tiny := mustReadTestdata(t, "mission_tiny.yaml")
	own := `{"type":"FeatureCollection","attribution":"Boundaries: Tudela <test>","features":[{"type":"Feature","properties":{"ine":"31232"},"geometry":{"type":"Polygon","coordinates":[[[-1.6,42.0],[-1.5,42.0],[-1.5,42.1],[-1.6,42.0]]]}}]}`
	put := func(doc string, want int) string {
		req := httptest.NewRequest(http.MethodPut, "/api/v1/missions/tiny", strings.NewReader(doc))
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("PUT mission: %d, want %d: %s", res.StatusCode, want, b)
		}
		return string(b)
	}
	// Each look uses a scope of its own: a cached page is refreshed in the
	// background after a change, and the first look would see the old one.
	looks := []string{"lang=en", "lang=es", "lang=eu", "lang=en&status=any", "lang=es&status=any"}
	territory := func() string {
		q := looks[0]
		looks = looks[1:]
		return string(mustGet(t, app, "/m/tiny/d/territory?"+q))
	}

	put(tiny, 201)
	mustImport(t, st, "tiny", "projects", "projects.csv", mustReadTestdata(t, "projects_tiny.csv"))
	if m := mapChart.FindStringSubmatch(territory()); m == nil || m[1] != "/geo/map.json" || m[2] != "ine" {
		t.Errorf("without boundaries of its own the mission uses --geojson: %v", m)
	}
	put(tiny+"boundaries:\n  code_property: ine\n  geojson: "+own+"\n", 200)
	body := territory()
	if m := mapChart.FindStringSubmatch(body); m == nil || m[1] != "/m/tiny/boundaries.geojson" || m[2] != "ine" {
		t.Errorf("the mission's own boundaries are not drawn: %v", m)
	}
	// Its attribution is shown escaped, its English "Boundaries:" in the
	// page's language (this look is Spanish).
	if !strings.Contains(body, `class="attribution">Límites municipales: Tudela &lt;test&gt;<`) {
		t.Errorf("the mission's attribution is not shown (escaped, in Spanish)")
	}
	served := decode[map[string]any](t, mustGet(t, app, "/m/tiny/boundaries.geojson"))
	if served["attribution"] != "Boundaries: Tudela <test>" {
		t.Errorf("served boundaries: %v", served)
	}
	put(tiny+"boundaries: {builtin: none}\n", 200)
	if body := territory(); mapChart.MatchString(body) || !strings.Contains(body, `class="chart chart-map"`) {
		t.Errorf("builtin: none should draw bubbles without boundaries")
	}
	// A wrong file is refused with the feature and the property named, and
	// the mission stays as it was.
	msg := put(tiny+"boundaries:\n  code_property: code\n  geojson: "+own+"\n", 400)
	if !strings.Contains(msg, `boundaries.geojson.features[0]: no property \"code\"`) {
		t.Errorf("error %s", msg)
	}
	if body := territory(); mapChart.MatchString(body) {
		t.Errorf("a refused document changed the boundaries")
	}
	// Without any municipality known there is nothing to colour: the map
	// says so instead of drawing a blank province.
	app2, st2 := newFreshApp(t, web.Options{})
	req := httptest.NewRequest(http.MethodPut, "/api/v1/missions/tiny", strings.NewReader(tiny))
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	if _, err := app2.Test(req, -1); err != nil {
		t.Fatal(err)
	}
	mustImport(t, st2, "tiny", "projects", "projects.csv", mustReadTestdata(t, "projects_tiny.csv"))
	if body := string(mustGet(t, app2, "/m/tiny/d/territory")); mapChart.MatchString(body) || !strings.Contains(body, "No municipality is known to this instance yet") {
		t.Errorf("a territory without reference geography should say so")
	}
}
