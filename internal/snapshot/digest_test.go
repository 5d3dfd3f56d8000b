package snapshot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

func TestDigest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// 2026-03-29 23:30 UTC is 2026-03-30 01:30 in Madrid (summer time began
	// that night): the digest's day is the 30th there, the 29th in UTC. The
	// window is [2026-03-23, 2026-03-30) in Madrid.
	now := time.Date(2026, 3, 29, 23, 30, 0, 0, time.UTC)
	f := mustFixture(t, now)
	f.mustImport(t, "t", ingest.KindSignals, ingest.ModeAppend, `ext_ref,headline,url,observed_at,status,pillars,challenges,steep,level_observed
A1,Last day in,https://a.example/1,2026-03-29,approved,p1|p2,food,social,community
A2,First day in,,2026-03-23,approved,p1,water,,
A3,Untagged,,2026-03-25,approved,,,,startup
X1,Before the window,,2026-03-22,approved,p1,food,social,
X2,Today: next week,,2026-03-30,approved,p1,food,social,
X3,Not approved,,2026-03-26,new,p1,food,social,
`)
	d, err := f.svc.Digest(ctx, "t", now)
	if err != nil {
		t.Fatal(err)
	}
	if d.From != "2026-03-23" || d.To != "2026-03-30" || d.Timezone != "Europe/Madrid" || d.Total != 3 {
		t.Errorf("window: got [%s, %s) %s with %d signals, want [2026-03-23, 2026-03-30) Europe/Madrid with 3", d.From, d.To, d.Timezone, d.Total)
	}
	// Scheme order of the mission: pillar, challenge, steep (lever has no
	// signal); within pillar, p1 (2 signals) before p2 (1).
	var groups []string
	for _, g := range d.Groups {
		var refs []string
		for _, s := range g.Signals {
			refs = append(refs, s.ExtRef)
		}
		groups = append(groups, g.Scheme+"/"+g.Term+"="+strings.Join(refs, "+"))
		if g.Count != len(g.Signals) {
			t.Errorf("%s/%s: count %d for %d signals", g.Scheme, g.Term, g.Count, len(g.Signals))
		}
	}
	if want := "pillar/p1=A1+A2 pillar/p2=A1 challenge/food=A1 challenge/water=A2 steep/social=A1"; strings.Join(groups, " ") != want {
		t.Errorf("groups: got %s, want %s", strings.Join(groups, " "), want)
	}
	if len(d.Untagged) != 1 || d.Untagged[0].ExtRef != "A3" {
		t.Errorf("untagged: got %+v, want A3", d.Untagged)
	}
	first := d.Groups[0].Signals[0]
	if first.URL != "https://a.example/1" || first.ObservedAt.Format(time.DateOnly) != "2026-03-29" || first.Headline != "Last day in" {
		t.Errorf("signal: got %+v", first)
	}
	if d.Groups[2].Label.ES != "Alimentación" {
		t.Errorf("label of food: got %+v", d.Groups[2].Label)
	}

	// Two hours earlier it is still the 29th in Madrid: the window moves back
	// a day, taking X1 in and A1 out.
	d, err = f.svc.Digest(ctx, "t", now.Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if d.From != "2026-03-22" || d.To != "2026-03-29" || d.Total != 3 {
		t.Errorf("window a day earlier: got [%s, %s) with %d signals, want [2026-03-22, 2026-03-29) with 3 (X1, A2, A3)", d.From, d.To, d.Total)
	}
	_, err = f.svc.Digest(ctx, "nope", now)
	wantCode(t, err, portfolio.ENOTFOUND)
}
