package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// The decisions page: every decision of a mission, with where it stands,
// whether it is late and what it is about in words, filtered by status and
// lateness. It reads the decision book, which lives outside snapshots: the
// page shows today's state.

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

// decisionsPageData is the decisions page's data, in page.DecisionsPage.
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
	p, err := s.missionPage(c, "decisions")
	if err != nil {
		return err
	}
	defer p.done()
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
// cell by its two labels, a project by its ext_ref and, on the pack, its
// title.
func (p *page) DecisionSubject(scope, ref string) string {
	switch scope {
	case "cell":
		return p.cellLabel(ref)
	case "project":
		if p.SnapPage != nil {
			for _, o := range p.SnapPage.Refs {
				if o.Value == ref {
					return o.Label
				}
			}
		}
	case "signal_cluster":
		if scheme, term, ok := strings.Cut(ref, "/"); ok {
			return p.schemeLabel(p.Mission, scheme) + ": " + p.termLabel(p.Mission, scheme, term)
		}
	}
	return ref
}
