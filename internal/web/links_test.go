package web_test

import (
	"strings"
	"testing"
)

// TestLinksList: a cell of the cross-level heatmap opens the links it
// counts (the consistency walk compares every cell with its list); the
// list names both projects, pages, and refuses a level the mission lacks.
func TestLinksList(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	api := "/api/v1/missions/gipuzkoa/links?level_a=community&level_b=startup"
	all := decode[struct {
		Total int64 `json:"total"`
		Items []struct {
			A, B struct {
				ExtRef string `json:"ext_ref"`
				Title  string `json:"title"`
				Level  string `json:"level"`
			}
			Shared int `json:"shared_organisations"`
		} `json:"items"`
	}](t, mustGet(t, app, api+"&limit=500"))
	if all.Total == 0 || int64(len(all.Items)) != all.Total {
		t.Fatalf("community × startup: %d items of %d; want every link of a non-empty cell", len(all.Items), all.Total)
	}
	for _, it := range all.Items {
		levels := it.A.Level + "/" + it.B.Level
		if (levels != "community/startup" && levels != "startup/community") || it.Shared < 1 || it.A.Title == "" || it.A.ExtRef >= it.B.ExtRef {
			t.Errorf("link %+v: want a community–startup pair in ext_ref order sharing an organisation", it)
		}
	}
	swapped := decode[listFigures](t, mustGet(t, app, "/api/v1/missions/gipuzkoa/links?level_a=startup&level_b=community&limit=1"))
	if int64(swapped.Total) != all.Total {
		t.Errorf("startup × community: %v links, community × startup %d", swapped.Total, all.Total)
	}
	runScenarios(t, app, []scenario{
		{name: "page", url: "/m/gipuzkoa/links?level_a=community&level_b=startup&limit=1&offset=1", wantStatus: 200,
			wantContains: []string{"Links between Community action and Startups and SMEs", all.Items[1].A.Title, "organisations in more than 100 projects"}},
		{name: "as of a snapshot", url: "/m/gipuzkoa/links?level_a=community&level_b=startup&snapshot=1", wantStatus: 200,
			wantContains: []string{`class="snapshot-banner"`}},
		{name: "unknown level", url: api[:strings.Index(api, "?")] + "?level_a=community&level_b=nope", wantStatus: 400},
		{name: "missing level", url: "/m/gipuzkoa/links?level_a=community", wantStatus: 400},
		{name: "no export of its own", url: api + "&format=csv", wantStatus: 400},
		{name: "no search of its own", url: "/m/gipuzkoa/links?level_a=community&level_b=startup&q=x", wantStatus: 400},
		{name: "spanish", url: "/m/gipuzkoa/links?level_a=community&level_b=startup&lang=es", wantStatus: 200,
			wantContains: []string{"Enlaces entre Acción comunitaria y Startups y pymes"}},
	})
}
