package ingest_test

import (
	"context"
	"testing"

	"github.com/begira/begira/internal/ingest"
)

// TestUpsertKeepsColumnsTheFileLacks: a monthly file of a few columns
// updates those and leaves the rest — fields, terms, lead and partners —
// as they were; a column present but empty still clears its value.
func TestUpsertKeepsColumnsTheFileLacks(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustImport(t, "full.csv", ingest.KindProjects, ingest.ModeAppend,
		"ext_ref,title,pillars,level,stage,status,budget_total_eur,start_date,municipality_code,lead_org,partners\n"+
			"P1,First,adaptation|decarbonisation,community,pilot,active,1000,2026-01-15,20069,Alpha Coop,Beta SL|Gamma Univ\n"+
			"P2,Second,social_cohesion,startup,explore,planned,2000,2026-02-01,20045,Beta SL,\n")
	before := storedProjects(t, e.st)
	b := e.mustImport(t, "budgets.csv", ingest.KindProjects, ingest.ModeUpsert,
		"ext_ref,title,budget_total_eur,municipality_code\n"+
			"P1,First (renamed),1500,\n"+ // municipality present but empty: cleared
			"P3,Third,300,20069\n") // a new project: only what the file says
	got := storedProjects(t, e.st)
	p1 := got["P1"]
	if p1.Title != "First (renamed)" || p1.Budget == nil || *p1.Budget != 1500 {
		t.Errorf("P1 updated fields: %v", p1)
	}
	if p1.Terms != "level:community pillar:adaptation pillar:decarbonisation stage:pilot" || p1.Status != "active" ||
		p1.Start != "2026-01-15" || p1.Lead != "Alpha Coop" || p1.Partners != "Beta SL|Gamma Univ" {
		t.Errorf("P1 lost what the file did not carry: %v", p1)
	}
	if p1.Geo != "" {
		t.Errorf("P1 municipality = %q, want it cleared by the empty cell", p1.Geo)
	}
	if p2 := got["P2"]; p2.Title != "Second" || p2.Terms != "level:startup pillar:social_cohesion stage:explore" {
		t.Errorf("P2, not in the file, changed: %v", p2)
	}
	if p3 := got["P3"]; p3.Status != "active" || p3.Terms != "" || p3.Geo != "20069" {
		t.Errorf("P3, new: %v", p3)
	}
	// Rolling the partial upsert back restores exactly the state before it.
	if _, err := e.ing.Rollback(context.Background(), b.ID); err != nil {
		t.Fatal(err)
	}
	assertProjects(t, e.st, before)
}
