package web_test

import (
	"regexp"
	"strings"
	"testing"
)

var metricSection = regexp.MustCompile(`(?s)<section class="metric" id="metric-([A-Z0-9]+)">(.*?)</section>`)

// checkMetricCatalogue reads the catalogue page: three families in order,
// each metric in its family, linked to the dashboards that draw it, its
// values folded away and their dimensions written as labels.
func checkMetricCatalogue(t *testing.T, body []byte) {
	t.Helper()
	page := string(body)
	pos := func(s string) int {
		i := strings.Index(page, s)
		if i < 0 {
			t.Fatalf("the catalogue has no %s", s)
		}
		return i
	}
	portfolio, network, signals := pos(`id="family-portfolio"`), pos(`id="family-network"`), pos(`id="family-signals"`)
	if !(portfolio < network && network < signals) {
		t.Errorf("families out of order: portfolio %d, network %d, signals %d", portfolio, network, signals)
	}
	for code, fam := range map[string][2]int{"C1": {portfolio, network}, "C20": {portfolio, network}, "C16": {network, signals},
		"C19": {network, signals}, "S1": {signals, len(page)}} {
		if i := pos(`id="metric-` + code + `"`); i < fam[0] || i > fam[1] {
			t.Errorf("%s is outside its family", code)
		}
	}
	sections := map[string]string{}
	for _, m := range metricSection.FindAllStringSubmatch(page, -1) {
		sections[m[1]] = m[2]
	}
	if len(sections) < 30 {
		t.Fatalf("%d metrics on the page, want the whole catalogue", len(sections))
	}
	for code, dash := range map[string]string{"C1": "overview", "C12": "territory", "C16": "network", "S10": "signals", "C20": "health"} {
		if !strings.Contains(sections[code], `href="/m/gipuzkoa/d/`+dash+`?`) {
			t.Errorf("%s does not link to the %s dashboard that draws it: %.600s", code, dash, sections[code])
		}
	}
	if strings.Contains(page, "<details open") || strings.Count(page, `<details class="metric-values">`) < 25 {
		t.Errorf("values are not folded away in <details>: %d closed details", strings.Count(page, `<details class="metric-values">`))
	}
	// Dimensions read as labels, never as codes.
	for _, code := range []string{"a_scheme", "b_scheme", "pillar=", "level=", "=adaptation", "level_a", "top_terms"} {
		if strings.Contains(page, code) {
			t.Errorf("the catalogue shows the code %q", code)
		}
	}
	if !strings.Contains(sections["C1"], "<td>Pillar: ") || !strings.Contains(sections["C1"], " · Level of action: ") {
		t.Errorf("C1's cells are not named by their schemes and terms: %.800s", sections["C1"])
	}
	if !strings.Contains(sections["C19"], "<td>Level of action: ") {
		t.Errorf("C19's level pairs are not labelled: %.800s", sections["C19"])
	}
}

func TestMetricCatalogueInSpanish(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	runScenarios(t, app, []scenario{{
		name: "families and labels in Spanish", url: "/m/gipuzkoa/metrics?lang=es", wantStatus: 200,
		wantContains: []string{"Cobertura y equilibrio de la cartera", "Se dibuja en", "<td>Eje: ", "Nivel de acción: "},
	}})
}
