package web

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
	"github.com/begira/begira/internal/snapshot"
)

// The committee pack's summary page and its sections beyond coverage and
// pipeline: balance against the target mix, territory, signals and blind
// spots. Everything comes from the snapshot's frozen figures, in words
// and labels; the decisions are the book's state today.

// packSummary is the pack's first page and its later sections' data.
type packSummary struct {
	Gaps          []string // the gaps and blind spots, in sentences
	NextCommittee string   // the next committee's date, "" when unknown
	Overdue       []decisionView
	DueSoon       []decisionView // due before the next committee
	Balance       []balanceTable
	Territory     []territoryRow
	TerritoryNote string
	Signals       []signalGapRow
	SignalNote    string
	Unanswered    int64  // approved signals answered by no project
	UnansweredURL string // the signal list that shows them, as of the snapshot
}

type balanceTable struct {
	Scheme, TVD string
	Rows        []balanceRow
}

type balanceRow struct {
	Term, Target, Actual, Gap string
	Far                       bool // five points or more from the target
}

type territoryRow struct{ Comarca, Projects, Budget, PerCapita string }

type signalGapRow struct {
	Scheme, Term, SignalShare, PortfolioShare, Gap string
	Blind                                          bool
}

// packSummaryOf builds the summary of sn's pack: fm is sn's frozen
// mission.
func (s *Server) packSummaryOf(ctx context.Context, svc Snapshots, p *packView, fm *portfolio.Mission, sn *portfolio.Snapshot) error {
	sum := &packSummary{}
	p.Summary = sum
	res, err := svc.Compute(ctx, sn.ID, portfolio.Scope{}, metrics.Params{}, []string{"C7", "C12", "S10"})
	if err != nil {
		return err
	}
	pct := func(v *float64) string {
		if v == nil {
			return "–"
		}
		return i18n.Percent(p.Lang, *v, 0)
	}
	points := func(a, b *float64) string {
		if a == nil || b == nil {
			return "–"
		}
		return signedNumber(p.Lang, (*a-*b)*100, 0) + " pp"
	}
	type key struct{ scheme, term string }
	target, actual := map[key]*float64{}, map[key]*float64{}
	var balanceOrder []key
	tvd := map[string]*float64{}
	comarcas := map[string]map[string]*float64{}
	var comarcaOrder []string
	sShare, pShare, gap, blind := map[key]*float64{}, map[key]*float64{}, map[key]*float64{}, map[key]bool{}
	var signalOrder []key
	var orphan *float64
	c12 := map[string]*float64{}
	for _, v := range res.Values {
		d := v.Dims
		k := key{d["scheme"], d["term"]}
		switch {
		case v.Code == "C7" && d["basis"] == "count" && d["measure"] == "target":
			target[k] = v.Value
			balanceOrder = append(balanceOrder, k)
		case v.Code == "C7" && d["basis"] == "count" && d["measure"] == "actual":
			actual[k] = v.Value
		case v.Code == "C7" && d["basis"] == "count" && d["measure"] == "tvd":
			tvd[d["scheme"]] = v.Value
		case v.Code == "C12" && d["comarca"] != "":
			if comarcas[d["comarca"]] == nil {
				comarcas[d["comarca"]] = map[string]*float64{}
				comarcaOrder = append(comarcaOrder, d["comarca"])
			}
			comarcas[d["comarca"]][d["measure"]] = v.Value
		case v.Code == "C12":
			c12[d["measure"]] = v.Value
		case v.Code == "S10" && d["measure"] == "s_share":
			sShare[k] = v.Value
			signalOrder = append(signalOrder, k)
		case v.Code == "S10" && d["measure"] == "p_share":
			pShare[k] = v.Value
		case v.Code == "S10" && d["measure"] == "gap":
			gap[k] = v.Value
		case v.Code == "S10" && d["measure"] == "blind_spot":
			blind[k] = v.Value != nil && *v.Value > 0
		case v.Code == "S10" && d["measure"] == "orphan_rate":
			orphan = v.Value
		}
	}

	// Balance: per scheme with a target, each term's target and actual
	// share of projects; the summary names the furthest term.
	var furthest []string
	byScheme := map[string]*balanceTable{}
	var schemes []string
	for _, k := range balanceOrder {
		t := byScheme[k.scheme]
		if t == nil {
			t = &balanceTable{Scheme: p.schemeLabel(fm, k.scheme), TVD: pct(tvd[k.scheme])}
			byScheme[k.scheme] = t
			schemes = append(schemes, k.scheme)
		}
		far := target[k] != nil && actual[k] != nil && abs(*actual[k]-*target[k]) >= 0.05
		t.Rows = append(t.Rows, balanceRow{Term: p.termLabel(fm, k.scheme, k.term), Target: pct(target[k]), Actual: pct(actual[k]),
			Gap: points(actual[k], target[k]), Far: far})
	}
	for _, code := range schemes {
		sum.Balance = append(sum.Balance, *byScheme[code])
		var worst key
		worstGap := 0.0
		for _, k := range balanceOrder {
			if k.scheme == code && target[k] != nil && actual[k] != nil && abs(*actual[k]-*target[k]) > worstGap {
				worst, worstGap = k, abs(*actual[k]-*target[k])
			}
		}
		if worstGap >= 0.05 {
			furthest = append(furthest, p.T("pack.gap_target", p.schemeLabel(fm, code), p.termLabel(fm, code, worst.term),
				pct(actual[worst]), pct(target[worst])))
		}
	}

	// Territory: the comarcas by projects, with budget and euros per
	// inhabitant; names from the snapshot's frozen places.
	as, _, release, err := svc.AsOf(ctx, sn.ID)
	if err != nil {
		return err
	}
	areas, err := as.GeoAreas(ctx, "comarca")
	if err == nil {
		_, sum.Unanswered, err = as.Signals(ctx, fm, portfolio.SignalFilter{Status: "approved", Answered: "no"}, portfolio.Page{Limit: 1})
	}
	release()
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, a := range areas {
		names[a.Code] = (&portfolio.Place{NameEU: a.NameEU, NameES: a.NameES}).Name(p.Lang)
	}
	sort.SliceStable(comarcaOrder, func(i, j int) bool {
		return val(comarcas[comarcaOrder[i]]["projects"]) > val(comarcas[comarcaOrder[j]]["projects"])
	})
	for _, code := range comarcaOrder {
		m := comarcas[code]
		name := names[code]
		if name == "" {
			name = code
		}
		row := territoryRow{Comarca: name, Projects: p.Int(int64(val(m["projects"]))), Budget: i18n.EURCompact(p.Lang, val(m["budget"])), PerCapita: "–"}
		if m["eur_per_capita"] != nil {
			row.PerCapita = i18n.Number(p.Lang, *m["eur_per_capita"], 0) + " €"
		}
		sum.Territory = append(sum.Territory, row)
	}
	sum.TerritoryNote = p.T("pack.territory_note", pct(c12["comarca_share"]), pct(c12["municipality_share"]))
	if v := c12["gini_eur_per_capita"]; v != nil {
		sum.TerritoryNote += " " + p.T("pack.territory_gini", i18n.Number(p.Lang, *v, 2))
	}

	// Signals: the terms whose share of signals most exceeds their share
	// of the portfolio, blind spots first.
	sort.SliceStable(signalOrder, func(i, j int) bool {
		a, b := signalOrder[i], signalOrder[j]
		if blind[a] != blind[b] {
			return blind[a]
		}
		return val(gap[a]) > val(gap[b])
	})
	var blindNames []string
	for i, k := range signalOrder {
		if blind[k] {
			blindNames = append(blindNames, p.T("pack.term_share", p.termLabel(fm, k.scheme, k.term), pct(sShare[k])))
		}
		if i < 8 && (blind[k] || val(gap[k]) > 0) {
			sum.Signals = append(sum.Signals, signalGapRow{Scheme: p.schemeLabel(fm, k.scheme), Term: p.termLabel(fm, k.scheme, k.term),
				SignalShare: pct(sShare[k]), PortfolioShare: pct(pShare[k]), Gap: points(sShare[k], pShare[k]), Blind: blind[k]})
		}
	}
	sum.SignalNote = p.T("pack.orphans", p.Int(sum.Unanswered), pct(orphan))
	q := fmt.Sprintf("/m/%s/signals", fm.Slug)
	sum.UnansweredURL = p.SnapLink(q, "snapshot", sn.ID, "signal_status", "approved", "answered", "no")

	// The gaps in words: the empty cells, what emptied or filled since the
	// previous snapshot, the blind spots (new ones named), the balance.
	if len(p.EmptyCells) > 0 {
		sum.Gaps = append(sum.Gaps, p.T("pack.gap_empty", p.Int(int64(len(p.EmptyCells))), p.Int(int64(p.Cells)), p.CoverageA, p.CoverageB,
			strings.Join(p.EmptyCells, "; ")))
	} else {
		sum.Gaps = append(sum.Gaps, p.T("pack.gap_none", p.CoverageA, p.CoverageB))
	}
	if d := p.Diff; d != nil {
		if len(d.Emptied) > 0 {
			sum.Gaps = append(sum.Gaps, p.T("pack.gap_emptied", cellNames(d.Emptied)))
		}
		if len(d.Filled) > 0 {
			sum.Gaps = append(sum.Gaps, p.T("pack.gap_filled", cellNames(d.Filled)))
		}
		var fresh []string
		for _, b := range d.BlindSpots {
			fresh = append(fresh, p.T("pack.term_share", b.Term, b.Share))
		}
		if len(fresh) > 0 {
			sum.Gaps = append(sum.Gaps, p.T("pack.gap_new_blind", strings.Join(fresh, "; ")))
		} else {
			sum.Gaps = append(sum.Gaps, p.T("pack.gap_no_new_blind"))
		}
	}
	if len(blindNames) > 0 {
		sum.Gaps = append(sum.Gaps, p.T("pack.gap_blind", strings.Join(blindNames, "; ")))
	}
	sum.Gaps = append(sum.Gaps, furthest...)
	sum.Gaps = append(sum.Gaps, sum.SignalNote)

	return s.packDecisionsDue(ctx, svc, p, fm, sn)
}

// packDecisionsDue lists the decisions still open that are overdue today,
// and those due before the next committee: the snapshot after sn when
// there is one, else the next run of the mission's snapshot schedule,
// else as far after sn as sn is after the snapshot before it.
func (s *Server) packDecisionsDue(ctx context.Context, svc Snapshots, p *packView, fm *portfolio.Mission, sn *portfolio.Snapshot) error {
	sum := p.Summary
	list, err := svc.List(ctx, sn.Mission)
	if err != nil {
		return err
	}
	now := s.now()
	var next time.Time
	for i := range list { // newest first
		if list[i].ID == sn.ID {
			switch {
			case i > 0:
				next = list[i-1].TakenAt
			case p.Mission != nil && p.Mission.Schedules[schedule.JobSnapshot] != "":
				if sched, err := cron.ParseStandard(p.Mission.Schedules[schedule.JobSnapshot]); err == nil {
					next = sched.Next(now)
				}
			case i+1 < len(list):
				next = sn.TakenAt.Add(sn.TakenAt.Sub(list[i+1].TakenAt))
				for !next.After(now) && i == 0 {
					next = next.Add(sn.TakenAt.Sub(list[i+1].TakenAt))
				}
			}
		}
	}
	today := snapshot.Today(now, fm.Timezone)
	if !next.IsZero() {
		sum.NextCommittee = p.Date(next)
	}
	ds, err := svc.Decisions().List(ctx, sn.Mission)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Status == "done" || d.Status == "dropped" || d.DueDate == nil {
			continue
		}
		v := decisionView{decisionRow: decisionRow{Decision: d, Due: p.Date(d.DueDate.Time)}, Subject: p.DecisionLabel("scope", d.Scope)}
		if d.Ref != "" {
			v.Subject += ": " + p.DecisionSubject(d.Scope, d.Ref)
		}
		switch {
		case snapshot.Overdue(d, today):
			v.Overdue = true
			sum.Overdue = append(sum.Overdue, v)
		case next.IsZero() || d.DueDate.Format(time.DateOnly) <= next.Format(time.DateOnly):
			sum.DueSoon = append(sum.DueSoon, v)
		}
	}
	return nil
}

func cellNames(cs []cellRow) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.A + " × " + c.B
	}
	return strings.Join(names, "; ")
}

func val(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// signedNumber writes x with its sign, the reader's way.
func signedNumber(lang string, x float64, decimals int) string {
	s := i18n.Number(lang, x, decimals)
	if x > 0 {
		return "+" + s
	}
	return s
}

// packPickers fills the decision form's pickers of a signal cluster (a
// signal term, blind spots first, with its number of signals) and of an
// organisation (the snapshot's, by name, with its projects).
func (s *Server) packPickers(ctx context.Context, svc Snapshots, p *packView, fm *portfolio.Mission, sn *portfolio.Snapshot) error {
	as, _, release, err := svc.AsOf(ctx, sn.ID)
	if err != nil {
		return err
	}
	defer release()
	blind := map[string]bool{}
	if p.Summary != nil {
		for _, r := range p.Summary.Signals {
			if r.Blind {
				blind[r.Scheme+": "+r.Term] = true
			}
		}
	}
	var first, rest []filterOption
	for _, sc := range fm.Schemes {
		if !sc.AppliesToKind(portfolio.KindSignal) || sc.Code == "level" {
			continue
		}
		for _, t := range sc.ActiveTerms() {
			_, n, err := as.Signals(ctx, fm, portfolio.SignalFilter{Scheme: sc.Code, Term: t.Code}, portfolio.Page{Limit: 1})
			if err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			label := sc.Label.In(p.Lang) + ": " + t.Label.In(p.Lang)
			o := filterOption{Value: sc.Code + "/" + t.Code, Label: label + " (" + p.T("signals.count", p.Int(n)) + ")"}
			if blind[label] {
				o.Label += " · " + p.T("pack.blind")
				first = append(first, o)
			} else {
				rest = append(rest, o)
			}
		}
	}
	p.ClusterOptions = append(first, rest...)
	orgs, _, err := as.OrganisationsInScope(ctx, fm, portfolio.Scope{AnyStatus: true}, portfolio.Page{All: true})
	if err != nil {
		return err
	}
	for _, o := range orgs {
		p.OrgOptions = append(p.OrgOptions, filterOption{Value: o.Name, Label: p.T("projects.count", p.Int(int64(o.Projects)))})
	}
	return nil
}
