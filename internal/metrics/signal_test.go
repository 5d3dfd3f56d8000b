package metrics

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// The clock of every test is testNow = 2026-11-01 12:00 UTC, 13:00 in
// Europe/Madrid: the current month is 2026-11 (never a period), the last
// complete month is 2026-10, W = 2025-11 … 2026-10, the history table
// starts in 2025-05, today is 2026-11-01 and the review backlog holds
// 'new' signals observed before 2026-10-18.

// sigRow is one line of a hand-built signals CSV.
type sigRow struct {
	ref, date, status, source, novelty, level, actor, steep, challenges, levers, pillars, muni, projects string
}

// sigCSV writes rows as a signals CSV with the canonical header.
func sigCSV(rows []sigRow) string {
	var b strings.Builder
	b.WriteString("ext_ref,headline,source_type,observed_at,status,novelty,level_observed,observer_actor_type,steep,challenges,levers,pillars,municipality_code,projects\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,Signal %s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", r.ref, r.ref, r.source, r.date, r.status,
			r.novelty, r.level, r.actor, r.steep, r.challenges, r.levers, r.pillars, r.muni, r.projects)
	}
	return b.String()
}

// sigEnv imports the signals (and optional projects CSV) into a fresh store.
func sigEnv(t *testing.T, rows []sigRow, projects string, p Params) *Env {
	t.Helper()
	files := portfolioFiles{}
	if rows != nil {
		files[ingest.KindSignals] = sigCSV(rows)
	}
	if projects != "" {
		files[ingest.KindProjects] = projects
	}
	return mustEnv(t, files, portfolio.Scope{}, p)
}

// sigRun computes one metric and checks that no figure is NaN or infinite.
func sigRun(t *testing.T, e *Env, code string) []Value {
	t.Helper()
	vs, err := Lookup(code).Compute(context.Background(), e)
	if err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	for _, v := range vs {
		if v.Value != nil && (math.IsNaN(*v.Value) || math.IsInf(*v.Value, 0)) {
			t.Fatalf("%s %v: got %v, want a finite number or null", code, v.Dims, *v.Value)
		}
	}
	return vs
}

// sigWant checks the value and n of the row of code with dims.
func sigWant(t *testing.T, vs []Value, code string, want float64, n int64, dims ...string) {
	t.Helper()
	v := find(t, vs, code, dims...)
	if !approx(v.Value, want) || v.N != n {
		t.Errorf("%s %v: got %s (n=%d), want %g (n=%d)", code, dims, sigShow(v.Value), v.N, want, n)
	}
}

// sigWantNull checks that the row of code with dims is null with n.
func sigWantNull(t *testing.T, vs []Value, code string, n int64, dims ...string) {
	t.Helper()
	v := find(t, vs, code, dims...)
	if v.Value != nil || v.N != n {
		t.Errorf("%s %v: got %s (n=%d), want null (n=%d)", code, dims, sigShow(v.Value), v.N, n)
	}
}

func sigShow(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// sigVolumeRows is the volume fixture. Approved signals per month (the
// window W is 2025-11 … 2026-10; history from 2025-05):
//
//	month    05 06 07 08 09 10 | 11 12 01 02 03 04 05 06 07 08 09 10 | 11 (current)
//	water     2  2  2  2  2  2 |  2  2  2  2  2  2  2  2  2  2  2  3 |  –
//	food      –  –  –  –  –  – |  –  –  –  –  –  –  2  –  2  –  2  6 |  1
//	total     2  2  2  2  2  2 |  2  2  2  2  2  2  4  2  4  2  4  9 |
//
// Food's sixth October signal is dated "2026-10-31 23:30" (Madrid time,
// 22:30 UTC): it belongs to October. Not counted anywhere approval is
// needed: an October draft, an October archived signal, a January 2025
// draft (so food's first approved signal is 2026-05-10), and three 'new'
// ones observed 2026-10-10, 2026-10-18 and 2026-10-20.
func sigVolumeRows() []sigRow {
	var rows []sigRow
	for i := 0; i < 18; i++ {
		d := time.Date(2025, time.May+time.Month(i), 15, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		rows = append(rows, sigRow{ref: fmt.Sprintf("w%02da", i), date: d, status: "approved", source: "news", challenges: "water"},
			sigRow{ref: fmt.Sprintf("w%02db", i), date: d, status: "approved", source: "news", challenges: "water"})
	}
	rows = append(rows, sigRow{ref: "w17c", date: "2026-10-15", status: "approved", source: "news", challenges: "water"})
	food := []string{"2026-05-10", "2026-05-11", "2026-07-10", "2026-07-11", "2026-09-10", "2026-09-11",
		"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-31 23:30", "2026-11-01"}
	for i, d := range food {
		rows = append(rows, sigRow{ref: fmt.Sprintf("f%02d", i), date: d, status: "approved", source: "research", challenges: "food"})
	}
	for _, r := range []struct{ ref, date, status string }{
		{"x1", "2026-10-06", "draft"}, {"x2", "2026-10-07", "archived"}, {"x3", "2025-01-05", "draft"},
		{"n1", "2026-10-10", "new"}, {"n2", "2026-10-18", "new"}, {"n3", "2026-10-20", "new"},
	} {
		rows = append(rows, sigRow{ref: r.ref, date: r.date, status: r.status, source: "news", challenges: "food"})
	}
	return rows
}

func TestS1Volume(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigVolumeRows(), "", Params{}), "S1")
	// October: food 6 (the 23:30 signal included; drafts, archived and 'new'
	// ones not), of 9 approved signals. MA3 = (6 + 2 + 0)/3.
	sigWant(t, vs, "S1", 6, 9, "scheme", "challenge", "term", "food", "period", "2026-10", "measure", "count")
	sigWant(t, vs, "S1", 8.0/3, 9, "term", "food", "period", "2026-10", "measure", "ma3")
	sigWant(t, vs, "S1", 6.0/9, 9, "term", "food", "period", "2026-10", "measure", "period_share")
	sigWant(t, vs, "S1", 3, 9, "term", "water", "period", "2026-10", "measure", "count")
	sigWant(t, vs, "S1", 3.0/9, 9, "term", "water", "period", "2026-10", "measure", "period_share")
	// The window's first month averages over two months of history:
	// water 2025-11 MA3 = (2 + 2 + 2)/3 = 2; share 2/2.
	sigWant(t, vs, "S1", 2, 2, "term", "water", "period", "2025-11", "measure", "ma3")
	sigWant(t, vs, "S1", 1, 2, "term", "water", "period", "2025-11", "measure", "period_share")
	// Food in June: 0 of 2; MA3 = (0 + 2 + 0)/3.
	sigWant(t, vs, "S1", 0, 2, "term", "food", "period", "2026-06", "measure", "count")
	sigWant(t, vs, "S1", 2.0/3, 2, "term", "food", "period", "2026-06", "measure", "ma3")
	// A term without any signal has zero counts in a month with signals.
	sigWant(t, vs, "S1", 0, 9, "scheme", "lever", "term", "finance", "period", "2026-10", "measure", "count")
	// Only the 12 months of W are emitted: 2025-11 … 2026-10, never the
	// current month 2026-11 nor the history.
	months := map[string]bool{}
	for _, v := range vs {
		months[v.Dims["period"]] = true
	}
	if len(months) != 12 || !months["2025-11"] || !months["2026-10"] || months["2026-11"] || months["2025-10"] {
		t.Errorf("periods: got %v, want the 12 months 2025-11 … 2026-10", months)
	}
}

func TestS2Momentum(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigVolumeRows(), "", Params{}), "S2")
	// Food: September 2, October 6: g = (6+1)/(2+1) − 1 = 4/3; share
	// 6/9 − 2/4 = 1/6. n = 6 + 2 signals; share n = 9 + 4.
	sigWant(t, vs, "S2", 4.0/3, 8, "scheme", "challenge", "term", "food", "measure", "growth")
	sigWant(t, vs, "S2", 6.0/9-2.0/4, 13, "term", "food", "measure", "share_change")
	// Water: 2 → 3: g = 4/3 − 1 = 1/3; share 3/9 − 2/4 = −1/6.
	sigWant(t, vs, "S2", 1.0/3, 5, "term", "water", "measure", "growth")
	sigWant(t, vs, "S2", 3.0/9-2.0/4, 13, "term", "water", "measure", "share_change")
	// No signal either month: g = 1/1 − 1 = 0.
	sigWant(t, vs, "S2", 0, 0, "term", "finance", "measure", "growth")
}

func TestS5Burst(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigVolumeRows(), "", Params{}), "S5")
	// Food, October 6 against April … September 0 2 0 2 0 2: mean 1,
	// sample sd √(6·1²/5) = √1.2 ≈ 1.0954 (above the floor):
	// z = (6 − 1)/√1.2 ≈ 4.564 ≥ 2, a burst. n = 6 + 6.
	sigWant(t, vs, "S5", 5/math.Sqrt(1.2), 12, "scheme", "challenge", "term", "food", "measure", "z")
	sigWant(t, vs, "S5", 1, 12, "term", "food", "measure", "burst")
	// Water is flat: 2 every month, sd 0, floored at 1: z = (3 − 2)/1 = 1,
	// no burst (without the floor z would be infinite). n = 3 + 12.
	sigWant(t, vs, "S5", 1, 15, "scheme", "challenge", "term", "water", "measure", "z")
	sigWant(t, vs, "S5", 0, 15, "term", "water", "measure", "burst")
	// Per month: food in September, 2 against March … August 0 0 2 0 2 0:
	// mean 2/3, ss = 4·(2/3)² + 2·(4/3)² = 16/3, sd = √(16/15);
	// z = (4/3)/√(16/15) = √15/3 ≈ 1.291. n = 2 + 4.
	sigWant(t, vs, "S5", math.Sqrt(15)/3, 6, "term", "food", "period", "2026-09", "measure", "z")
	// The window's first month has a baseline from the history: water
	// 2025-11 is 2 against 2 × 6: z = 0.
	sigWant(t, vs, "S5", 0, 14, "term", "water", "period", "2025-11", "measure", "z")
	sigWant(t, vs, "S5", 5/math.Sqrt(1.2), 12, "term", "food", "period", "2026-10", "measure", "z")
}

func TestS7Persistence(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigVolumeRows(), "", Params{}), "S7")
	// Last 6 complete months 2026-05 … 2026-10: food 2 0 2 0 2 6 → 4
	// months (n = 12 signals); water every month → 6 (n = 2·5 + 3).
	sigWant(t, vs, "S7", 4, 12, "scheme", "challenge", "term", "food", "measure", "persistence")
	sigWant(t, vs, "S7", 6, 13, "term", "water", "measure", "persistence")
	sigWant(t, vs, "S7", 0, 0, "term", "finance", "measure", "persistence")
}

func TestS6NewTermsFromVolume(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigVolumeRows(), "", Params{}), "S6")
	// Food's first approved signal is 2026-05-10, 175 days before
	// 2026-11-01 (21 + 30 + 31 + 31 + 30 + 31 + 1): new. The 2025 draft does
	// not count. n = 13 approved food signals up to today.
	sigWant(t, vs, "S6", 1, 13, "scheme", "challenge", "term", "food", "measure", "new_term")
	// Water has been signalled since 2025-05-15: not new (n = 37).
	sigWant(t, vs, "S6", 0, 37, "term", "water", "measure", "new_term")
	// A term never signalled is null.
	sigWantNull(t, vs, "S6", 0, "term", "finance", "measure", "new_term")
}

func TestS12Staleness(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigVolumeRows(), "", Params{}), "S12")
	// Food's last approved signal is today, 2026-11-01 (the current month
	// counts for staleness): 0 days. Water's last is 2026-10-15: 17 days.
	sigWant(t, vs, "S12", 0, 13, "scheme", "challenge", "term", "food", "measure", "days_since_last")
	sigWant(t, vs, "S12", 17, 37, "term", "water", "measure", "days_since_last")
	sigWantNull(t, vs, "S12", 0, "term", "finance", "measure", "days_since_last")
	// 'new' signals observed 2026-10-10 (22 days ago: overdue), 2026-10-18
	// (14 days: not more than 14) and 2026-10-20: backlog 1 of 3.
	sigWant(t, vs, "S12", 1, 3, "measure", "review_backlog")
}

// sigEmergenceRows is the emergence fixture: 4 approved signals in each of
// the last three months, each with one challenge and one steep term and no
// signal before, so W's months j = 10, 11, 12 (of n = 12) carry time
// weights 0.9, 0.95 and 1:
//
//	month     food  water  social  environmental  food's sources
//	2026-08     3     1       2         2          news, news, research
//	2026-09     3     1       3         1          news ×3
//	2026-10     2     2       4         0          news, policy
func sigEmergenceRows() []sigRow {
	type cell struct {
		date, challenge, steep, source string
		n                              int
	}
	cells := []cell{
		{"2026-08-10", "food", "social", "news", 2}, {"2026-08-11", "food", "environmental", "research", 1},
		{"2026-08-12", "water", "environmental", "news", 1},
		{"2026-09-10", "food", "social", "news", 3}, {"2026-09-11", "water", "environmental", "news", 1},
		{"2026-10-10", "food", "social", "news", 1}, {"2026-10-11", "food", "social", "policy", 1},
		{"2026-10-12", "water", "social", "news", 2},
	}
	var rows []sigRow
	for _, c := range cells {
		for i := 0; i < c.n; i++ {
			rows = append(rows, sigRow{ref: fmt.Sprintf("%s-%s-%d", c.date, c.challenge, i), date: c.date, status: "approved",
				source: c.source, challenges: c.challenge, steep: c.steep})
		}
	}
	return rows
}

func TestS3VisibilityDiffusion(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigEmergenceRows(), "", Params{}), "S3")
	// Food: DoV = 3/4·0.9, 3/4·0.95, 2/4·1 in j = 10, 11, 12 and 0 before;
	// mean over the 12 months of W.
	dov := []float64{0.75 * 0.9, 0.75 * 0.95, 0.5}
	sigWant(t, vs, "S3", (dov[0]+dov[1]+dov[2])/12, 8, "scheme", "challenge", "term", "food", "measure", "visibility")
	// Growth: mean of (DoV_11 − DoV_10)/DoV_10 and (DoV_12 − DoV_11)/DoV_11
	// (the steps from months of DoV 0 have no rate): (1/18 − 0.2982…)/2.
	sigWant(t, vs, "S3", ((dov[1]-dov[0])/dov[0]+(dov[2]-dov[1])/dov[1])/2, 8, "term", "food", "measure", "visibility_growth")
	// Food's distinct source types per month: 2 (news, research), 1, 2
	// (news, policy): DoD = 2/4·0.9, 1/4·0.95, 2/4·1.
	dod := []float64{0.5 * 0.9, 0.25 * 0.95, 0.5}
	sigWant(t, vs, "S3", (dod[0]+dod[1]+dod[2])/12, 8, "term", "food", "measure", "diffusion")
	sigWant(t, vs, "S3", ((dod[1]-dod[0])/dod[0]+(dod[2]-dod[1])/dod[1])/2, 8, "term", "food", "measure", "diffusion_growth")
	sigWantNull(t, vs, "S3", 0, "scheme", "lever", "term", "tech", "measure", "visibility")
}

func TestS4EmergenceQuadrant(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigEmergenceRows(), "", Params{}), "S4")
	// Visibility by month (×0.9, ×0.95, ×1) and its growth:
	//   food          .675  .7125 .5    x = 1.8875/12   y = (0.0556 − 0.2982)/2 = −0.1213
	//   water         .225  .2375 .5    x = 0.9625/12   y = (0.0556 + 1.1053)/2 =  0.5804
	//   social        .45   .7125 1     x = 2.1625/12   y = (0.5833 + 0.4035)/2 =  0.4934
	//   environmental .45   .2375 0     x = 0.6875/12   y = (−0.4722 − 1)/2     = −0.7361
	// Medians are taken per scheme (the mean of two terms): food is above
	// in x and below in y, well known (4); water weak (1); social strong
	// (2); environmental latent (3).
	for _, c := range []struct {
		scheme, term string
		x            float64
		q            float64
		n            int64
	}{
		{"challenge", "food", 1.8875 / 12, 4, 8},
		{"challenge", "water", 0.9625 / 12, 1, 4},
		{"steep", "social", 2.1625 / 12, 2, 9},
		{"steep", "environmental", 0.6875 / 12, 3, 3},
	} {
		sigWant(t, vs, "S4", c.x, c.n, "scheme", c.scheme, "term", c.term, "measure", "x")
		sigWant(t, vs, "S4", c.q, c.n, "scheme", c.scheme, "term", c.term, "measure", "quadrant")
	}
	sigWant(t, vs, "S4", ((0.2375-0.225)/0.225+(0.5-0.2375)/0.2375)/2, 4, "term", "water", "measure", "y")
	sigWantNull(t, vs, "S4", 0, "scheme", "pillar", "term", "p1", "measure", "quadrant")
}

// sigLevelRows is the convergence fixture: lever signals observed at the
// levels of action of testMission (community, startup, regulation: K = 3).
//
//	ref  date        lever    level       actor            municipality  source
//	f1   2026-09-10  finance  community   public_admin     20069 (C1)    news
//	f2   2026-10-05  finance  community   sme              20045 (C1)    news
//	f3   2026-10-06  finance  startup     sme              20001 (C2)    news
//	f4   2026-10-07  finance  regulation  community_group  –             news
//	f5   2026-10-08  finance  –           –                20999 (none)  research
//	t1   2026-10-10  tech     community                                  news
//	t2   2026-10-11  tech     startup                                    research
//	p1   2026-09-10  policy   community                                  news
//	p2   2026-09-11  policy   startup                                    policy
//	p3   2026-10-12  policy   regulation                                 research
func sigLevelRows() []sigRow {
	return []sigRow{
		{ref: "f1", date: "2026-09-10", status: "approved", levers: "finance", level: "community", actor: "public_admin", muni: "20069", source: "news"},
		{ref: "f2", date: "2026-10-05", status: "approved", levers: "finance", level: "community", actor: "sme", muni: "20045", source: "news"},
		{ref: "f3", date: "2026-10-06", status: "approved", levers: "finance", level: "startup", actor: "sme", muni: "20001", source: "news"},
		{ref: "f4", date: "2026-10-07", status: "approved", levers: "finance", level: "regulation", actor: "community_group", source: "news"},
		{ref: "f5", date: "2026-10-08", status: "approved", levers: "finance", muni: "20999", source: "research"},
		{ref: "t1", date: "2026-10-10", status: "approved", levers: "tech", level: "community", source: "news"},
		{ref: "t2", date: "2026-10-11", status: "approved", levers: "tech", level: "startup", source: "research"},
		{ref: "p1", date: "2026-09-10", status: "approved", levers: "policy", level: "community", source: "news"},
		{ref: "p2", date: "2026-09-11", status: "approved", levers: "policy", level: "startup", source: "policy"},
		{ref: "p3", date: "2026-10-12", status: "approved", levers: "policy", level: "regulation", source: "research"},
		{ref: "d1", date: "2026-10-12", status: "draft", levers: "tech", level: "regulation", source: "news"},
	}
}

// sigLevelEnv loads the convergence fixture with two comarcas.
func sigLevelEnv(t *testing.T) *Env {
	t.Helper()
	e := sigEnv(t, sigLevelRows(), "", Params{})
	areas := []portfolio.GeoArea{
		{Code: "C1", NameEU: "C1", NameES: "C1", Level: "comarca"},
		{Code: "C2", NameEU: "C2", NameES: "C2", Level: "comarca"},
		{Code: "20069", NameEU: "a", NameES: "a", Level: "municipality", ParentCode: "C1"},
		{Code: "20045", NameEU: "b", NameES: "b", Level: "municipality", ParentCode: "C1"},
		{Code: "20001", NameEU: "c", NameES: "c", Level: "municipality", ParentCode: "C2"},
	}
	if err := e.Store.UpsertGeoAreas(context.Background(), areas, 2024); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestS8ConvergenceAcrossLevels(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigLevelEnv(t), "S8")
	// Finance: levels community 2, startup 1, regulation 1 (f5 has none;
	// n = 4 signals with a level): L = 3, share 3/K = 3/3.
	// J = −(½ ln ½ + 2·¼ ln ¼)/ln 3 = (1.5 ln 2)/ln 3 ≈ 0.9464.
	// Growth September 1 → October 4: g = 5/2 − 1 > 0, and L ≥ 3: converging.
	sigWant(t, vs, "S8", 3, 4, "scheme", "lever", "term", "finance", "measure", "levels")
	sigWant(t, vs, "S8", 1, 4, "term", "finance", "measure", "levels_share")
	sigWant(t, vs, "S8", 1.5*math.Ln2/math.Log(3), 4, "term", "finance", "measure", "levels_evenness")
	sigWant(t, vs, "S8", 1, 4, "term", "finance", "measure", "converging")
	// Tech: community and startup (the regulation draft does not count):
	// L = 2, share 2/3, J = ln 2/ln 3; growing (0 → 2) but L < 3.
	sigWant(t, vs, "S8", 2, 2, "term", "tech", "measure", "levels")
	sigWant(t, vs, "S8", 2.0/3, 2, "term", "tech", "measure", "levels_share")
	sigWant(t, vs, "S8", math.Ln2/math.Log(3), 2, "term", "tech", "measure", "levels_evenness")
	sigWant(t, vs, "S8", 0, 2, "term", "tech", "measure", "converging")
	// Policy: three levels, one each (J = 1), but declining 2 → 1:
	// g = 2/3 − 1 < 0, not converging.
	sigWant(t, vs, "S8", 3, 3, "term", "policy", "measure", "levels")
	sigWant(t, vs, "S8", 1, 3, "term", "policy", "measure", "levels_evenness")
	sigWant(t, vs, "S8", 0, 3, "term", "policy", "measure", "converging")
	sigWantNull(t, vs, "S8", 0, "scheme", "challenge", "term", "food", "measure", "levels")
}

func TestS9ConvergenceAcrossActorsAndPlaces(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigLevelEnv(t), "S9")
	// Finance: actor types public_admin, sme, community_group → 3; comarcas
	// C1 (20069, 20045) and C2 (20001); 20999 is no known municipality → 2.
	// n = 5 finance signals in W.
	sigWant(t, vs, "S9", 3, 5, "scheme", "lever", "term", "finance", "measure", "actor_types")
	sigWant(t, vs, "S9", 2, 5, "term", "finance", "measure", "comarcas")
	sigWant(t, vs, "S9", 0, 2, "term", "tech", "measure", "actor_types")
	sigWantNull(t, vs, "S9", 0, "term", "food", "measure", "comarcas")
}

func TestS13SourceDiversity(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigLevelEnv(t), "S13")
	// Finance: news 4, research 1: HHI = 0.8² + 0.2² = 0.68; news gives
	// 80 % > 60 %: an echo chamber.
	sigWant(t, vs, "S13", 0.68, 5, "scheme", "lever", "term", "finance", "measure", "source_hhi")
	sigWant(t, vs, "S13", 1, 5, "term", "finance", "measure", "echo_chamber")
	// Tech: news 1, research 1: HHI ½, no type above 60 %.
	sigWant(t, vs, "S13", 0.5, 2, "term", "tech", "measure", "source_hhi")
	sigWant(t, vs, "S13", 0, 2, "term", "tech", "measure", "echo_chamber")
	// Policy: news, policy, research: HHI 3·(1/3)² = 1/3.
	sigWant(t, vs, "S13", 1.0/3, 3, "term", "policy", "measure", "source_hhi")
	sigWantNull(t, vs, "S13", 0, "term", "water", "measure", "echo_chamber")
}

// sigPortfolioProjects: P1–P3 are in scope (planned, active); P4 is
// completed, so out of DOMAIN's P.
//
//	project  status     challenge  lever           pillar  level
//	P1       active     food       finance         p1      community
//	P2       active     food       finance, tech   p1      community
//	P3       planned    food       policy          p2      startup
//	P4       completed  water      tech            p3      regulation
const sigPortfolioProjects = `ext_ref,title,challenges,levers,pillars,level,status
P1,One,food,finance,p1,community,active
P2,Two,food,finance|tech,p1,community,active
P3,Three,food,policy,p2,startup,planned
P4,Four,water,tech,p3,regulation,completed
`

// sigPortfolioRows: five approved signals in W, one draft, one approved
// before W.
//
//	ref  date        status    challenges   lever   level      novelty  projects
//	s1   2026-10-01  approved  water         –       community  5        –
//	s2   2026-09-01  approved  water, food   –       startup    4        P1
//	s3   2026-06-01  approved  water         –       –          2        –
//	s4   2026-01-15  approved  food          tech    –          –        P2
//	s5   2025-11-01  approved  –             tech    –          1        P4
//	d1   2026-10-02  draft     water         –       –          5        –
//	o1   2025-10-20  approved  –             policy  –          5        –
func sigPortfolioRows() []sigRow {
	return []sigRow{
		{ref: "s1", date: "2026-10-01", status: "approved", challenges: "water", level: "community", novelty: "5"},
		{ref: "s2", date: "2026-09-01", status: "approved", challenges: "water|food", level: "startup", novelty: "4", projects: "P1"},
		{ref: "s3", date: "2026-06-01", status: "approved", challenges: "water", novelty: "2"},
		{ref: "s4", date: "2026-01-15", status: "approved", challenges: "food", levers: "tech", projects: "P2"},
		{ref: "s5", date: "2025-11-01", status: "approved", levers: "tech", novelty: "1", projects: "P4"},
		{ref: "d1", date: "2026-10-02", status: "draft", challenges: "water", novelty: "5"},
		{ref: "o1", date: "2025-10-20", status: "approved", levers: "policy", novelty: "5"},
	}
}

func TestS10BlindSpots(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigPortfolioRows(), sigPortfolioProjects, Params{}), "S10")
	// Challenge, signals (4 tagged): water 1 + ½ + 1 = 2.5 → 0.625, food
	// ½ + 1 = 1.5 → 0.375. Projects in scope (3 tagged): food 3/3, water 0
	// (P4 is completed). Water: gap 0.625 and a blind spot (s ≥ 5 %, no
	// project in scope carries it).
	sigWant(t, vs, "S10", 0.625, 4, "scheme", "challenge", "term", "water", "measure", "s_share")
	sigWant(t, vs, "S10", 0, 3, "scheme", "challenge", "term", "water", "measure", "p_share")
	sigWant(t, vs, "S10", 0.625, 4, "scheme", "challenge", "term", "water", "measure", "gap")
	sigWant(t, vs, "S10", 1, 4, "scheme", "challenge", "term", "water", "measure", "blind_spot")
	sigWant(t, vs, "S10", 0.375-1, 4, "term", "food", "measure", "gap")
	sigWant(t, vs, "S10", 0, 4, "term", "food", "measure", "blind_spot")
	// Lever, signals (2 tagged): tech 2/2. Projects: finance 1 + ½ = 1.5,
	// tech ½, policy 1, of 3: tech gap 1 − 1/6; not a blind spot (P2).
	sigWant(t, vs, "S10", 1, 2, "term", "tech", "measure", "s_share")
	sigWant(t, vs, "S10", 0.5/3, 3, "term", "tech", "measure", "p_share")
	sigWant(t, vs, "S10", 1-0.5/3, 2, "term", "tech", "measure", "gap")
	sigWant(t, vs, "S10", 0, 2, "term", "tech", "measure", "blind_spot")
	sigWant(t, vs, "S10", -0.5, 2, "term", "finance", "measure", "gap")
	// Level: a signal's level is its level_observed: community ½, startup ½.
	sigWant(t, vs, "S10", 0.5, 2, "scheme", "level", "term", "community", "measure", "s_share")
	sigWant(t, vs, "S10", 2.0/3, 3, "scheme", "level", "term", "community", "measure", "p_share")
	// Pillar: no signal carries one: the signal share is undefined.
	sigWantNull(t, vs, "S10", 0, "scheme", "pillar", "term", "p1", "measure", "s_share")
	sigWantNull(t, vs, "S10", 0, "scheme", "pillar", "term", "p1", "measure", "blind_spot")
	sigWant(t, vs, "S10", 2.0/3, 3, "scheme", "pillar", "term", "p1", "measure", "p_share")
	// Orphans: s1 and s3 are linked to no project (s5's project is out of
	// scope but linked): 2 of 5 approved signals in W.
	sigWant(t, vs, "S10", 0.4, 5, "measure", "orphan_rate")
	for _, v := range vs {
		if v.Dims["scheme"] == "steep" || v.Dims["scheme"] == "stage" {
			t.Errorf("S10 %v: steep and stage do not classify both projects and signals", v.Dims)
		}
	}
}

func TestS11OverInvestment(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigPortfolioRows(), sigPortfolioProjects, Params{}), "S11")
	// Finance holds 1.5/3 = 50 % ≥ 15 % of the portfolio and no signal in W:
	// a hint. Policy (1/3) has only o1, observed before W: a hint. Tech has
	// signals. n = 3 projects tagged with a lever.
	sigWant(t, vs, "S11", 1, 3, "scheme", "lever", "term", "finance", "measure", "over_investment")
	sigWant(t, vs, "S11", 1, 3, "term", "policy", "measure", "over_investment")
	sigWant(t, vs, "S11", 0, 3, "term", "tech", "measure", "over_investment")
	// Regulation: no signal, but 0 % of the portfolio in scope.
	sigWant(t, vs, "S11", 0, 3, "scheme", "level", "term", "regulation", "measure", "over_investment")
	sigWant(t, vs, "S11", 0, 3, "scheme", "level", "term", "community", "measure", "over_investment")
	// No signal of W carries a pillar: no hint can be given.
	sigWantNull(t, vs, "S11", 3, "scheme", "pillar", "term", "p1", "measure", "over_investment")
}

func TestS6Novelty(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigPortfolioRows(), sigPortfolioProjects, Params{}), "S6")
	// Approved in W with a novelty: s1 5, s2 4, s3 2, s5 1 (d1 is a draft,
	// o1 before W, s4 has none): mean 12/4 = 3; 4 or more: 2 of 4.
	sigWant(t, vs, "S6", 3, 4, "measure", "mean_novelty")
	sigWant(t, vs, "S6", 0.5, 4, "measure", "high_novelty_share")
}

func TestS12DaysSinceOldSignal(t *testing.T) {
	t.Parallel()
	vs := sigRun(t, sigEnv(t, sigPortfolioRows(), sigPortfolioProjects, Params{}), "S12")
	// Policy's only signal, 2025-10-20: 365 + 12 = 377 days before 2026-11-01.
	sigWant(t, vs, "S12", 377, 1, "scheme", "lever", "term", "policy", "measure", "days_since_last")
	// No 'new' signal: a backlog of 0 out of 0.
	sigWant(t, vs, "S12", 0, 0, "measure", "review_backlog")
}

// TestSignalMadridMonthEnd puts the clock at 2026-10-31 23:30 UTC, already
// 2026-11-01 00:30 in Madrid: October is complete and is W's last month
// (in UTC it would still be the current month), and a signal of
// 2026-10-31 is one day old.
func TestSignalMadridMonthEnd(t *testing.T) {
	t.Parallel()
	e := sigEnv(t, []sigRow{
		{ref: "a", date: "2026-10-31", status: "approved", challenges: "food"},
		{ref: "b", date: "2026-09-30", status: "approved", challenges: "food"},
	}, "", Params{})
	e, err := NewEnv(e.Store, e.Mission, portfolio.Scope{}, Params{}, time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	vs := sigRun(t, e, "S1")
	sigWant(t, vs, "S1", 1, 1, "term", "food", "period", "2026-10", "measure", "count")
	sigWant(t, vs, "S1", 1, 1, "term", "food", "period", "2026-09", "measure", "count")
	for _, v := range vs {
		if v.Dims["period"] == "2026-11" || v.Dims["period"] == "2025-10" {
			t.Fatalf("S1: got period %s, want W = 2025-11 … 2026-10", v.Dims["period"])
		}
	}
	sigWant(t, sigRun(t, e, "S12"), "S12", 1, 2, "term", "food", "measure", "days_since_last")
}

func TestSignalSchemeParam(t *testing.T) {
	t.Parallel()
	e := sigEnv(t, sigLevelRows(), "", Params{Scheme: "lever"})
	for _, code := range []string{"S1", "S3", "S8", "S10"} {
		vs := sigRun(t, e, code)
		if len(vs) == 0 {
			t.Errorf("%s: got no rows for scheme lever", code)
		}
		for _, v := range vs {
			if s, ok := v.Dims["scheme"]; ok && s != "lever" {
				t.Errorf("%s %v: got scheme %s, want only lever", code, v.Dims, s)
			}
		}
	}
}

// TestSignalEmpty: without any signal every figure is null with n = 0 —
// never NaN, Inf, zero counts or a crash; with projects but no signals only
// the portfolio side of S10 has values.
func TestSignalEmpty(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		projects string
	}{{"nothing", ""}, {"projects only", sigPortfolioProjects}} {
		t.Run(c.name, func(t *testing.T) {
			e := sigEnv(t, nil, c.projects, Params{})
			res, err := Compute(context.Background(), e, sigCodes())
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Values) == 0 {
				t.Fatal("got no rows, want null rows")
			}
			for _, v := range res.Values {
				if v.Code == "S10" && v.Dims["measure"] == "p_share" || v.Code == "S11" {
					continue
				}
				if v.Value != nil || v.N != 0 {
					t.Errorf("%s %v: got %s (n=%d), want null (n=0)", v.Code, v.Dims, sigShow(v.Value), v.N)
				}
			}
			if c.projects != "" {
				sigWant(t, res.Values, "S10", 1, 3, "scheme", "challenge", "term", "food", "measure", "p_share")
				sigWantNull(t, res.Values, "S11", 3, "scheme", "lever", "term", "finance")
			}
		})
	}
}

func sigCodes() []string {
	var out []string
	for i := 1; i <= 13; i++ {
		out = append(out, fmt.Sprintf("S%d", i))
	}
	return out
}

func TestSignalCatalogue(t *testing.T) {
	t.Parallel()
	ms := signalMetrics()
	if len(ms) != 13 {
		t.Fatalf("got %d signal metrics, want 13", len(ms))
	}
	for i, m := range ms {
		if want := fmt.Sprintf("S%d", i+1); m.Code != want {
			t.Errorf("metric %d: got code %s, want %s", i, m.Code, want)
		}
		for _, l := range catalogued(t, m.Code) {
			if l.EN == "" || l.ES == "" || l.EU == "" {
				t.Errorf("%s: got labels %+v, want en, es and eu", m.Code, l)
			}
		}
		if m.Compute == nil {
			t.Errorf("%s: no Compute", m.Code)
		}
	}
}

// TestSignalPeriodsMemoised: S1–S9 share one monthly table per Env.
func TestSignalPeriodsMemoised(t *testing.T) {
	t.Parallel()
	e := sigEnv(t, sigVolumeRows(), "", Params{})
	ctx := context.Background()
	a, err := loadSignalPeriods(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	b, err := loadSignalPeriods(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("got two period tables, want one memoised per Env")
	}
	if a.clock.months[0] != "2025-05" || a.clock.months[signalLast] != "2026-10" {
		t.Errorf("months: got %s … %s, want 2025-05 … 2026-10", a.clock.months[0], a.clock.months[signalLast])
	}
	if a.clock.backlogTo != "2026-10-18" || a.clock.today != "2026-11-01" {
		t.Errorf("clock: got today %s, backlog before %s; want 2026-11-01, 2026-10-18", a.clock.today, a.clock.backlogTo)
	}
}

// The signal queries count rows of signal_term as signals: they rely on
// the ingest storing each (signal, scheme, term) once. A term repeated in a
// cell ("food|food") is one tag: the October food count stays one signal,
// its fractional S10 weight a whole one (not two halves of the same term),
// and S13 sees one research signal.
func TestSignalTermRepeatedInCell(t *testing.T) {
	t.Parallel()
	e := sigEnv(t, []sigRow{
		{ref: "d1", date: "2026-10-05", status: "approved", source: "research", challenges: "food|food", levers: "tech"},
		{ref: "d2", date: "2026-10-06", status: "approved", source: "news", challenges: "water"},
	}, "", Params{})
	sigWant(t, sigRun(t, e, "S1"), "S1", 1, 2, "scheme", "challenge", "term", "food", "period", "2026-10", "measure", "count")
	// Challenge shares among the 2 signals tagged with a challenge: food 1/2.
	sigWant(t, sigRun(t, e, "S10"), "S10", 0.5, 2, "scheme", "challenge", "term", "food", "measure", "s_share")
	dates, err := loadSigDates(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if got := dates[sigTerm{"challenge", "food"}].n; got != 1 {
		t.Errorf("food's approved signals so far: got %d, want 1", got)
	}
	mix, err := loadSigMix(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if got := mix[sigTerm{"challenge", "food"}]["source_type"]["research"]; got != 1 {
		t.Errorf("food's research signals in W: got %d, want 1", got)
	}
}
