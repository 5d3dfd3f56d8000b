package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
)

// The project, organisation and signal lists: the pages and their JSON
// twins. What they read besides the scope is in listparams.go, their
// exports in exports.go.

// listView is what the list pages (projects, organisations, signals,
// links) share: the scope's total and what it adds up to, the list's
// search, order and exports, and the links to its other pages.
type listView struct {
	page
	Total              int64                 // rows in scope
	Totals             *portfolio.ListTotals // what the projects in scope add up to
	List               *listState            // nil for a list without search, order or export (links)
	PrevLink, NextLink string
}

// Carry are the parameters the scope's filter form carries over besides
// the scope: the list's search, order and page size.
func (p *listView) Carry() []keptParam {
	if p.List == nil {
		return nil
	}
	return p.List.Carry()
}

// Carry is what the filter form carries over besides the scope: nothing on
// a page that is no list (listView.Carry).
func (p *page) Carry() []keptParam { return nil }

// setPageLinks sets the links to the previous and next pages of a list of
// rows rows shown pg at a time; q is the page's own query (filters,
// language), which the links keep.
func (p *listView) setPageLinks(q url.Values, pg portfolio.Page, rows int64) {
	link := func(offset int) string {
		q.Set("offset", strconv.Itoa(offset))
		q.Set("limit", strconv.Itoa(pg.Limit))
		return p.Path + "?" + q.Encode()
	}
	if pg.Offset > 0 {
		p.PrevLink = link(max(0, pg.Offset-pg.Limit))
	}
	if int64(pg.Offset+pg.Limit) < rows {
		p.NextLink = link(pg.Offset + pg.Limit)
	}
}

// setSignalFilters turns the scope's filter form into the signal list's:
// the project-only filters (stage, project status) give way to the
// signal's status and whether a project answers it.
func (p *page) setSignalFilters(f portfolio.SignalFilter) {
	kept := p.Filters[:0]
	for _, fl := range p.Filters {
		if fl.Param != "stage" && fl.Param != "status" {
			kept = append(kept, fl)
		}
	}
	p.Filters = kept
	st := filter{Param: "signal_status", Label: p.T("filter.status")}
	for _, v := range portfolio.SignalStatuses {
		st.Options = append(st.Options, filterOption{Value: v, Label: p.Enum("signal_status", v), Selected: f.Status == v})
	}
	an := filter{Param: "answered", Label: p.T("signals.answered")}
	for _, v := range []string{"no", "yes"} {
		an.Options = append(an.Options, filterOption{Value: v, Label: p.T("signals.answered_" + v), Selected: f.Answered == v})
	}
	p.Filters = append(p.Filters, st, an)
}

// listPage is missionPage for a list: with the page of rows asked for. The
// caller must defer p.done().
func (s *Server) listPage(c *fiber.Ctx, nav string) (*page, portfolio.Page, error) {
	pg, err := parsePage(c)
	if err != nil {
		return nil, pg, err
	}
	p, err := s.missionPage(c, nav)
	return p, pg.Normalize(), err
}

// projectListView is the project list with what its projects add up to;
// Figure says that in words, as the chart that opened the list counts it.
type projectListView struct {
	listView
	Projects []portfolio.Project
	Figure   string
}

// projectsPage lists the projects in scope with what they add up to: a
// chart's mark opens it with its own filters (and ?frac=, ?measure= for a
// fractional or budget figure), and the header repeats that figure.
func (s *Server) projectsPage(c *fiber.Ctx) error {
	lp, pg, err := s.listPage(c, "projects")
	if err != nil {
		return err
	}
	defer lp.done()
	p := &projectListView{listView: listView{page: *lp}}
	frac, err := fracParam(c)
	if err != nil {
		return err
	}
	ctx, lists := c.UserContext(), p.scoped.lists
	var matching int64
	if p.Projects, matching, err = lists.Projects(ctx, p.Mission, p.Scope, pg); err != nil {
		return err
	}
	if pg.All {
		return sendTable(c, p.Lang, c.Query("format"), projectTable(p.Lang, p.Mission, p.Projects))
	}
	t, err := lists.ProjectTotals(ctx, p.Mission, p.Scope, frac)
	if err != nil {
		return err
	}
	p.Total, p.Totals = t.Projects, &t
	p.List = newListState(&p.page, pg)
	p.List.Matching = matching
	if p.Total == 0 {
		if p.NoRows, err = noRows(ctx, lists, p.Mission, "projects"); err != nil {
			return err
		}
	}
	p.Figure = listFigure(&p.page, t, c.Query("measure"))
	p.Title = p.T("projects.title")
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	for _, k := range []string{"frac", "measure", "q", "sort"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	p.setPageLinks(q, pg, matching)
	return s.render(c, "projects", p)
}

// listFigure says, in words, the figure a list adds up to as the chart that
// opened it counts it.
func listFigure(p *page, t portfolio.ListTotals, measure string) string {
	label := func(code string) string {
		if sc := p.Mission.Scheme(code); sc != nil {
			return sc.Label.In(p.Lang)
		}
		return code
	}
	switch {
	case measure == dashboard.MeasureBudgetFrac && len(t.Frac) == 1:
		return p.T("list.budget_frac", p.EUR(t.BudgetFrac), label(t.Frac[0]))
	case measure == dashboard.MeasureBudgetFrac && len(t.Frac) == 2:
		return p.T("list.budget_frac2", p.EUR(t.BudgetFrac), label(t.Frac[0]), label(t.Frac[1]))
	case measure == dashboard.MeasureNFrac && len(t.Frac) == 2:
		return p.T("list.frac_count", i18n.Number(p.Lang, t.NFrac, 2), label(t.Frac[0]), label(t.Frac[1]))
	case measure == dashboard.MeasureNFrac && len(t.Frac) == 1:
		return p.T("list.frac_count", i18n.Number(p.Lang, t.NFrac, 2), label(t.Frac[0]), label(t.Frac[0]))
	}
	return p.T("list.budget", p.EUR(t.Budget))
}

// organisationListView is the organisations taking part in the projects
// in scope.
type organisationListView struct {
	listView
	Organisations []portfolio.Organisation
}

// organisationsPage lists the organisations taking part in the projects in
// scope: the organisations KPI's rows.
func (s *Server) organisationsPage(c *fiber.Ctx) error {
	lp, pg, err := s.listPage(c, "organisations")
	if err != nil {
		return err
	}
	defer lp.done()
	p := &organisationListView{listView: listView{page: *lp}}
	ctx := c.UserContext()
	if p.Organisations, p.Total, err = p.scoped.lists.OrganisationsInScope(ctx, p.Mission, p.Scope, pg); err != nil {
		return err
	}
	if pg.All {
		return sendTable(c, p.Lang, c.Query("format"), organisationTable(p.Lang, p.Mission, p.Organisations))
	}
	p.List = newListState(&p.page, pg)
	p.List.Matching = p.Total
	t, err := p.scoped.lists.ProjectTotals(ctx, p.Mission, p.Scope, nil)
	if err != nil {
		return err
	}
	p.Totals = &t
	if p.Total == 0 {
		if p.NoRows, err = noRows(ctx, p.scoped.lists, p.Mission, "organisations"); err != nil {
			return err
		}
	}
	p.Title = p.T("organisations.title")
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	for _, k := range []string{"q", "sort"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	p.setPageLinks(q, pg, p.Total)
	return s.render(c, "organisations", p)
}

// signalListView is the signal list; SignalFilterText says what it is
// filtered on.
type signalListView struct {
	listView
	Signals          []portfolio.Signal
	SignalFilterText string
}

// signalsPage lists signals, filtered by a term (?challenge=water), the
// level observed and the status: the drill-down of signal charts.
func (s *Server) signalsPage(c *fiber.Ctx) error {
	lp, pg, err := s.listPage(c, "signal_list") // not "signals", the signals dashboard's id
	if err != nil {
		return err
	}
	defer lp.done()
	p := &signalListView{listView: listView{page: *lp}}
	f, err := signalFilter(c, p.Mission, p.Scope)
	if err != nil {
		return err
	}
	p.Signals, p.Total, err = p.scoped.lists.Signals(c.UserContext(), p.Mission, f, pg)
	if err != nil {
		return err
	}
	if pg.All {
		return sendTable(c, p.Lang, c.Query("format"), signalTable(p.Lang, p.Mission, p.Signals))
	}
	p.List = newListState(&p.page, pg)
	p.List.Matching = p.Total
	p.setSignalFilters(f)
	if p.Total == 0 {
		if p.NoRows, err = noRows(c.UserContext(), p.scoped.lists, p.Mission, "signals"); err != nil {
			return err
		}
	}
	p.Title = p.T("signals.title")
	// Say what the list is filtered on: the page's signal scope and the
	// list's own term.
	var parts []string
	for _, scheme := range []string{"level", "pillar", "challenge", "lever"} {
		if terms, _ := p.Scope.SchemeFilter(scheme); len(terms) > 0 {
			if sc := p.Mission.Scheme(scheme); sc != nil {
				parts = append(parts, sc.Label.In(p.Lang)+": "+p.TermLabels(scheme, terms))
			}
		}
	}
	if f.Term != "" {
		if sc := p.Mission.Scheme(f.Scheme); sc != nil {
			parts = append(parts, sc.Label.In(p.Lang)+": "+p.TermLabels(f.Scheme, []string{f.Term}))
		}
	}
	p.SignalFilterText = strings.Join(parts, " · ")
	p.setPageLinks(queryValues(c), pg, p.Total)
	return s.render(c, "signals", p)
}

// apiListArgs reads a list request: its scope (release it when done) and
// its page.
func (s *Server) apiListArgs(c *fiber.Ctx) (*scoped, portfolio.Page, error) {
	pg, err := parsePage(c)
	if err != nil {
		return nil, pg, err
	}
	sd, err := s.scope(c)
	return sd, pg.Normalize(), err
}

// apiProjects lists the projects in scope (as of ?snapshot= when given)
// with what they add up to: {items, total, limit, offset} plus the totals
// of portfolio.ListTotals, so a chart's mark and its list can be compared.
func (s *Server) apiProjects(c *fiber.Ctx) error {
	sd, pg, err := s.apiListArgs(c)
	if err != nil {
		return err
	}
	defer sd.release()
	frac, err := fracParam(c)
	if err != nil {
		return err
	}
	items, matching, err := sd.lists.Projects(c.UserContext(), sd.Mission, sd.Scope, pg)
	if err != nil {
		return err
	}
	if pg.All {
		return sendTable(c, s.language(c), c.Query("format"), projectTable(s.language(c), sd.Mission, items))
	}
	t, err := sd.lists.ProjectTotals(c.UserContext(), sd.Mission, sd.Scope, frac)
	if err != nil {
		return err
	}
	// total is the scope's count, the figure the list drills from; with a
	// search, the rows matching it (the sums stay the scope's).
	total := t.Projects
	if pg.Search != "" {
		total = matching
	}
	return c.JSON(fiber.Map{"items": items, "total": total, "limit": pg.Limit, "offset": pg.Offset,
		"budget_total_eur": t.Budget, "budget_null": t.BudgetNull, "frac": t.Frac, "n_frac": t.NFrac,
		"budget_frac_eur": t.BudgetFrac})
}

// apiOrganisations lists the organisations taking part in the projects in
// scope: the rows behind the organisations KPI.
func (s *Server) apiOrganisations(c *fiber.Ctx) error {
	sd, pg, err := s.apiListArgs(c)
	if err != nil {
		return err
	}
	defer sd.release()
	items, total, err := sd.lists.OrganisationsInScope(c.UserContext(), sd.Mission, sd.Scope, pg)
	if err != nil {
		return err
	}
	if pg.All {
		return sendTable(c, s.language(c), c.Query("format"), organisationTable(s.language(c), sd.Mission, items))
	}
	return list(c, items, total, pg)
}

func (s *Server) apiSignals(c *fiber.Ctx) error {
	sd, pg, err := s.apiListArgs(c)
	if err != nil {
		return err
	}
	defer sd.release()
	f, err := signalFilter(c, sd.Mission, sd.Scope)
	if err != nil {
		return err
	}
	items, total, err := sd.lists.Signals(c.UserContext(), sd.Mission, f, pg)
	if err != nil {
		return err
	}
	if pg.All {
		return sendTable(c, s.language(c), c.Query("format"), signalTable(s.language(c), sd.Mission, items))
	}
	return list(c, items, total, pg)
}
