package docs_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/metrics"
)

// TestMetricsDocumentsTheCatalogue: every metric of the catalogue has a row
// in METRICS.md, and every row names a metric of the catalogue (C9, the
// stage transitions, is computed by the snapshot diff).
func TestMetricsDocumentsTheCatalogue(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("METRICS.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| ([CS]\d+) \| [^|]+\| [^|]`).FindAllSubmatch(doc, -1) {
		rows[string(m[1])] = true
	}
	known := map[string]bool{"C9": true}
	for _, m := range metrics.Catalogue() {
		known[m.Code] = true
		if !rows[m.Code] {
			t.Errorf("metric %s (%s) has no row in docs/METRICS.md", m.Code, m.Label.In("en"))
		}
	}
	for code := range rows {
		if !known[code] {
			t.Errorf("docs/METRICS.md has a row for %s, which is not in the catalogue", code)
		}
	}
}

// TestAnalystCSVListsEveryField: every canonical column of every import
// kind is named in ANALYST_CSV.md's header line for that kind.
func TestAnalystCSVListsEveryField(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("ANALYST_CSV.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{ingest.KindProjects, ingest.KindOrganisations, ingest.KindSignals} {
		section := string(doc)
		title := "### " + strings.ToUpper(kind[:1]) + kind[1:]
		i := strings.Index(section, title)
		if i < 0 {
			t.Errorf("docs/ANALYST_CSV.md has no %q section", title)
			continue
		}
		section = section[i:]
		start := strings.Index(section, "```\n")
		end := strings.Index(section[start+4:], "```")
		if start < 0 || end < 0 {
			t.Errorf("the %s section has no header line", kind)
			continue
		}
		header := map[string]bool{}
		for _, f := range strings.Split(strings.ReplaceAll(section[start+4:start+4+end], "\n", ""), ",") {
			header[strings.TrimSpace(f)] = true
		}
		for _, f := range ingest.Fields(kind) {
			if !header[f.Name] {
				t.Errorf("field %s of %s is missing from the header line of docs/ANALYST_CSV.md", f.Name, kind)
			}
			delete(header, f.Name)
		}
		for f := range header {
			t.Errorf("docs/ANALYST_CSV.md lists %s among the %s columns, which Begira does not read", f, kind)
		}
	}
}
