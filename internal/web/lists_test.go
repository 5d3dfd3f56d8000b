package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/begira/begira/internal/portfolio"
)

type projectPage struct {
	Items []portfolio.Project `json:"items"`
	Total int64               `json:"total"`
}

type signalPage struct {
	Items []portfolio.Signal `json:"items"`
	Total int64              `json:"total"`
}

type orgPage struct {
	Items []portfolio.Organisation `json:"items"`
	Total int64                    `json:"total"`
}

// projectText is what a project search looks in, lower-cased.
func projectText(p portfolio.Project) string {
	return strings.ToLower(p.ExtRef + " " + p.Title + " " + p.Summary + " " + p.LeadOrg + " " + strings.Join(p.Partners, " "))
}

func TestListSearchIgnoresCaseAndAccents(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	base := "/api/v1/missions/gipuzkoa/projects?status=any&limit=500&q="
	plain := decode[projectPage](t, mustGet(t, app, base+"ONATI"))
	accented := decode[projectPage](t, mustGet(t, app, base+url.QueryEscape("oñati")))
	if plain.Total == 0 || plain.Total != accented.Total || int64(len(plain.Items)) != plain.Total {
		t.Fatalf("q=ONATI: %d (%d rows), q=oñati: %d; want the same, over 0", plain.Total, len(plain.Items), accented.Total)
	}
	for _, p := range plain.Items {
		if !strings.Contains(projectText(p), "oñati") {
			t.Errorf("%s %q matched ONATI without mentioning Oñati", p.ExtRef, p.Title)
		}
	}
	// Every project that mentions it is found.
	all := decode[projectPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects?status=any&limit=500"))
	want := 0
	for _, p := range all.Items {
		if strings.Contains(projectText(p), "oñati") {
			want++
		}
	}
	if int64(want) != plain.Total {
		t.Errorf("q=ONATI found %d projects, %d mention Oñati", plain.Total, want)
	}
	// Without a search the total is the scope's figure.
	if all.Total != int64(len(all.Items)) {
		t.Errorf("status=any: total %d, %d rows", all.Total, len(all.Items))
	}
}

func TestListSortAndBadParams(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ps := decode[projectPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects?sort=-budget&limit=500"))
	seenNull := false
	for i, p := range ps.Items {
		if p.BudgetTotalEUR == nil {
			seenNull = true
			continue
		}
		if seenNull {
			t.Fatalf("%s has a budget after projects without one", p.ExtRef)
		}
		if i > 0 && ps.Items[i-1].BudgetTotalEUR != nil && *ps.Items[i-1].BudgetTotalEUR < *p.BudgetTotalEUR {
			t.Fatalf("sort=-budget: %s (%v) after %s (%v)", p.ExtRef, *p.BudgetTotalEUR, ps.Items[i-1].ExtRef, *ps.Items[i-1].BudgetTotalEUR)
		}
	}
	gs := decode[signalPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/signals?sort=headline&limit=50"))
	for i := 1; i < len(gs.Items); i++ {
		if strings.ToLower(gs.Items[i-1].Headline) > strings.ToLower(gs.Items[i].Headline) && !strings.ContainsAny(gs.Items[i-1].Headline+gs.Items[i].Headline, "áéíóúñÁÉÍÓÚÑ¿¡«\"'") {
			t.Errorf("sort=headline: %q before %q", gs.Items[i-1].Headline, gs.Items[i].Headline)
		}
	}
	os := decode[orgPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/organisations?sort=-projects&limit=500"))
	for i := 1; i < len(os.Items); i++ {
		if os.Items[i-1].Projects < os.Items[i].Projects {
			t.Fatalf("sort=-projects: %s (%d) before %s (%d)", os.Items[i-1].Name, os.Items[i-1].Projects, os.Items[i].Name, os.Items[i].Projects)
		}
	}
	runScenarios(t, app, []scenario{
		{name: "unknown sort column", url: "/api/v1/missions/gipuzkoa/projects?sort=password", wantStatus: 400,
			check: wantAPIError("EINVALID", "sort=\"password\"", "budget")},
		{name: "unknown format", url: "/api/v1/missions/gipuzkoa/signals?format=pdf", wantStatus: 400, check: wantAPIError("EINVALID", "csv or xlsx")},
		{name: "answered=maybe", url: "/api/v1/missions/gipuzkoa/signals?answered=maybe", wantStatus: 400, check: wantAPIError("EINVALID", "answered")},
		{name: "search too long", url: "/api/v1/missions/gipuzkoa/projects?q=" + strings.Repeat("a", 201), wantStatus: 400, check: wantAPIError("EINVALID", "at most 200")},
	})
}

func TestSignalsAnsweredByNoProject(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	all := decode[signalPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/signals?signal_status=approved&limit=1"))
	no := decode[signalPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/signals?signal_status=approved&answered=no&limit=500"))
	yes := decode[signalPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/signals?signal_status=approved&answered=yes&limit=1"))
	if no.Total == 0 || yes.Total == 0 || no.Total+yes.Total != all.Total {
		t.Fatalf("approved signals: %d = %d answered by none + %d answered? want both over 0", all.Total, no.Total, yes.Total)
	}
	for _, g := range no.Items {
		if len(g.Projects) > 0 {
			t.Errorf("%s is answered by %v, listed as answered by none", g.ExtRef, g.Projects)
		}
	}
	page := string(mustGet(t, app, "/m/gipuzkoa/signals?signal_status=approved&answered=no&lang=es"))
	if !strings.Contains(page, `<option value="no" selected>Por ningún proyecto</option>`) {
		t.Errorf("the signals page does not show its answered filter selected")
	}
}

// TestListExportIsTheFilteredList: the CSV and the workbook hold exactly
// the rows the API lists for the same parameters, in the same order.
func TestListExportIsTheFilteredList(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	params := "level=community&q=" + url.QueryEscape("asociación") + "&sort=-budget"
	api := decode[projectPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects?limit=500&"+params))
	if api.Total == 0 || int64(len(api.Items)) != api.Total {
		t.Fatalf("API: %d rows of %d", len(api.Items), api.Total)
	}
	var refs []string
	for _, p := range api.Items {
		refs = append(refs, p.ExtRef)
	}
	for _, path := range []string{"/api/v1/missions/gipuzkoa/projects", "/m/gipuzkoa/projects"} {
		body := mustGet(t, app, path+"?lang=es&format=csv&"+params)
		if !bytes.HasPrefix(body, []byte("\ufeff")) {
			t.Errorf("%s: Spanish CSV without a BOM", path)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var got []string
		for _, rec := range recs[1:] {
			got = append(got, rec[0])
		}
		if !slices.Equal(got, refs) {
			t.Errorf("%s CSV rows %v, API rows %v", path, got, refs)
		}
		if recs[0][0] != "Ref." || !slices.Contains(recs[0], "Comarca") || !slices.Contains(recs[0], "Nivel de acción") {
			t.Errorf("%s CSV header %v: want labels in Spanish", path, recs[0])
		}
		// Labels, never codes: the level column says "Acción comunitaria".
		if col := slices.Index(recs[0], "Nivel de acción"); col < 0 || recs[1][col] != "Acción comunitaria" {
			t.Errorf("%s CSV level cell %q", path, recs[1][max(col, 0)])
		}
	}
	body := mustGet(t, app, "/api/v1/missions/gipuzkoa/projects?lang=en&format=xlsx&"+params)
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(refs)+1 || rows[1][0] != refs[0] {
		t.Errorf("workbook: %d rows (first %v), want %d with %s first", len(rows), rows[1], len(refs)+1, refs[0])
	}
	// sort=-budget: the first row has the largest budget, as a number.
	budgetCol := slices.Index(rows[0], "Total budget")
	if budgetCol < 0 || api.Items[0].BudgetTotalEUR == nil {
		t.Fatalf("workbook header %v, first budget %v", rows[0], api.Items[0].BudgetTotalEUR)
	}
	axis, _ := excelize.CoordinatesToCellName(budgetCol+1, 2)
	if v, err := f.GetCellValue("Sheet1", axis, excelize.Options{RawCellValue: true}); err != nil || v != fmt.Sprint(*api.Items[0].BudgetTotalEUR) {
		t.Errorf("budget cell %s = %q, want %v", axis, v, *api.Items[0].BudgetTotalEUR)
	}
	if typ, _ := f.GetCellType("Sheet1", axis); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("budget cell %s is text, want a number", axis)
	}
	// Signals and organisations export too, all their rows.
	for _, kind := range []string{"signals", "organisations"} {
		total := decode[orgPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/"+kind+"?limit=1")).Total
		recs, err := csv.NewReader(bytes.NewReader(mustGet(t, app, "/api/v1/missions/gipuzkoa/"+kind+"?format=csv&lang=en"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(recs)-1) != total {
			t.Errorf("%s CSV: %d rows, API total %d", kind, len(recs)-1, total)
		}
	}
}

func TestListPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	runScenarios(t, app, []scenario{
		{name: "projects page searches and sorts", url: "/m/gipuzkoa/projects?q=ONATI&sort=-budget&lang=en", wantStatus: 200,
			wantContains: []string{`match “ONATI”`, `aria-sort="descending"`, `class="table-wrap list"`, `name="q" value="ONATI"`,
				`format=csv`, `format=xlsx`, "Debagoiena"}},
		{name: "signals page has the scope's filters", url: "/m/gipuzkoa/signals?lang=en", wantStatus: 200,
			wantContains: []string{`name="pillar"`, `name="signal_status"`, `name="answered"`, `href="/m/gipuzkoa/signals/SIG-`}},
		{name: "organisations page links each one", url: "/m/gipuzkoa/organisations?sort=-projects&lang=en", wantStatus: 200,
			wantContains: []string{`href="/m/gipuzkoa/organisations/`, `aria-sort="descending"`}},
	})
}

func TestDetailPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	d := decode[portfolio.ProjectDetail](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects/PRJ-0001"))
	if d.Place == nil || d.Place.NameEU != "Bergara" || d.Place.ComarcaEU == "" || len(d.Batches) == 0 || !d.Batches[0].Created || len(d.Snapshots) < 2 {
		t.Fatalf("PRJ-0001: place %+v, batches %+v, snapshots %+v", d.Place, d.Batches, d.Snapshots)
	}
	// As of the first snapshot, the later snapshots are not yet there.
	asOf := decode[portfolio.ProjectDetail](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/projects/PRJ-0001?snapshot=1"))
	if len(asOf.Snapshots) != 1 || asOf.Snapshots[0].SnapshotID != 1 {
		t.Errorf("as of snapshot 1: snapshots %+v, want only the first", asOf.Snapshots)
	}
	// A signal answered by projects, and its page.
	gs := decode[signalPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/signals?answered=yes&limit=1"))
	g := gs.Items[0]
	gd := decode[portfolio.SignalDetail](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/signals/"+g.ExtRef))
	if len(gd.Linked) != len(g.Projects) || gd.Linked[0].ExtRef != g.Projects[0] || gd.Linked[0].Title == "" || len(gd.History) == 0 {
		t.Errorf("signal %s: linked %+v (list says %v), history %+v", g.ExtRef, gd.Linked, g.Projects, gd.History)
	}
	orgs := decode[orgPage](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/organisations?sort=-projects&limit=1"))
	od := decode[portfolio.OrganisationDetail](t, mustGet(t, app, fmt.Sprintf("/api/v1/missions/gipuzkoa/organisations/%d", orgs.Items[0].ID)))
	if od.Name != orgs.Items[0].Name || od.Projects != orgs.Items[0].Projects || od.Degree == 0 || od.Rank == 0 || len(od.All) < od.Projects || len(od.Levels) == 0 {
		t.Errorf("organisation %s: got %+v", orgs.Items[0].Name, od)
	}
	runScenarios(t, app, []scenario{
		{name: "project page", url: "/m/gipuzkoa/projects/PRJ-0001?lang=es", wantStatus: 200,
			wantContains: []string{"Bergara", "Debagoiena", "En cada instantánea", "creado por la importación", "Acción comunitaria"}},
		{name: "signal page", url: "/m/gipuzkoa/signals/" + g.ExtRef + "?lang=en", wantStatus: 200,
			wantContains: []string{g.Headline, "Projects linked to this signal", `href="/m/gipuzkoa/projects/` + g.Projects[0]}},
		{name: "organisation page", url: fmt.Sprintf("/m/gipuzkoa/organisations/%d?lang=en", od.ID), wantStatus: 200,
			wantContains: []string{"Network position", "Shares projects with", "Levels of action"}},
		{name: "unknown signal", url: "/api/v1/missions/gipuzkoa/signals/NOPE", wantStatus: 404, check: wantAPIError("ENOTFOUND")},
		{name: "organisation id not a number", url: "/api/v1/missions/gipuzkoa/organisations/abc", wantStatus: 400, check: wantAPIError("EINVALID")},
		{name: "unknown organisation", url: "/m/gipuzkoa/organisations/99999999", wantStatus: 404},
	})
}
