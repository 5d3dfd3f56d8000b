package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

func TestProjectDetail(t *testing.T) {
	ctx := context.Background()
	st, m := MustFixture(t)
	// A second import changes P1's status: its page names both batches.
	path := filepath.Join(t.TempDir(), "p.csv")
	os.WriteFile(path, []byte("ext_ref,title,status,level\nP1,Community energy,planned,community\n"), 0o600)
	b, err := ingest.New(st, time.Now).Import(ctx, ingest.Request{Mission: m.Slug, Kind: ingest.KindProjects, Mode: ingest.ModeUpsert, Path: path, Filename: "second.csv"}, false)
	if err != nil || b.Status != portfolio.ImportCommitted {
		t.Fatalf("upsert: %v %+v", err, b)
	}
	d, err := st.ProjectDetail(ctx, m, "P1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Community energy" || len(d.Signals) != 1 || d.Signals[0].ExtRef != "S1" || d.Signals[0].Headline != "Energy communities spread" {
		t.Errorf("P1 with its signals: got %q %+v", d.Title, d.Signals)
	}
	if len(d.Batches) != 2 || !d.Batches[0].Created || d.Batches[1].Created || d.Batches[1].Filename != "second.csv" ||
		d.Batches[0].Status != "active" || d.Batches[1].Status != "planned" {
		t.Errorf("P1 batches: got %+v, want the fixture's (created, active) then second.csv (planned)", d.Batches)
	}
	if _, err := st.ProjectDetail(ctx, m, "nope"); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("unknown project: got %v, want ENOTFOUND", err)
	}
}

func TestSignalAndOrganisationDetail(t *testing.T) {
	ctx := context.Background()
	st, m := MustFixture(t)
	g, err := st.SignalDetail(ctx, m, "S1")
	if err != nil {
		t.Fatal(err)
	}
	if g.Headline != "Energy communities spread" || len(g.Linked) != 1 || g.Linked[0].ExtRef != "P1" || g.Linked[0].Title != "Community energy" ||
		len(g.History) != 1 || g.History[0].Status != "approved" {
		t.Errorf("S1: got %+v", g)
	}
	if _, err := st.SignalDetail(ctx, m, "S9"); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("unknown signal: got %v, want ENOTFOUND", err)
	}
	orgs, _, err := st.OrganisationsInScope(ctx, m, portfolio.Scope{}, portfolio.Page{Search: "beta"})
	if err != nil || len(orgs) != 1 {
		t.Fatalf("Beta SL: %v %v", orgs, err)
	}
	o, err := st.OrganisationDetail(ctx, m, orgs[0].ID, portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	// Beta SL leads P2 and is a partner of P1 (with Alpha Coop and Gamma
	// Univ): degree 2, as are the other two, so all share rank 1.
	if o.Name != "Beta SL" || len(o.All) != 2 || o.All[0].ExtRef != "P1" || o.All[0].Relation != "partner" || o.All[1].Relation != "lead" ||
		o.Projects != 2 || o.Levels["community"] != 2 || o.Degree != 2 || o.Rank != 1 || o.Connected != 3 {
		t.Errorf("Beta SL: got %+v", o)
	}
	if _, err := st.OrganisationDetail(ctx, m, 999999, portfolio.Scope{}); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("unknown organisation: got %v, want ENOTFOUND", err)
	}
}
