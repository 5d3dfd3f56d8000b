package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

type digestJSON struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Total int    `json:"total"`
}

// TestDigestWeeks reads the demo's digest on 6 December 2026, five weeks
// after its last signals: the page opens on the latest week that has any
// (2026-W44), says which, and pages through the weeks.
func TestDigestWeeks(t *testing.T) {
	t.Parallel()
	app, _ := newSnapshotAppAt(t, time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)) // 2026-W49
	weekTotal := func(week string) int {
		status, body := send(t, app, http.MethodGet, "/api/v1/missions/gipuzkoa/digest?week="+week, "", nil)
		mustStatus(t, status, http.StatusOK, body)
		return decode[digestJSON](t, body).Total
	}
	w44, w43 := weekTotal("2026-W44"), weekTotal("2026-W43")
	if w44 == 0 || w43 == 0 {
		t.Fatalf("the demo's weeks 43 and 44 have %d and %d approved signals, want some in each", w43, w44)
	}
	if n := weekTotal("2026-W49"); n != 0 {
		t.Errorf("week 49 has %d signals, want none: the demo's signals end on 1 November", n)
	}
	status, body := send(t, app, http.MethodGet, "/api/v1/missions/gipuzkoa/digest?week=2026-W44", "", nil)
	mustStatus(t, status, http.StatusOK, body)
	if d := decode[digestJSON](t, body); d.From != "2026-10-26" || d.To != "2026-11-02" {
		t.Errorf("week 44 is [%s, %s), want [2026-10-26, 2026-11-02)", d.From, d.To)
	}
	runScenarios(t, app, []scenario{
		{
			name: "defaults to the latest week with signals", url: "/m/gipuzkoa/digest?lang=en", wantStatus: 200,
			wantContains: []string{
				`data-week="2026-W44"`, "Week 44 of 2026. Approved signals observed from 26 Oct 2026 to 1 Nov 2026", fmt.Sprintf("%d signals", w44),
				`href="/m/gipuzkoa/digest?lang=en&amp;week=2026-W43"`, `href="/m/gipuzkoa/digest?lang=en&amp;week=2026-W45"`,
				`<option value="2026-W44" selected>`, `<option value="2026-W49">`, `<option value="2026-W38">`,
			},
			wantNotContains: []string{"No approved signal was observed", `<option value="2026-W37"`, `<option value="2026-W50"`},
		},
		{
			name: "an older week", url: "/m/gipuzkoa/digest?week=2026-W43", wantStatus: 200,
			wantContains: []string{`data-week="2026-W43"`, fmt.Sprintf("%d signals", w43), `<option value="2026-W43" selected>`},
		},
		{
			name: "a week beyond the picker's is added to it", url: "/m/gipuzkoa/digest?week=2026-W20", wantStatus: 200,
			wantContains: []string{`<option value="2026-W20" selected>`},
		},
		{
			name: "the current week has no next link", url: "/m/gipuzkoa/digest?week=2026-W49", wantStatus: 200,
			wantContains:    []string{"No approved signal was observed", `rel="prev"`},
			wantNotContains: []string{`rel="next"`},
		},
		{name: "in Spanish", url: "/m/gipuzkoa/digest?lang=es", wantStatus: 200,
			wantContains: []string{"Semana 44 de 2026", "Semana anterior"}},
		{name: "not a week", url: "/m/gipuzkoa/digest?week=2026-W60", wantStatus: 400, wantContains: []string{"2026-W60"}},
		{name: "not a week, API", url: "/api/v1/missions/gipuzkoa/digest?week=44", wantStatus: 400},
	})
	// The digest's figures and its list agree: as many signals listed as
	// counted.
	_, body = send(t, app, http.MethodGet, "/m/gipuzkoa/digest?week=2026-W44", "", nil)
	if n := strings.Count(string(body), `<time datetime="2026-`); n < w44 {
		t.Errorf("week 44 lists %d signal lines, want at least its %d signals", n, w44)
	}
}
