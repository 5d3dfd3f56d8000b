package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// The committee pack: a snapshot's figures as a printable document, with
// the decision forms on screen (its summary sections in pack_summary.go).

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

// packKPI is one headline figure of the pack.
type packKPI struct{ Label, Value, Note, Change string }

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

// DecisionSubject is page.DecisionSubject with a project's title: the
// pack knows its projects (Refs).
func (p *packView) DecisionSubject(scope, ref string) string {
	if scope == "project" {
		for _, o := range p.Refs {
			if o.Value == ref {
				return o.Label
			}
		}
	}
	return p.page.DecisionSubject(scope, ref)
}
