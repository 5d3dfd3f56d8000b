package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

type decisionJSON struct {
	ID         int64  `json:"id"`
	SnapshotID int64  `json:"snapshot_id"`
	Scope      string `json:"scope"`
	Ref        string `json:"ref"`
	Status     string `json:"status"`
	Overdue    bool   `json:"overdue"`
	Updates    []struct {
		Status string `json:"status"`
		Note   string `json:"note"`
	} `json:"updates"`
}

var decisionRowRE = regexp.MustCompile(`(?s)<tr data-decision="(\d+)"( class="overdue")?>(.*?)</tr>`)

// decisionRows maps each decision id shown on the page to its row's HTML
// and whether the row is marked overdue.
func decisionRowsOf(body []byte) map[string][2]string {
	out := map[string][2]string{}
	for _, m := range decisionRowRE.FindAllSubmatch(body, -1) {
		out[string(m[1])] = [2]string{string(m[3]), string(m[2])}
	}
	return out
}

// The demo's October committee decided two things, both due 31 October
// 2026: a new initiative for the empty cell adaptation × regulation (in
// progress by November) and scaling a pilot (done). On 1 November the first
// is overdue and the second is not.
func TestDecisionsPage(t *testing.T) {
	t.Parallel()
	app, _ := newSnapshotApp(t) // clock: 1 November 2026
	status, body := send(t, app, http.MethodGet, "/api/v1/missions/gipuzkoa/decisions", "", nil)
	mustStatus(t, status, http.StatusOK, body)
	items := decode[struct{ Items []decisionJSON }](t, body).Items
	var cell, proj *decisionJSON
	for i := range items {
		switch items[i].Scope {
		case "cell":
			cell = &items[i]
		case "project":
			proj = &items[i]
		}
	}
	if cell == nil || proj == nil {
		t.Fatalf("the demo's decisions = %+v, want a cell and a project decision", items)
	}
	if !cell.Overdue || cell.Status != "in_progress" {
		t.Errorf("cell decision = %+v, want in progress and overdue on 1 November", cell)
	}
	if proj.Overdue || proj.Status != "done" {
		t.Errorf("project decision = %+v, want done and not overdue", proj)
	}
	if len(cell.Updates) != 2 || cell.Updates[0].Status != "open" || cell.Updates[1].Status != "in_progress" {
		t.Errorf("cell decision's history = %+v, want open then in_progress", cell.Updates)
	}
	// The project's title as the snapshot froze it.
	var title string
	status, body = send(t, app, http.MethodGet, "/api/v1/missions/gipuzkoa/projects/"+proj.Ref, "", nil)
	mustStatus(t, status, http.StatusOK, body)
	title = decode[project](t, body).Title
	if title == "" {
		t.Fatalf("project %s has no title", proj.Ref)
	}
	id := func(d *decisionJSON) string { return itoa(d.ID) }

	status, body = send(t, app, http.MethodGet, "/m/gipuzkoa/decisions?lang=en", "", nil)
	mustStatus(t, status, http.StatusOK, body)
	rows := decisionRowsOf(body)
	if len(rows) != 2 {
		t.Fatalf("page shows %d decisions, want 2", len(rows))
	}
	c, p := rows[id(cell)], rows[id(proj)]
	if c[1] == "" || !strings.Contains(c[0], `class="overdue-flag">Overdue<`) {
		t.Errorf("the cell decision is not flagged overdue: %s", c[0])
	}
	if p[1] != "" || strings.Contains(p[0], "overdue-flag") {
		t.Errorf("the done decision is flagged overdue: %s", p[0])
	}
	if !strings.Contains(c[0], "Social and climate adaptation × Policy and regulation") || strings.Contains(c[0], "adaptation/regulation") {
		t.Errorf("the cell is not named by its labels: %s", c[0])
	}
	if !strings.Contains(p[0], proj.Ref+" · "+html.EscapeString(title)) ||
		!strings.Contains(p[0], `href="/m/gipuzkoa/projects/`+proj.Ref+`?`) {
		t.Errorf("the project is not named by ext_ref and title with a link: %s", p[0])
	}
	if !strings.Contains(c[0], `href="/m/gipuzkoa/snapshots/`+itoa(cell.SnapshotID)+`/pack?`) {
		t.Errorf("no link to the pack of snapshot %d: %s", cell.SnapshotID, c[0])
	}
	if !strings.Contains(string(body), `aria-current="page">Decisions</a>`) {
		t.Error("the navigation does not mark the decisions page")
	}
	if !strings.Contains(c[0], "A draft ordinance on heat and drought") {
		t.Errorf("the status history's note is missing: %s", c[0])
	}

	packURL := "/m/gipuzkoa/snapshots/" + itoa(cell.SnapshotID) + "/pack"
	runScenarios(t, app, []scenario{
		{name: "the pack's log names the cell by its labels", url: packURL, wantStatus: 200,
			wantContains: []string{`<td class="subject"><strong>Start new</strong> · Coverage cell: Social and climate adaptation × Policy and regulation`,
				// The summary lists it among the overdue decisions.
				`<tr class="overdue" data-decision="` + itoa(cell.ID) + `"><td>Start new</td><td class="subject">Coverage cell: Social and climate adaptation × Policy and regulation</td>`},
			wantNotContains: []string{"<code>adaptation/regulation</code>", "Coverage cell: adaptation/regulation"}},
		{name: "the snapshots page's log too", url: "/m/gipuzkoa/snapshots", wantStatus: 200,
			wantContains:    []string{`<td class="subject">Coverage cell: Social and climate adaptation × Policy and regulation</td>`},
			wantNotContains: []string{"adaptation/regulation"}},
		{name: "overdue only", url: "/m/gipuzkoa/decisions?overdue=1", wantStatus: 200, check: func(t *testing.T, body []byte) {
			if r := decisionRowsOf(body); len(r) != 1 || r[id(cell)][0] == "" {
				t.Errorf("overdue=1 shows %d rows, want the cell decision alone", len(r))
			}
		}},
		{name: "by status", url: "/m/gipuzkoa/decisions?decision_status=done", wantStatus: 200, check: func(t *testing.T, body []byte) {
			if r := decisionRowsOf(body); len(r) != 1 || r[id(proj)][0] == "" {
				t.Errorf("decision_status=done shows %d rows, want the project decision alone", len(r))
			}
		}},
		{name: "no match", url: "/m/gipuzkoa/decisions?decision_status=open&overdue=1", wantStatus: 200,
			wantContains: []string{"No decision matches these filters."}},
		{name: "unknown status", url: "/m/gipuzkoa/decisions?decision_status=later", wantStatus: 400, wantContains: []string{"later"}},
		{name: "in Spanish", url: "/m/gipuzkoa/decisions?lang=es", wantStatus: 200,
			wantContains: []string{"Adaptación social y climática × Política y regulación", ">Vencida<", "Solo vencidas"}},
		{name: "in Basque", url: "/m/gipuzkoa/decisions?lang=eu", wantStatus: 200,
			wantContains: []string{"Gizarte eta klima egokitzapena × Politika eta araudia", ">Epez kanpo<"}},
	})
}

// On 30 October nothing is late yet: the flag follows the injected clock.
func TestDecisionsNotYetOverdue(t *testing.T) {
	t.Parallel()
	app, _ := newSnapshotAppAt(t, time.Date(2026, 10, 30, 12, 0, 0, 0, time.UTC))
	status, body := send(t, app, http.MethodGet, "/api/v1/missions/gipuzkoa/decisions", "", nil)
	mustStatus(t, status, http.StatusOK, body)
	items := decode[struct{ Items []decisionJSON }](t, body).Items
	if len(items) == 0 {
		t.Fatal("no decisions in the demo")
	}
	for _, d := range items {
		if d.Overdue {
			t.Errorf("decision %d is overdue on 30 October, due 31 October", d.ID)
		}
	}
	status, body = send(t, app, http.MethodGet, "/m/gipuzkoa/decisions", "", nil)
	mustStatus(t, status, http.StatusOK, body)
	if strings.Contains(string(body), "overdue-flag") {
		t.Error("the page flags a decision overdue before its due date")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
