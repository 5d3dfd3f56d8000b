package snapshot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

func TestDecisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustFixture(t, t0)
	f.mustImport(t, "t", ingest.KindProjects, ingest.ModeAppend, diffT0)
	a := f.mustTake(t, "t", "March", t0)
	book := f.svc.Decisions()

	f.clock.set(t0.Add(time.Hour))
	due := portfolio.Date{Time: time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)}
	scale, err := book.Create(ctx, portfolio.Decision{SnapshotID: a.ID, Scope: "project", Ref: "P1", Type: "scale",
		Rationale: " Strong uptake in three towns ", Owner: "Ane", DueDate: &due})
	if err != nil {
		t.Fatal(err)
	}
	if scale.ID <= 0 || scale.Status != "open" || scale.Rationale != "Strong uptake in three towns" || scale.Mission != "t" ||
		scale.SnapshotLabel != "March" || !scale.CreatedAt.Equal(t0.Add(time.Hour)) || len(scale.Updates) != 1 {
		t.Errorf("created: got %+v", scale)
	}
	if _, err := book.Create(ctx, portfolio.Decision{SnapshotID: a.ID, Scope: "cell", Ref: "p2/regulation", Type: "start_new",
		Rationale: "Nobody works on this", Status: "in_progress"}); err != nil {
		t.Fatal(err)
	}

	for name, c := range map[string]struct {
		d       portfolio.Decision
		code    string
		details int
	}{
		"everything wrong":   {portfolio.Decision{SnapshotID: a.ID, Scope: "galaxy", Type: "maybe", Status: "someday"}, portfolio.EINVALID, 4},
		"no rationale":       {portfolio.Decision{SnapshotID: a.ID, Scope: "mission", Type: "keep"}, portfolio.EINVALID, 1},
		"project without":    {portfolio.Decision{SnapshotID: a.ID, Scope: "project", Type: "stop", Rationale: "x"}, portfolio.EINVALID, 1},
		"cell malformed":     {portfolio.Decision{SnapshotID: a.ID, Scope: "cell", Ref: "p1", Type: "stop", Rationale: "x"}, portfolio.EINVALID, 1},
		"mission with ref":   {portfolio.Decision{SnapshotID: a.ID, Scope: "mission", Ref: "P1", Type: "keep", Rationale: "x"}, portfolio.EINVALID, 1},
		"no snapshot":        {portfolio.Decision{Scope: "mission", Type: "keep", Rationale: "x"}, portfolio.EINVALID, 1},
		"unknown snapshot":   {portfolio.Decision{SnapshotID: 999, Scope: "mission", Type: "keep", Rationale: "x"}, portfolio.ENOTFOUND, 0},
		"unknown project":    {portfolio.Decision{SnapshotID: a.ID, Scope: "project", Ref: "P99", Type: "stop", Rationale: "x"}, portfolio.EINVALID, 0},
		"unknown cell":       {portfolio.Decision{SnapshotID: a.ID, Scope: "cell", Ref: "p9/community", Type: "stop", Rationale: "x"}, portfolio.EINVALID, 0},
		"cluster malformed":  {portfolio.Decision{SnapshotID: a.ID, Scope: "signal_cluster", Ref: "water", Type: "connect", Rationale: "x"}, portfolio.EINVALID, 1},
		"unknown cluster":    {portfolio.Decision{SnapshotID: a.ID, Scope: "signal_cluster", Ref: "pillar/nowhere", Type: "connect", Rationale: "x"}, portfolio.EINVALID, 0},
		"org without name":   {portfolio.Decision{SnapshotID: a.ID, Scope: "organisation", Type: "connect", Rationale: "x"}, portfolio.EINVALID, 1},
		"unknown org":        {portfolio.Decision{SnapshotID: a.ID, Scope: "organisation", Ref: "Nobody Ltd", Type: "connect", Rationale: "x"}, portfolio.EINVALID, 0},
		"rationale too long": {portfolio.Decision{SnapshotID: a.ID, Scope: "mission", Type: "keep", Rationale: strings.Repeat("x", maxRationale+1)}, portfolio.EINVALID, 1},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := book.Create(ctx, c.d)
			wantCode(t, err, c.code)
			if got := len(portfolio.ErrorDetails(err)); got != c.details {
				t.Errorf("details: got %d %v, want %d", got, portfolio.ErrorDetails(err), c.details)
			}
		})
	}

	// Status updates append to the history.
	f.clock.set(t0.Add(48 * time.Hour))
	got, err := book.UpdateStatus(ctx, scale.ID, "in_progress", "Call drafted")
	if err != nil {
		t.Fatal(err)
	}
	f.clock.set(t0.Add(96 * time.Hour))
	got, err = book.UpdateStatus(ctx, scale.ID, "done", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "done" || !got.UpdatedAt.Equal(t0.Add(96*time.Hour)) || !got.CreatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("updated: got status %s updated %s created %s", got.Status, got.UpdatedAt, got.CreatedAt)
	}
	var steps []string
	for _, u := range got.Updates {
		steps = append(steps, u.Status+":"+u.Note)
	}
	if want := "open:,in_progress:Call drafted,done:"; strings.Join(steps, ",") != want {
		t.Errorf("history: got %v, want %s", steps, want)
	}
	if got.DueDate == nil || got.DueDate.Format(time.DateOnly) != "2026-05-31" {
		t.Errorf("due date: got %v, want 2026-05-31", got.DueDate)
	}
	_, err = book.UpdateStatus(ctx, scale.ID, "finished", "")
	wantCode(t, err, portfolio.EINVALID)
	_, err = book.UpdateStatus(ctx, 999, "done", "")
	wantCode(t, err, portfolio.ENOTFOUND)

	// A later snapshot shows March's decisions as decided on March's
	// snapshot; March's pack does not show June's.
	b := f.mustTake(t, "t", "June", t1)
	if _, err := book.Create(ctx, portfolio.Decision{SnapshotID: b.ID, Scope: "mission", Type: "keep", Rationale: "Balance is fine"}); err != nil {
		t.Fatal(err)
	}
	onB, err := book.OnSnapshot(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	var on []string
	for _, d := range onB {
		on = append(on, d.Type+"@"+d.SnapshotLabel)
	}
	if want := "keep@June,scale@March,start_new@March"; strings.Join(on, ",") != want {
		t.Errorf("on June's snapshot: got %v, want %s", on, want)
	}
	onA, err := book.OnSnapshot(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(onA) != 2 {
		t.Errorf("on March's snapshot: got %d decisions, want 2", len(onA))
	}
	all, err := book.List(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].SnapshotID != b.ID || all[1].Status != "done" {
		t.Errorf("list: got %+v", all)
	}
	_, err = book.List(ctx, "nope")
	wantCode(t, err, portfolio.ENOTFOUND)
}

func TestOverdue(t *testing.T) {
	t.Parallel()
	due := portfolio.Date{Time: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		status, today string
		due           *portfolio.Date
		want          bool
	}{
		{"in_progress", "2026-11-01", &due, true},
		{"open", "2026-11-01", &due, true},
		{"open", "2026-10-31", &due, false}, // due today: not late yet
		{"done", "2026-11-01", &due, false},
		{"dropped", "2026-11-01", &due, false},
		{"open", "2026-11-01", nil, false},
	} {
		d := portfolio.Decision{Status: c.status, DueDate: c.due}
		if got := Overdue(d, c.today); got != c.want {
			t.Errorf("Overdue(%s, due %v, on %s) = %v, want %v", c.status, c.due, c.today, got, c.want)
		}
	}
	// 23:30 UTC on 31 October is already 1 November in Madrid.
	now := time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC)
	if got := Today(now, "Europe/Madrid"); got != "2026-11-01" {
		t.Errorf("Today in Madrid = %s, want 2026-11-01", got)
	}
	if got := Today(now, "Nowhere/Unknown"); got != "2026-10-31" {
		t.Errorf("Today in an unknown zone = %s, want the UTC date", got)
	}
}
