package web

import (
	"fmt"
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// The snapshot pages: a mission's snapshots and decision log and what
// changed between two snapshots (the committee pack is in pack.go, the
// weekly digest in digest.go). They read through the Snapshots service
// only; everything they show of a snapshot comes from its frozen rows and
// figures.

// snapshotsView is a mission's snapshots with its decision log and, for
// leaders and above, its guest links.
type snapshotsView struct {
	page
	Rows        []snapshotRow // newest first
	Decisions   []decisionRow
	GuestLinks  []portfolio.GuestLink // the mission's guest links (leaders and above)
	NewGuestURL string                // a guest link just created, shown once
}

// diffPageView is what changed between two snapshots, or since one.
type diffPageView struct {
	page
	Snap    *portfolio.Snapshot
	Diff    *diffView      // nil when there is nothing to compare with
	Against []filterOption // the baseline picker
}

// snapshotRow is one line of the list, with the snapshot taken before it.
type snapshotRow struct {
	portfolio.Snapshot
	Prev int64 // 0 for the mission's first snapshot
}

// diffView is a snapshot.Diff with its figures formatted and its codes
// turned into labels in the reader's language.
type diffView struct {
	*snapshot.Diff
	KPIs       []kpiDelta
	Budget     []budgetRow
	FromName   string // "Snapshot 3", or "Today" for the live side
	ToName     string
	Emptied    []cellRow
	Filled     []cellRow
	Cells      []cellRow // every cell whose projects changed
	Moves      []moveRow // projects that moved stage
	BlindSpots []blindSpotRow
	Flows      []flowRow
	Advance    []advanceRow
	StopRate   string
	Entered    string        // C14: "n of total (share)", or why there is no figure
	Sankey     template.JS   // the diff page's movement sankey (ECharts option)
	FlowBars   template.HTML // the pack's movements, inline SVG
}

type kpiDelta struct{ Name, Label, From, To, Delta string }

type budgetRow struct{ ExtRef, Title, From, To, Delta string }

type cellRow struct {
	A, B, From, To string
	Entered, Left  []snapshot.ProjectRef
}

type moveRow struct{ ExtRef, Title, From, To string }

type blindSpotRow struct{ Scheme, Term, Share string }

type flowRow struct {
	From, To string
	Count    int64
}

type advanceRow struct {
	Stage, Advance string
	N              int64
}

// snapshotsPage lists a mission's snapshots with their links, the form to
// take one now and the mission's decision log.
func (s *Server) snapshotsPage(c *fiber.Ctx) error { return s.renderSnapshots(c, "") }

// renderSnapshots renders the list; newGuestURL is a guest link just
// created, shown this once. Leaders and above also see the guest links.
func (s *Server) renderSnapshots(c *fiber.Ctx, newGuestURL string) error {
	svc, err := s.snapshotService()
	if err != nil {
		return err
	}
	mp, err := s.missionPage(c, "snapshots")
	if err != nil {
		return err
	}
	defer mp.done()
	ctx := c.UserContext()
	items, err := svc.List(ctx, mp.Mission.Slug)
	if err != nil {
		return err
	}
	p := &snapshotsView{page: *mp, Rows: make([]snapshotRow, len(items))}
	for i, sn := range items {
		p.Rows[i].Snapshot = sn
		if i+1 < len(items) {
			p.Rows[i].Prev = items[i+1].ID
		}
	}
	ds, err := svc.Decisions().List(ctx, p.Mission.Slug)
	if err != nil {
		return err
	}
	p.Decisions = p.decisionRows(ds)
	if principal(c).Can(p.Mission.Slug, auth.Leader) {
		if p.GuestLinks, err = s.access.GuestLinks(ctx, p.Mission.Slug); err != nil {
			return err
		}
		p.NewGuestURL = newGuestURL
		p.Form = &formData{CSRF: s.csrfToken(c)}
	}
	p.Title = p.T("snapshots.title")
	return s.render(c, "snapshots", p)
}

// snapshotDiffPage shows what changed from ?against=ID (by default the
// snapshot taken before) to :id, or from :id to today with ?against=live;
// stage movements are drawn as a sankey and a picker chooses the baseline.
func (s *Server) snapshotDiffPage(c *fiber.Ctx) error {
	svc, p, sn, err := s.snapshotRoute(c)
	if err != nil {
		return err
	}
	against := c.Query("against")
	if against == "" {
		prev, err := previousSnapshot(c.UserContext(), svc, sn)
		if err != nil {
			return err
		}
		if prev != nil {
			against = strconv.FormatInt(prev.ID, 10)
		}
	}
	if err := s.renderDiff(c, svc, p, sn, against); err != nil {
		return err
	}
	return nil
}

// diffAgainst computes the diff a page or the API asks for: against "live"
// compares sn with today's data, an id compares that snapshot (before)
// with sn (after).
func diffAgainst(c *fiber.Ctx, svc Snapshots, sn *portfolio.Snapshot, against string) (*snapshot.Diff, error) {
	if against == "live" {
		return svc.DiffLive(c.UserContext(), sn.ID)
	}
	id, err := strconv.ParseInt(against, 10, 64)
	if err != nil || id < 1 {
		return nil, portfolio.Errorf(portfolio.EINVALID, "against=%q is neither a snapshot number nor live", against)
	}
	// The route's guard checked the reader's role on sn's mission only: a
	// snapshot of another mission is answered as if it did not exist, and
	// the answer names no mission.
	other, err := svc.Get(c.UserContext(), id)
	if err != nil || other.MissionID != sn.MissionID {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "no snapshot %d to compare with on this mission", id)
	}
	return svc.Diff(c.UserContext(), sn.ID, id)
}

// renderDiff shows what changed between sn and against ("" when there is
// nothing to compare with).
func (s *Server) renderDiff(c *fiber.Ctx, svc Snapshots, fp *page, sn *portfolio.Snapshot, against string) error {
	p := &diffPageView{page: *fp, Snap: sn}
	p.Title = p.T("diff.title", sn.ID)
	if p.Guest == "" {
		items, err := svc.List(c.UserContext(), sn.Mission)
		if err != nil {
			return err
		}
		p.Against = append(p.Against, filterOption{Value: "live", Label: p.T("diff.against_live"), Selected: against == "live"})
		for _, it := range items {
			if it.ID != sn.ID {
				v := strconv.FormatInt(it.ID, 10)
				p.Against = append(p.Against, filterOption{Value: v, Label: p.T("diff.against_snapshot", it.ID, it.Label,
					p.SnapTime(it.TakenAt)), Selected: against == v})
			}
		}
	}
	if against == "" {
		return s.render(c, "diff", p)
	}
	d, err := diffAgainst(c, svc, sn, against)
	if err != nil {
		return err
	}
	fm, err := frozenMission(c.UserContext(), svc, sn.ID)
	if err != nil {
		return err
	}
	if p.Diff, err = newDiffView(&p.page, fm, d, true); err != nil {
		return err
	}
	if d.ToLive {
		p.Title = p.T("diff.title_live", sn.ID)
	} else {
		p.Title = p.T("diff.title_against", sn.ID, d.From.ID)
	}
	return s.render(c, "diff", p)
}

// snapshotRoute loads what /m/:slug/snapshots/:id pages share: the
// service, the mission's page and snapshot :id (one of the mission's).
func (s *Server) snapshotRoute(c *fiber.Ctx) (Snapshots, *page, *portfolio.Snapshot, error) {
	svc, err := s.snapshotService()
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := s.missionPage(c, "snapshots")
	if err != nil {
		return nil, nil, nil, err
	}
	defer p.done()
	sn, err := s.snapshotOf(c, svc, "id")
	return svc, p, sn, err
}

// diffView compares snapshot against with sn and formats the result with
// the labels of fm, sn's frozen mission; sankey chooses the diff page's
// chart over the pack's SVG bars.
func newDiffView(p *page, fm *portfolio.Mission, d *snapshot.Diff, sankey bool) (*diffView, error) {
	v := &diffView{Diff: d, FromName: p.T("diff.col.from", d.From.ID), ToName: p.T("diff.col.to", d.To.ID)}
	if d.ToLive {
		v.ToName = p.T("diff.col.today")
	}
	for _, k := range d.KPIDeltas {
		f := func(x float64) string { return i18n.Number(p.Lang, x, 0) }
		if k.Name == "budget" {
			f = func(x float64) string { return i18n.EURCompact(p.Lang, x) }
		}
		delta := f(k.Delta)
		if k.Delta > 0 {
			delta = "+" + delta
		}
		v.KPIs = append(v.KPIs, kpiDelta{Name: k.Name, Label: p.T("kpi." + k.Name), From: f(k.From), To: f(k.To), Delta: delta})
	}
	eur := func(x *float64) string {
		if x == nil {
			return "–"
		}
		return p.EUR(*x)
	}
	for _, b := range d.BudgetChanges {
		r := budgetRow{ExtRef: b.ExtRef, Title: b.Title, From: eur(b.From), To: eur(b.To), Delta: "–"}
		if b.From != nil && b.To != nil {
			r.Delta = p.EUR(*b.To - *b.From)
			if *b.To > *b.From {
				r.Delta = "+" + r.Delta
			}
		}
		v.Budget = append(v.Budget, r)
	}
	cell := func(c snapshot.Cell) cellRow {
		return cellRow{A: p.termLabel(fm, c.AScheme, c.A), B: p.termLabel(fm, c.BScheme, c.B),
			From: i18n.Number(p.Lang, c.From, 0), To: i18n.Number(p.Lang, c.To, 0)}
	}
	for _, c := range d.CoverageCells.Emptied {
		v.Emptied = append(v.Emptied, cell(c))
	}
	for _, c := range d.CoverageCells.Filled {
		v.Filled = append(v.Filled, cell(c))
	}
	for _, c := range d.CoverageCells.Changed {
		r := cell(c)
		r.Entered, r.Left = c.Entered, c.Left
		v.Cells = append(v.Cells, r)
	}
	for _, m := range d.StageMoves.Moves {
		v.Moves = append(v.Moves, moveRow{ExtRef: m.ExtRef, Title: m.Title,
			From: p.termLabel(fm, "stage", m.From), To: p.termLabel(fm, "stage", m.To)})
	}
	for _, b := range d.NewBlindSpots {
		r := blindSpotRow{Scheme: p.schemeLabel(fm, b.Scheme), Term: p.termLabel(fm, b.Scheme, b.Term), Share: "–"}
		if b.Share != nil {
			r.Share = i18n.Percent(p.Lang, *b.Share, 1)
		}
		v.BlindSpots = append(v.BlindSpots, r)
	}
	sm := d.StageMoves
	var barLabels []string
	var barValues []float64
	for _, f := range sm.Flows {
		r := flowRow{From: p.termLabel(fm, "stage", f.From), To: p.termLabel(fm, "stage", f.To), Count: f.Count}
		v.Flows = append(v.Flows, r)
		barLabels = append(barLabels, r.From+" → "+r.To)
		barValues = append(barValues, float64(f.Count))
	}
	for _, a := range sm.Advance {
		r := advanceRow{Stage: p.termLabel(fm, "stage", a.Stage), Advance: "–", N: a.N}
		if a.Advance != nil {
			r.Advance = i18n.Percent(p.Lang, *a.Advance, 0)
		}
		v.Advance = append(v.Advance, r)
	}
	v.StopRate = "–"
	if sm.StopRate != nil {
		v.StopRate = i18n.Percent(p.Lang, *sm.StopRate, 1)
	}
	switch oe := d.OrgsEntered; {
	case oe.EarlierSnapshots == 0:
		v.Entered = p.T("diff.entered_first")
	case oe.Value == nil:
		v.Entered = p.T("diff.entered_none")
	default:
		v.Entered = p.T("diff.entered_of", len(oe.Names), oe.Total, i18n.Percent(p.Lang, *oe.Value, 1))
	}
	if sankey {
		if len(sm.Flows) > 0 {
			b, err := stageSankey(p, fm, sm).JSON()
			if err != nil {
				return nil, fmt.Errorf("web: sankey option: %w", err)
			}
			v.Sankey = template.JS(b)
		}
	} else {
		v.FlowBars = barsSVG(barLabels, barValues)
	}
	return v, nil
}

// stageSankey draws T(k,l): the stages before on the left, after on the
// right. The two sides' nodes get distinct names ("Explore (before)",
// "Explore (after)") so that staying in a stage is a flow, not a cycle.
func stageSankey(p *page, fm *portfolio.Mission, sm snapshot.StageMoves) dashboard.Option {
	before := func(code string) string { return p.T("diff.node_before", p.termLabel(fm, "stage", code)) }
	after := func(code string) string { return p.T("diff.node_after", p.termLabel(fm, "stage", code)) }
	from, to := map[string]bool{}, map[string]bool{}
	links := make([]dashboard.SankeyLink, len(sm.Flows))
	for i, f := range sm.Flows {
		from[f.From], to[f.To] = true, true
		links[i] = dashboard.SankeyLink{Source: before(f.From), Target: after(f.To), Value: float64(f.Count)}
	}
	var nodes []string
	for _, st := range sm.Stages {
		if from[st] {
			nodes = append(nodes, before(st))
		}
	}
	for _, st := range sm.Stages {
		if to[st] {
			nodes = append(nodes, after(st))
		}
	}
	return dashboard.WithFormat(dashboard.Sankey(nodes, links), p.Lang, dashboard.KindCount, p.T("col.projects"), p.T("col.stage"))
}
