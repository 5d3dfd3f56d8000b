package snapshot

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Diff is what changed from one snapshot (From, the "against" of the API,
// usually the last committee's) to another (To): DOMAIN.md §1's "what
// changed since the last meeting".
type Diff struct {
	From *portfolio.Snapshot `json:"from"`
	To   *portfolio.Snapshot `json:"to"`
	// ToLive is set when To is today's data (against=live): To then
	// carries the mission and the instant read, with ID 0.
	ToLive          bool           `json:"to_live,omitempty"`
	ProjectsAdded   []ProjectRef   `json:"projects_added"`
	ProjectsRemoved []ProjectRef   `json:"projects_removed"`
	StageMoves      StageMoves     `json:"stage_moves"`
	BudgetChanges   []BudgetChange `json:"budget_changes"`
	CoverageCells   CellChanges    `json:"coverage_cells"`
	NewBlindSpots   []BlindSpot    `json:"new_blind_spots"`
	OrgsEntered     OrgsEntered    `json:"orgs_entered"`
	KPIDeltas       []KPIDelta     `json:"kpi_deltas"`
}

// ProjectRef names a project.
type ProjectRef struct {
	ExtRef string `json:"ext_ref"`
	Title  string `json:"title"`
}

// StageMoves is metric C9 between the two snapshots, over the projects in
// scope (planned, active) in From that are still present in To: T(k,l)
// counts the projects that were in stage k and are in stage l (k = l
// included: they stayed), advance_k = Σ_{l>k} T(k,l) / Σ_l T(k,l) in the
// stage scheme's order, and the stop rate is the share of those projects
// in scope in From whose status is stopped in To. Flows are the links of
// the movement sankey.
type StageMoves struct {
	Stages   []string     `json:"stages"` // in the scheme's order
	Flows    []StageFlow  `json:"flows"`
	Advance  []StageRate  `json:"advance"`
	Stopped  int64        `json:"stopped"`
	Base     int64        `json:"base"` // projects in scope in From
	StopRate *float64     `json:"stop_rate"`
	Unstaged []ProjectRef `json:"unstaged,omitempty"` // without a stage in either snapshot: not in T
	// Moves are the projects behind the flows that changed stage (k ≠ l).
	Moves []StageMove `json:"moves"`
}

// StageMove is one project that moved from stage From to stage To.
type StageMove struct {
	ExtRef string `json:"ext_ref"`
	Title  string `json:"title"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// StageFlow is one T(k,l) > 0.
type StageFlow struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int64  `json:"count"`
}

// StageRate is advance_k, with n = Σ_l T(k,l); null when n = 0.
type StageRate struct {
	Stage   string   `json:"stage"`
	Advance *float64 `json:"advance"`
	N       int64    `json:"n"`
}

// BudgetChange is a project present in both whose total budget changed (a
// budget appearing or disappearing included).
type BudgetChange struct {
	ExtRef string   `json:"ext_ref"`
	Title  string   `json:"title"`
	From   *float64 `json:"from"`
	To     *float64 `json:"to"`
}

// CellChanges are the coverage cells (C1 n_full over the projects in scope,
// pillar × level by default) that emptied (> 0 → 0) or filled (0 → > 0),
// and every cell whose projects changed, with the projects that entered
// and left it. Cells present in only one side (a term added or retired)
// are left out.
type CellChanges struct {
	Emptied []Cell `json:"emptied"`
	Filled  []Cell `json:"filled"`
	Changed []Cell `json:"changed"`
}

// Cell is a coverage cell with its full count on each side and the
// projects that entered and left it.
type Cell struct {
	AScheme string       `json:"a_scheme"`
	A       string       `json:"a"`
	BScheme string       `json:"b_scheme"`
	B       string       `json:"b"`
	From    float64      `json:"from"`
	To      float64      `json:"to"`
	Entered []ProjectRef `json:"entered"`
	Left    []ProjectRef `json:"left"`
}

// BlindSpot is a term flagged by S10 in To and not in From (absent, null
// or 0 there), with its signal share in To.
type BlindSpot struct {
	Scheme string   `json:"scheme"`
	Term   string   `json:"term"`
	Share  *float64 `json:"s_share"`
}

// OrgsEntered is C14 for To: organisations of its projects in scope that no
// snapshot of the mission taken before To had; Value = len(Names) / Total,
// null when there is no earlier snapshot or no organisation.
type OrgsEntered struct {
	Names            []string `json:"names"`
	Total            int64    `json:"total"`
	Value            *float64 `json:"value"`
	EarlierSnapshots int64    `json:"earlier_snapshots"`
}

// KPIDelta is a headline figure in each snapshot.
type KPIDelta struct {
	Name  string  `json:"name"` // projects | budget | organisations | signals | empty_cells
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Delta float64 `json:"delta"`
}

// frozenSide is what Diff reads of one side: a snapshot, or today.
type frozenSide struct {
	sn       *portfolio.Snapshot
	m        *portfolio.Mission
	projects map[string]portfolio.SnapshotProject
	figures  []portfolio.SnapshotMetric // S10, for blind spots
	kpis     portfolio.KPIs
	a, b     string                   // the coverage matrix's schemes
	cells    map[cellKey][]ProjectRef // projects in scope per cell, every active cell present
	entrants *portfolio.Entrants
}

// Diff compares snapshot id with snapshot against (both of one mission),
// from against to id. Everything comes from the two snapshots' frozen rows
// and tables, so a diff never changes either.
func (s *Service) Diff(ctx context.Context, id, against int64) (*Diff, error) {
	to, err := s.side(ctx, id)
	if err != nil {
		return nil, err
	}
	from, err := s.side(ctx, against)
	if err != nil {
		return nil, err
	}
	if to.sn.MissionID != from.sn.MissionID {
		// Never name the other snapshot's mission: the reader may not see it.
		return nil, portfolio.Errorf(portfolio.EINVALID, "snapshot %d and snapshot %d belong to different missions", id, against)
	}
	return diff(from, to), nil
}

// DiffLive compares snapshot id with today's data of its mission: what
// changed since that committee.
func (s *Service) DiffLive(ctx context.Context, id int64) (*Diff, error) {
	from, err := s.side(ctx, id)
	if err != nil {
		return nil, err
	}
	to, err := s.liveSide(ctx, from.sn)
	if err != nil {
		return nil, err
	}
	d := diff(from, to)
	d.ToLive = true
	return d, nil
}

func diff(from, to *frozenSide) *Diff {
	d := &Diff{From: from.sn, To: to.sn}
	d.ProjectsAdded, d.ProjectsRemoved = projectChanges(from, to)
	d.StageMoves = stageMoves(from, to)
	d.BudgetChanges = budgetChanges(from, to)
	d.CoverageCells = cellChanges(from, to)
	d.NewBlindSpots = newBlindSpots(from, to)
	ent := to.entrants
	d.OrgsEntered = OrgsEntered{Names: ent.New, Total: ent.Total, EarlierSnapshots: ent.Earlier}
	if ent.Earlier > 0 && ent.Total > 0 {
		v := float64(len(ent.New)) / float64(ent.Total)
		d.OrgsEntered.Value = &v
	}
	kpi := func(name string, f, t float64) KPIDelta { return KPIDelta{Name: name, From: f, To: t, Delta: t - f} }
	d.KPIDeltas = []KPIDelta{
		kpi("projects", float64(from.kpis.Projects), float64(to.kpis.Projects)),
		kpi("budget", from.kpis.Budget, to.kpis.Budget),
		kpi("organisations", float64(from.kpis.Organisations), float64(to.kpis.Organisations)),
		kpi("signals", float64(from.kpis.Signals), float64(to.kpis.Signals)),
		kpi("empty_cells", float64(len(emptyCells(from))), float64(len(emptyCells(to)))),
	}
	return d
}

// side loads one snapshot's rows, frozen figures and frozen mission, and
// reads its KPIs and coverage cells from its frozen tables over the default
// scope: the same figures the overview shows as of that snapshot.
func (s *Service) side(ctx context.Context, id int64) (*frozenSide, error) {
	sn, err := s.st.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	fs := &frozenSide{sn: sn, projects: map[string]portfolio.SnapshotProject{}}
	ps, err := s.st.SnapshotProjects(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		fs.projects[p.ExtRef] = p
	}
	if fs.figures, err = s.st.SnapshotMetrics(ctx, id, []string{"S10"}); err != nil {
		return nil, err
	}
	if fs.entrants, err = s.st.SnapshotNewEntrants(ctx, id); err != nil {
		return nil, err
	}
	as, m, release, err := s.AsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	return fs, fs.read(ctx, as, m)
}

// liveSide reads today's data of a snapshot's mission as a side.
func (s *Service) liveSide(ctx context.Context, of *portfolio.Snapshot) (*frozenSide, error) {
	m, err := s.st.Mission(ctx, of.Mission)
	if err != nil {
		return nil, err
	}
	now := s.now()
	fs := &frozenSide{sn: &portfolio.Snapshot{MissionID: m.ID, Mission: m.Slug, TakenAt: now}, projects: map[string]portfolio.SnapshotProject{}}
	ps, err := s.st.ProjectStates(ctx, m)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		fs.projects[p.ExtRef] = p
	}
	env, err := metrics.NewEnv(s.st, m, portfolio.Scope{}, defaultParams(m), now)
	if err != nil {
		return nil, err
	}
	res, err := metrics.Compute(ctx, env, []string{"S10"})
	if err != nil {
		return nil, err
	}
	for _, v := range res.Values {
		fs.figures = append(fs.figures, portfolio.SnapshotMetric{Code: v.Code, Dims: v.Dims, Value: v.Value})
	}
	if fs.entrants, err = s.st.NewEntrants(ctx, m, portfolio.Scope{}, now.Add(time.Nanosecond)); err != nil {
		return nil, err
	}
	return fs, fs.read(ctx, s.st, m)
}

// read fills a side's mission, KPIs and coverage cells from the tables st
// reads.
func (fs *frozenSide) read(ctx context.Context, st *store.Store, m *portfolio.Mission) error {
	fs.m = m
	var err error
	if fs.kpis, err = st.KPIs(ctx, m, portfolio.Scope{}); err != nil {
		return fmt.Errorf("snapshot: diff: %w", err)
	}
	d := defaultParams(m)
	fs.a, fs.b = d.A, d.B
	fs.cells = map[cellKey][]ProjectRef{}
	sa, sb := m.Scheme(fs.a), m.Scheme(fs.b)
	if sa == nil || sb == nil {
		return nil
	}
	for _, ta := range sa.ActiveTerms() {
		for _, tb := range sb.ActiveTerms() {
			fs.cells[cellKey{fs.a, ta.Code, fs.b, tb.Code}] = []ProjectRef{}
		}
	}
	members, err := st.CellMembers(ctx, m, fs.a, fs.b, portfolio.Scope{})
	if err != nil {
		return fmt.Errorf("snapshot: diff: %w", err)
	}
	for _, c := range members {
		k := cellKey{fs.a, c.A, fs.b, c.B}
		if refs, ok := fs.cells[k]; ok {
			fs.cells[k] = append(refs, ProjectRef{ExtRef: c.ExtRef, Title: c.Title})
		}
	}
	return nil
}

func sortedRefs(ps map[string]portfolio.SnapshotProject, keep func(portfolio.SnapshotProject) bool) []ProjectRef {
	out := []ProjectRef{}
	for _, p := range ps {
		if keep(p) {
			out = append(out, ProjectRef{ExtRef: p.ExtRef, Title: p.Title})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ExtRef < out[j].ExtRef })
	return out
}

// projectChanges compares the two sets of projects by ext_ref, any status.
func projectChanges(from, to *frozenSide) (added, removed []ProjectRef) {
	added = sortedRefs(to.projects, func(p portfolio.SnapshotProject) bool { _, ok := from.projects[p.ExtRef]; return !ok })
	removed = sortedRefs(from.projects, func(p portfolio.SnapshotProject) bool { _, ok := to.projects[p.ExtRef]; return !ok })
	return added, removed
}

func inScope(status string) bool {
	return status == portfolio.StatusPlanned || status == portfolio.StatusActive
}

// stageOrder lists the stage terms in the scheme's order (ordinal, then
// document order) of To's frozen taxonomy, then stages met in the data the
// taxonomy no longer has, by code.
func stageOrder(to *frozenSide, seen map[string]bool) []string {
	var out []string
	if sc := to.m.Scheme("stage"); sc != nil {
		terms := append([]portfolio.Term(nil), sc.Terms...)
		sort.SliceStable(terms, func(i, j int) bool { return terms[i].Ordinal < terms[j].Ordinal })
		for _, t := range terms {
			out = append(out, t.Code)
		}
	}
	var extra []string
	for st := range seen {
		if !slices.Contains(out, st) {
			extra = append(extra, st)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

func stageMoves(from, to *frozenSide) StageMoves {
	type pair struct{ k, l string }
	T := map[pair]int64{}
	seen := map[string]bool{}
	sm := StageMoves{Flows: []StageFlow{}, Advance: []StageRate{}, Moves: []StageMove{}}
	for _, ref := range sortedRefs(from.projects, func(p portfolio.SnapshotProject) bool { return inScope(p.Status) }) {
		sm.Base++
		a := from.projects[ref.ExtRef]
		b, ok := to.projects[ref.ExtRef]
		if !ok {
			continue
		}
		if b.Status == portfolio.StatusStopped {
			sm.Stopped++
		}
		if a.Stage == "" || b.Stage == "" {
			sm.Unstaged = append(sm.Unstaged, ref)
			continue
		}
		T[pair{a.Stage, b.Stage}]++
		seen[a.Stage], seen[b.Stage] = true, true
		if a.Stage != b.Stage {
			sm.Moves = append(sm.Moves, StageMove{ExtRef: ref.ExtRef, Title: b.Title, From: a.Stage, To: b.Stage})
		}
	}
	if sm.Base > 0 {
		r := float64(sm.Stopped) / float64(sm.Base)
		sm.StopRate = &r
	}
	sm.Stages = stageOrder(to, seen)
	for i, k := range sm.Stages {
		var n, ahead int64
		for j, l := range sm.Stages {
			c := T[pair{k, l}]
			n += c
			if j > i {
				ahead += c
			}
			if c > 0 {
				sm.Flows = append(sm.Flows, StageFlow{From: k, To: l, Count: c})
			}
		}
		r := StageRate{Stage: k, N: n}
		if n > 0 {
			x := float64(ahead) / float64(n)
			r.Advance = &x
		}
		sm.Advance = append(sm.Advance, r)
	}
	return sm
}

func budgetChanges(from, to *frozenSide) []BudgetChange {
	out := []BudgetChange{}
	for _, ref := range sortedRefs(to.projects, func(p portfolio.SnapshotProject) bool { _, ok := from.projects[p.ExtRef]; return ok }) {
		a, b := from.projects[ref.ExtRef].Budget, to.projects[ref.ExtRef].Budget
		if (a == nil) != (b == nil) || (a != nil && *a != *b) {
			out = append(out, BudgetChange{ExtRef: ref.ExtRef, Title: ref.Title, From: a, To: b})
		}
	}
	return out
}

// cellKey names a C1 cell.
type cellKey struct{ aScheme, a, bScheme, b string }

// cellOrder returns a side's cells in the taxonomy's order.
func cellOrder(fs *frozenSide) []cellKey {
	var keys []cellKey
	sa, sb := fs.m.Scheme(fs.a), fs.m.Scheme(fs.b)
	if sa == nil || sb == nil {
		return nil
	}
	for _, ta := range sa.ActiveTerms() {
		for _, tb := range sb.ActiveTerms() {
			keys = append(keys, cellKey{fs.a, ta.Code, fs.b, tb.Code})
		}
	}
	return keys
}

func emptyCells(fs *frozenSide) []cellKey {
	var out []cellKey
	for _, k := range cellOrder(fs) {
		if len(fs.cells[k]) == 0 {
			out = append(out, k)
		}
	}
	return out
}

func cellChanges(from, to *frozenSide) CellChanges {
	cc := CellChanges{Emptied: []Cell{}, Filled: []Cell{}, Changed: []Cell{}}
	for _, k := range cellOrder(to) {
		before, ok := from.cells[k]
		if !ok {
			continue
		}
		after := to.cells[k]
		c := Cell{AScheme: k.aScheme, A: k.a, BScheme: k.bScheme, B: k.b, From: float64(len(before)), To: float64(len(after)),
			Entered: refsNotIn(after, before), Left: refsNotIn(before, after)}
		switch {
		case c.From > 0 && c.To == 0:
			cc.Emptied = append(cc.Emptied, c)
		case c.From == 0 && c.To > 0:
			cc.Filled = append(cc.Filled, c)
		}
		if len(c.Entered)+len(c.Left) > 0 {
			cc.Changed = append(cc.Changed, c)
		}
	}
	return cc
}

// refsNotIn returns the projects of a that b lacks, by ext_ref.
func refsNotIn(a, b []ProjectRef) []ProjectRef {
	in := map[string]bool{}
	for _, r := range b {
		in[r.ExtRef] = true
	}
	out := []ProjectRef{}
	for _, r := range a {
		if !in[r.ExtRef] {
			out = append(out, r)
		}
	}
	return out
}

// s10 returns a side's S10 figures of one measure by scheme/term.
func s10(fs *frozenSide, measure string) map[[2]string]*float64 {
	out := map[[2]string]*float64{}
	for _, f := range fs.figures {
		if f.Code == "S10" && f.Dims["measure"] == measure && f.Dims["term"] != "" {
			out[[2]string{f.Dims["scheme"], f.Dims["term"]}] = f.Value
		}
	}
	return out
}

func newBlindSpots(from, to *frozenSide) []BlindSpot {
	was := s10(from, "blind_spot")
	share := s10(to, "s_share")
	out := []BlindSpot{}
	for _, f := range to.figures {
		if f.Code != "S10" || f.Dims["measure"] != "blind_spot" || f.Value == nil || *f.Value != 1 {
			continue
		}
		k := [2]string{f.Dims["scheme"], f.Dims["term"]}
		if v := was[k]; v != nil && *v == 1 {
			continue
		}
		out = append(out, BlindSpot{Scheme: k[0], Term: k[1], Share: share[k]})
	}
	return out
}
