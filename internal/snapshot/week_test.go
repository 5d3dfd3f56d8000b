package snapshot

import (
	"context"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

func TestWeek(t *testing.T) {
	t.Parallel()
	for s, monday := range map[string]string{
		"2026-W44": "2026-10-26",
		"2026-W01": "2025-12-29", // the week of 1 January 2026, a Thursday
		"2026-W53": "2026-12-28",
		"2020-W53": "2020-12-28",
	} {
		w, err := ParseWeek(s)
		if err != nil {
			t.Errorf("ParseWeek(%s): %v", s, err)
			continue
		}
		if got := w.Monday().Format(time.DateOnly); got != monday || w.String() != s || WeekOf(w.Monday().AddDate(0, 0, 6)) != w {
			t.Errorf("%s: Monday %s (want %s), written %s, its Sunday in %v", s, got, monday, w, WeekOf(w.Monday().AddDate(0, 0, 6)))
		}
	}
	for _, bad := range []string{"2025-W53", "2026-W00", "2026-W1", "2026W44", "2026-44", "", "W44-2026", "2026-W44x"} {
		_, err := ParseWeek(bad)
		wantCode(t, err, portfolio.EINVALID)
	}
	w, _ := ParseWeek("2026-W01")
	if got := w.Add(-1).String(); got != "2025-W52" {
		t.Errorf("the week before 2026-W01 is %s, want 2025-W52", got)
	}
	if got := w.Add(1).String(); got != "2026-W02" || !w.Before(w.Add(1)) || w.Add(1).Before(w) {
		t.Errorf("the week after 2026-W01 is %s, want 2026-W02 after it", got)
	}
}

func TestDigestWeek(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// In Madrid it is already Monday 30 March 2026 (week 14).
	now := time.Date(2026, 3, 29, 23, 30, 0, 0, time.UTC)
	f := mustFixture(t, now)
	f.mustImport(t, "t", ingest.KindSignals, ingest.ModeAppend, `ext_ref,headline,url,observed_at,status,pillars
A1,Sunday of week 13,,2026-03-29,approved,p1
A2,Monday of week 13,,2026-03-23,approved,p1
X1,Sunday of week 12,,2026-03-22,approved,p1
X2,Monday of week 14,,2026-03-30,approved,p1
X3,Not approved,,2026-03-26,new,p1
X4,Next week,,2026-04-06,approved,p1
`)
	d, err := f.svc.DigestWeek(ctx, "t", Week{2026, 13})
	if err != nil {
		t.Fatal(err)
	}
	if d.From != "2026-03-23" || d.To != "2026-03-30" || d.Total != 2 || len(d.Groups) != 1 || d.Groups[0].Count != 2 {
		t.Errorf("week 13: [%s, %s) with %d signals in %+v, want [2026-03-23, 2026-03-30) with A1 and A2", d.From, d.To, d.Total, d.Groups)
	}
	weeks, err := f.svc.SignalWeeks(ctx, "t", now)
	if err != nil {
		t.Fatal(err)
	}
	want := []WeekCount{{Week{2026, 14}, 1}, {Week{2026, 13}, 2}, {Week{2026, 12}, 1}}
	if len(weeks) != len(want) {
		t.Fatalf("weeks = %+v, want %+v (not next week's, not the unapproved)", weeks, want)
	}
	for i := range want {
		if weeks[i] != want[i] {
			t.Errorf("weeks[%d] = %+v, want %+v", i, weeks[i], want[i])
		}
	}
	_, err = f.svc.DigestWeek(ctx, "nope", Week{2026, 13})
	wantCode(t, err, portfolio.ENOTFOUND)
}
