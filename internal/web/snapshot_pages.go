package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// The snapshot pages: a mission's snapshots and decision log, what changed
// between two snapshots, the printable committee pack and the weekly
// signal digest. They read through the Snapshots service only; everything
// they show of a snapshot comes from its frozen rows and figures.

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

// packView is the committee pack of a snapshot.
type packView struct {
	page
	Snap      *portfolio.Snapshot
	Diff      *diffView // since the snapshot before; nil for the first
	Decisions []decisionRow
	KPIs      []packKPI
	Coverage  template.HTML // pillar × level, inline SVG
	CoverageA string        // the matrix's scheme labels
	CoverageB string
	Pipeline  template.HTML // projects by stage, inline SVG

	Summary    *packSummary // the pack's first page and later sections (pack_summary.go)
	EmptyCells []string     // the coverage cells without a project, by their labels
	Cells      int          // the coverage cells

	CanDecide        bool // the pack shows the decision forms
	DecisionScopes   []string
	DecisionTypes    []string
	DecisionStatuses []string
	Refs             []filterOption // the pack's projects (ext_ref, "ext_ref · title"), for the decision form
	CellOptions      []filterOption // the coverage cells ("a/b", their two labels), for the decision form
	ClusterOptions   []filterOption // the signal clusters ("scheme/term", "Scheme: Term (n signals)")
	OrgOptions       []filterOption // the snapshot's organisations (name, its projects)
}

// digestPageView is the weekly signal digest.
type digestPageView struct {
	page
	Digest *digestView
}

// snapshotRow is one line of the list, with the snapshot taken before it.
type snapshotRow struct {
	portfolio.Snapshot
	Prev int64 // 0 for the mission's first snapshot
}

// decisionRow is a decision as shown in a log.
type decisionRow struct {
	portfolio.Decision
	Due string
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

// packKPI is one headline figure of the pack.
type packKPI struct{ Label, Value, Note, Change string }

// digestView is the weekly digest with its window in the reader's terms.
type digestView struct {
	*snapshot.Digest
	First, Last string // the first and the last day included
	TotalText   string // Total, written the reader's way
	Groups      []digestGroupView
	Week        string // the week shown, 2026-W44
	WeekText    string // the same in words, with its days
	PrevLink    string
	NextLink    string // "" for the current week: the future has no signals
	Weeks       []filterOption
}

type digestGroupView struct {
	Scheme, Term string
	Count        int
	Signals      []snapshot.DigestSignal
}

// snapshotService answers ENOTFOUND on a server started without snapshots.
func (s *Server) snapshotService() (Snapshots, error) {
	if s.snapshots == nil {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "snapshots are not enabled on this server")
	}
	return s.snapshots, nil
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

// snapshotOf loads snapshot :id and checks it is one of mission :slug's:
// a snapshot of another mission is not found here.
func (s *Server) snapshotOf(c *fiber.Ctx, svc Snapshots, param string) (*portfolio.Snapshot, error) {
	id, err := snapshotID(c, param)
	if err != nil {
		return nil, err
	}
	sn, err := svc.Get(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if sn.Mission != c.Params("slug") {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "snapshot %d is not a snapshot of mission %q", id, c.Params("slug"))
	}
	return sn, nil
}

// previousSnapshot returns the mission's snapshot taken just before sn, or
// nil for its first.
func previousSnapshot(ctx context.Context, svc Snapshots, sn *portfolio.Snapshot) (*portfolio.Snapshot, error) {
	items, err := svc.List(ctx, sn.Mission)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if items[i].ID == sn.ID && i+1 < len(items) {
			return &items[i+1], nil
		}
	}
	return nil, nil
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

// snapshotPackPage renders the committee pack: a document that prints on
// A4 without JavaScript (figures as inline SVG), with the decision forms
// on screen only.
func (s *Server) snapshotPackPage(c *fiber.Ctx) error {
	svc, p, sn, err := s.snapshotRoute(c)
	if err != nil {
		return err
	}
	return s.renderPack(c, svc, p, sn)
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

// renderPack renders the pack of sn; a guest's (p.Guest) has no forms.
func (s *Server) renderPack(c *fiber.Ctx, svc Snapshots, fp *page, sn *portfolio.Snapshot) error {
	ctx := c.UserContext()
	p := &packView{page: *fp, Snap: sn, DecisionScopes: snapshot.DecisionScopes, DecisionTypes: snapshot.DecisionTypes,
		DecisionStatuses: snapshot.DecisionStatuses}
	p.CanDecide = p.Guest == "" && principal(c).Can(sn.Mission, auth.Leader)
	fm, err := frozenMission(ctx, svc, sn.ID)
	if err != nil {
		return err
	}
	prev, err := previousSnapshot(ctx, svc, sn)
	if err != nil {
		return err
	}
	if prev != nil {
		d, err := svc.Diff(ctx, sn.ID, prev.ID)
		if err != nil {
			return err
		}
		if p.Diff, err = newDiffView(&p.page, fm, d, false); err != nil {
			return err
		}
	}
	if err := s.packFigures(ctx, svc, p, fm, sn); err != nil {
		return err
	}
	if err := s.packSummaryOf(ctx, svc, p, fm, sn); err != nil {
		return err
	}
	ds, err := svc.Decisions().OnSnapshot(ctx, sn.ID)
	if err != nil {
		return err
	}
	p.Decisions = p.decisionRows(ds)
	if p.Refs, err = packRefs(ctx, svc, sn.ID); err != nil {
		return err
	}
	if p.CanDecide {
		if err := s.packPickers(ctx, svc, p, fm, sn); err != nil {
			return err
		}
	}
	p.Title = p.T("pack.title", p.Label(p.Mission.Title))
	return s.renderDocument(c, "pack", p)
}

// digestPage shows the weekly digest: approved signals of the last seven
// days grouped by term.
func (s *Server) digestPage(c *fiber.Ctx) error {
	svc, err := s.snapshotService()
	if err != nil {
		return err
	}
	mp, err := s.missionPage(c, "digest")
	if err != nil {
		return err
	}
	defer mp.done()
	p := &digestPageView{page: *mp}
	ctx := c.UserContext()
	weeks, err := svc.SignalWeeks(ctx, p.Mission.Slug, s.now())
	if err != nil {
		return err
	}
	current := snapshot.WeekOf(mustDate(snapshot.Today(s.now(), p.Mission.Timezone)))
	// By default the latest week with approved signals, so that the page
	// opens on something to read; ?week= picks another.
	week := current
	if len(weeks) > 0 {
		week = weeks[0].Week
	}
	if v := c.Query("week"); v != "" {
		if week, err = snapshot.ParseWeek(v); err != nil {
			return err
		}
	}
	d, err := svc.DigestWeek(ctx, p.Mission.Slug, week)
	if err != nil {
		return err
	}
	dv := &digestView{Digest: d, First: p.isoDate(d.From, 0), Last: p.isoDate(d.To, -1), TotalText: p.Int(int64(d.Total)),
		Week: week.String()}
	dv.WeekText = p.T("digest.week", week.Num, week.Year)
	path := "/m/" + p.Mission.Slug + "/digest"
	dv.PrevLink = p.SnapLink(path, "week", week.Add(-1))
	if week.Before(current) {
		dv.NextLink = p.SnapLink(path, "week", week.Add(1))
	}
	dv.Weeks = p.weekOptions(weeks, current, week)
	for _, g := range d.Groups {
		dv.Groups = append(dv.Groups, digestGroupView{Scheme: p.schemeLabel(p.Mission, g.Scheme), Term: p.Label(g.Label),
			Count: g.Count, Signals: g.Signals})
	}
	p.Digest = dv
	p.NoRows = len(weeks) == 0 // no approved signal in any week
	p.Title = p.T("digest.title_week", week.Num, week.Year)
	return s.render(c, "digest", p)
}

// digestWeeksShown is how many recent weeks the digest's picker offers.
const digestWeeksShown = 12

// weekOptions are the picker's weeks: the current one and the 11 before
// it, each with its count of signals, and the shown week wherever it is.
func (p *page) weekOptions(weeks []snapshot.WeekCount, current, shown snapshot.Week) []filterOption {
	count := map[snapshot.Week]int{}
	for _, w := range weeks {
		count[w.Week] = w.Signals
	}
	var out []filterOption
	option := func(w snapshot.Week) filterOption {
		mon := w.Monday()
		return filterOption{Value: w.String(), Selected: w == shown, Label: p.T("digest.week_option", w.Num, w.Year,
			p.Date(mon), p.Date(mon.AddDate(0, 0, 6)), p.Count(count[w]))}
	}
	inList := false
	for i := 0; i < digestWeeksShown; i++ {
		w := current.Add(-i)
		inList = inList || w == shown
		out = append(out, option(w))
	}
	if !inList {
		out = append(out, option(shown))
	}
	return out
}

// mustDate reads a YYYY-MM-DD date that the code itself wrote.
func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// renderDocument renders a page that is a whole document of its own (the
// pack: no dashboard scripts, its own header), defined as "<name>-document".
func (s *Server) renderDocument(c *fiber.Ctx, name string, v view) error {
	c.Vary(fiber.HeaderAcceptLanguage)
	s.personal(c, v.frame())
	var buf bytes.Buffer
	if err := s.pages.byName[name].ExecuteTemplate(&buf, name+"-document", v); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// frozenMission returns the mission as the snapshot froze it, taxonomy
// included: labels of terms since renamed or retired stay those of the day.
func frozenMission(ctx context.Context, svc Snapshots, id int64) (*portfolio.Mission, error) {
	_, m, release, err := svc.AsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	release()
	return m, nil
}

// packRefs lists the projects a project decision may name, the snapshot's,
// each as its ext_ref labelled with its title so that the picker finds it
// by either.
func packRefs(ctx context.Context, svc Snapshots, id int64) ([]filterOption, error) {
	projects, err := svc.Projects(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]filterOption, len(projects))
	for i, pr := range projects {
		out[i] = filterOption{Value: pr.ExtRef, Label: pr.ExtRef + " · " + pr.Title}
	}
	return out, nil
}

// packFigures reads the snapshot's frozen figures: the headline figures,
// the coverage matrix (C1 full counts, the matrix the snapshot was taken
// with) and the pipeline by stage (C8 counts).
func (s *Server) packFigures(ctx context.Context, svc Snapshots, p *packView, fm *portfolio.Mission, sn *portfolio.Snapshot) error {
	res, err := svc.Compute(ctx, sn.ID, portfolio.Scope{}, metrics.Params{}, []string{"C1", "C8", "C14", "C20"})
	if err != nil {
		return err
	}
	var rows, cols []string // term codes, in the order of the figures
	var aScheme, bScheme string
	cells := map[[2]string]float64{}
	var stages []string
	var stageCounts []float64
	figure := map[string]*float64{} // "code/measure" → value, for one-row figures
	empty := 0
	for _, v := range res.Values {
		measure := v.Dims["measure"]
		switch {
		case v.Code == "C1" && measure == "n_full":
			aScheme, bScheme = v.Dims["a_scheme"], v.Dims["b_scheme"]
			a, b := v.Dims["a"], v.Dims["b"]
			if !containsString(rows, a) {
				rows = append(rows, a)
			}
			if !containsString(cols, b) {
				cols = append(cols, b)
			}
			x := 0.0
			if v.Value != nil {
				x = *v.Value
			}
			if x == 0 {
				empty++
			}
			cells[[2]string{a, b}] = x
		case v.Code == "C8" && measure == "count" && v.Dims["stage"] != "":
			stages = append(stages, p.termLabel(fm, "stage", v.Dims["stage"]))
			x := 0.0
			if v.Value != nil {
				x = *v.Value
			}
			stageCounts = append(stageCounts, x)
		case len(v.Dims) == 1 && measure != "":
			figure[v.Code+"/"+measure] = v.Value
		}
	}
	values := make([][]float64, len(rows))
	rowLabels, colLabels := make([]string, len(rows)), make([]string, len(cols))
	for i, a := range rows {
		rowLabels[i] = p.termLabel(fm, aScheme, a)
		values[i] = make([]float64, len(cols))
		for j, b := range cols {
			values[i][j] = cells[[2]string{a, b}]
		}
	}
	for j, b := range cols {
		colLabels[j] = p.termLabel(fm, bScheme, b)
	}
	// The decision form names a cell by its two labels, empty ones first:
	// the gaps are what committees decide about.
	var emptyCells, fullCells []filterOption
	for i, a := range rows {
		for j, b := range cols {
			o := filterOption{Value: a + "/" + b, Label: rowLabels[i] + " × " + colLabels[j]}
			if cells[[2]string{a, b}] == 0 {
				p.EmptyCells = append(p.EmptyCells, o.Label)
				o.Label += " " + p.T("decision.cell_empty")
				emptyCells = append(emptyCells, o)
			} else {
				fullCells = append(fullCells, o)
			}
		}
	}
	p.CellOptions = append(emptyCells, fullCells...)
	p.Cells = len(cells)
	p.Coverage = heatmapSVG(rowLabels, colLabels, values)
	p.CoverageA, p.CoverageB = p.schemeLabel(fm, aScheme), p.schemeLabel(fm, bScheme)
	p.Pipeline = barsSVG(stages, stageCounts)

	share := func(key string) string {
		if v := figure[key]; v != nil {
			return i18n.Percent(p.Lang, *v, 0)
		}
		return "–"
	}
	// The headline figures are the overview's KPIs as of the snapshot (its
	// frozen tables, the default scope), with their change since the
	// previous snapshot: the same numbers the dashboards show for it.
	as, _, release, err := svc.AsOf(ctx, sn.ID)
	if err != nil {
		return err
	}
	k, err := as.KPIs(ctx, fm, portfolio.Scope{})
	release()
	if err != nil {
		return err
	}
	change := map[string]string{}
	if p.Diff != nil {
		for _, kd := range p.Diff.KPIs {
			change[kd.Name] = kd.Delta
		}
	}
	// The shares' change since the previous snapshot, in points.
	before := map[string]*float64{}
	if p.Diff != nil {
		prevRes, err := svc.Compute(ctx, p.Diff.From.ID, portfolio.Scope{}, metrics.Params{}, []string{"C8", "C14", "C20"})
		if err != nil {
			return err
		}
		for _, v := range prevRes.Values {
			if len(v.Dims) == 1 && v.Dims["measure"] != "" {
				before[v.Code+"/"+v.Dims["measure"]] = v.Value
			}
		}
	}
	shareChange := func(key string) string {
		if p.Diff == nil || figure[key] == nil || before[key] == nil {
			return ""
		}
		return signedNumber(p.Lang, (*figure[key]-*before[key])*100, 0) + " pp"
	}
	p.KPIs = []packKPI{
		{Label: p.T("kpi.projects"), Value: p.Int(k.Projects), Note: p.T("kpi.in_scope"), Change: change["projects"]},
		{Label: p.T("kpi.budget"), Value: i18n.EURCompact(p.Lang, k.Budget), Change: change["budget"]},
		{Label: p.T("kpi.organisations"), Value: p.Int(k.Organisations), Change: change["organisations"]},
		{Label: p.T("kpi.signals"), Value: p.Int(k.Signals), Change: change["signals"]},
		{Label: p.T("kpi.empty_cells"), Value: p.Int(int64(empty)),
			Note: p.T("kpi.empty_cells_of", len(cells), p.CoverageA, p.CoverageB), Change: change["empty_cells"]},
		{Label: p.T("pack.kpi.early_share"), Value: share("C8/early_share"), Change: shareChange("C8/early_share")},
		{Label: p.T("pack.kpi.new_orgs"), Value: share("C14/new_share"), Change: shareChange("C14/new_share")},
		{Label: p.T("health.fresh_share"), Value: share("C20/fresh_share"), Change: shareChange("C20/fresh_share")},
		{Label: p.T("health.completeness"), Value: share("C20/completeness"), Change: shareChange("C20/completeness")},
	}
	return nil
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

// decisionRows formats decisions for a log.
func (p *page) decisionRows(ds []portfolio.Decision) []decisionRow {
	out := make([]decisionRow, len(ds))
	for i, d := range ds {
		out[i].Decision = d
		if d.DueDate != nil {
			out[i].Due = p.Date(d.DueDate.Time)
		}
	}
	return out
}

// termLabel is a term's label in the page's language, the code when the
// scheme or the term is unknown.
func (p *page) termLabel(m *portfolio.Mission, scheme, code string) string {
	if m != nil {
		if sc := m.Scheme(scheme); sc != nil {
			if t := sc.Term(code); t != nil {
				return t.Label.In(p.Lang)
			}
		}
	}
	return code
}

// schemeLabel is a scheme's label in the page's language.
func (p *page) schemeLabel(m *portfolio.Mission, scheme string) string {
	if m != nil {
		if sc := m.Scheme(scheme); sc != nil {
			return sc.Label.In(p.Lang)
		}
	}
	return scheme
}

// isoDate formats a YYYY-MM-DD date, days later, the reader's way.
func (p *page) isoDate(s string, days int) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return p.Date(t.AddDate(0, 0, days))
}

// SnapLink links to a path with the language (and the current filters)
// and further query parameters given as name, value pairs.
func (p *page) SnapLink(path string, pairs ...any) string {
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Set(fmt.Sprint(pairs[i]), fmt.Sprint(pairs[i+1]))
	}
	return path + "?" + q.Encode()
}

// SnapTime writes a snapshot's instant: the date the reader's way and the
// time in UTC, the zone snapshots are stored in.
func (p *page) SnapTime(t time.Time) string { return p.Time(t) }

// WebURL returns u when it is an absolute http or https URL, and "" for
// anything else (javascript:, data:, relative paths): only those are
// links.
func (p *page) WebURL(u string) string {
	parsed, err := url.Parse(strings.TrimSpace(u))
	if err != nil || parsed.Host == "" {
		return ""
	}
	switch strings.ToLower(parsed.Scheme) {
	case "http", "https":
		return parsed.String()
	}
	return ""
}

// DecisionLabel names a decision's scope, type or status ("type", "keep")
// in the page's language.
func (p *page) DecisionLabel(kind, code string) string {
	return p.T("decision." + kind + "." + code)
}

// Itoa writes an id for a template attribute.
func (p *page) Itoa(n int64) string { return strconv.FormatInt(n, 10) }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
