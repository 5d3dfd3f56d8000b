package web

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// Decisions, taken on a snapshot and followed up: the API that records
// and updates them, and the decisions page, every decision of a mission
// with where it stands, whether it is late and what it is about in words,
// filtered by status and lateness. The page reads the decision book, which
// lives outside snapshots: it shows today's state.

// decisionItem is a decision as the JSON twin of the page returns it.
type decisionItem struct {
	portfolio.Decision
	Overdue bool `json:"overdue"`
}

// decisionView is one row of the decisions page.
type decisionView struct {
	decisionRow
	Overdue bool
	Subject string // what it is about, in labels
	Link    string // the project's page, when it is about a project
	Updates []decisionUpdateView
}

type decisionUpdateView struct{ At, Status, Note string }

// decisionsView is the decisions page.
type decisionsView struct {
	page
	DecisionsPage *decisionsPageData
}

// decisionsPageData is the decisions page's data.
type decisionsPageData struct {
	Rows     []decisionView
	Total    int // decisions of the mission, before the filters
	Overdue  int // late ones among them
	Status   string
	LateOnly bool
	Statuses []filterOption
	Today    string
}

// decisionItems marks which of ds are overdue on the mission's today.
func (s *Server) decisionItems(m *portfolio.Mission, ds []portfolio.Decision) []decisionItem {
	today := snapshot.Today(s.now(), m.Timezone)
	out := make([]decisionItem, len(ds))
	for i, d := range ds {
		out[i] = decisionItem{Decision: d, Overdue: snapshot.Overdue(d, today)}
	}
	return out
}

// decisionsPage lists the mission's decisions: ?decision_status= keeps one
// status (?status= is the projects' scope filter), ?overdue=1 only the late
// ones.
func (s *Server) decisionsPage(c *fiber.Ctx) error {
	svc, err := s.snapshotService()
	if err != nil {
		return err
	}
	mp, err := s.missionPage(c, "decisions")
	if err != nil {
		return err
	}
	defer mp.done()
	p := &decisionsView{page: *mp}
	status, late := c.Query("decision_status"), c.Query("overdue") == "1"
	if status != "" && !containsString(snapshot.DecisionStatuses, status) {
		return portfolio.Refusef(portfolio.EINVALID, "refusal.decision_status", "decision_status=%q is not a decision status (%s)", status,
			strings.Join(snapshot.DecisionStatuses, ", "))
	}
	ctx := c.UserContext()
	ds, err := svc.Decisions().List(ctx, p.Mission.Slug)
	if err != nil {
		return err
	}
	dp := &decisionsPageData{Total: len(ds), Status: status, LateOnly: late,
		Today: p.isoDate(snapshot.Today(s.now(), p.Mission.Timezone), 0)}
	for _, st := range snapshot.DecisionStatuses {
		dp.Statuses = append(dp.Statuses, filterOption{Value: st, Label: p.DecisionLabel("status", st), Selected: st == status})
	}
	titles := map[int64]map[string]string{} // snapshot → ext_ref → title, read once per snapshot
	for _, it := range s.decisionItems(p.Mission, ds) {
		if it.Overdue {
			dp.Overdue++
		}
		if (status != "" && it.Status != status) || (late && !it.Overdue) {
			continue
		}
		v := decisionView{decisionRow: p.decisionRows([]portfolio.Decision{it.Decision})[0], Overdue: it.Overdue}
		switch it.Scope {
		case "project":
			if titles[it.SnapshotID] == nil {
				ps, err := svc.Projects(ctx, it.SnapshotID)
				if err != nil {
					return err
				}
				titles[it.SnapshotID] = map[string]string{}
				for _, pr := range ps {
					titles[it.SnapshotID][pr.ExtRef] = pr.Title
				}
			}
			v.Subject = it.Ref
			if t := titles[it.SnapshotID][it.Ref]; t != "" {
				v.Subject += " · " + t
			}
			v.Link = p.ProjectLink(it.Ref)
		case "cell":
			v.Subject = p.cellLabel(it.Ref)
		}
		for _, u := range it.Updates {
			v.Updates = append(v.Updates, decisionUpdateView{At: p.SnapTime(u.At), Status: p.DecisionLabel("status", u.Status), Note: u.Note})
		}
		dp.Rows = append(dp.Rows, v)
	}
	p.DecisionsPage, p.Title = dp, p.T("decisions.title")
	return s.render(c, "decisions", p)
}

// cellLabel names a coverage cell "a/b" by its two terms' labels: a is
// read in the first scheme holding such a term, b in another scheme.
func (p *page) cellLabel(ref string) string {
	a, b, ok := strings.Cut(ref, "/")
	if !ok {
		return ref
	}
	la, lb, used := a, b, ""
	for _, sc := range p.Mission.Schemes {
		if t := sc.Term(a); t != nil {
			la, used = t.Label.In(p.Lang), sc.Code
			break
		}
	}
	for _, sc := range p.Mission.Schemes {
		if sc.Code == used {
			continue
		}
		if t := sc.Term(b); t != nil {
			lb = t.Label.In(p.Lang)
			break
		}
	}
	return la + " × " + lb
}

// DecisionSubject names what a decision is about for a log: a coverage
// cell by its two labels, a project by its ext_ref (and its title on the
// pack: packView.DecisionSubject).
func (p *page) DecisionSubject(scope, ref string) string {
	switch scope {
	case "cell":
		return p.cellLabel(ref)
	case "signal_cluster":
		if scheme, term, ok := strings.Cut(ref, "/"); ok {
			return p.schemeLabel(p.Mission, scheme) + ": " + p.termLabel(p.Mission, scheme, term)
		}
	}
	return ref
}

// decisionRow is a decision as shown in a log.
type decisionRow struct {
	portfolio.Decision
	Due string
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

// DecisionLabel names a decision's scope, type or status ("type", "keep")
// in the page's language.
func (p *page) DecisionLabel(kind, code string) string {
	return p.T("decision." + kind + "." + code)
}

// apiDecisions lists a mission's decisions with the snapshot each was
// taken on.
func (s *Server) apiDecisions(c *fiber.Ctx) error {
	m, err := s.store.Mission(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	items, err := s.snapshots.Decisions().List(c.UserContext(), m.Slug)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": s.decisionItems(m, items)})
}

// apiCreateDecision records a decision on a snapshot.
func (s *Server) apiCreateDecision(c *fiber.Ctx) error {
	id, err := snapshotID(c, "id")
	if err != nil {
		return err
	}
	var d portfolio.Decision
	if err := json.Unmarshal(c.Body(), &d); err != nil {
		return portfolio.Errorf(portfolio.EINVALID, "the body must be a JSON decision {scope, ref, type, rationale, owner, due_date}: %v", err)
	}
	d.SnapshotID = id
	out, err := s.snapshots.Decisions().Create(c.UserContext(), d)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// apiUpdateDecision changes a decision's status: JSON {status, note}.
func (s *Server) apiUpdateDecision(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return portfolio.Errorf(portfolio.ENOTFOUND, "decision %q not found", c.Params("id"))
	}
	var body struct {
		Status string `json:"status"`
		Note   string `json:"note"`
	}
	if err := json.Unmarshal(c.Body(), &body); err != nil {
		return portfolio.Errorf(portfolio.EINVALID, `the body must be JSON such as {"status": "done", "note": "…"}`)
	}
	out, err := s.snapshots.Decisions().UpdateStatus(c.UserContext(), id, body.Status, body.Note)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
