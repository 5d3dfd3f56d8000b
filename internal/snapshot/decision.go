package snapshot

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// What a decision is about, what it decides and where it stands (DOMAIN.md
// §1: keep, leave behind, do differently, connect, scale, start new, stop).
var (
	// A signal cluster is the signals of one term ("scheme/term"); an
	// organisation is named by its name.
	DecisionScopes   = []string{"mission", "project", "cell", "signal_cluster", "organisation"}
	DecisionTypes    = []string{"keep", "leave_behind", "do_differently", "connect", "scale", "start_new", "stop"}
	DecisionStatuses = []string{"open", "in_progress", "done", "dropped"}
)

// Bounds of a decision's free text, in characters.
const (
	maxRationale = 4000
	maxShort     = 200 // ref, owner
	maxNote      = 2000
)

// Decisions records and follows committee decisions.
type Decisions struct {
	st  *store.Store
	now func() time.Time
}

// Decisions returns the service's decision book.
func (s *Service) Decisions() *Decisions { return &Decisions{st: s.st, now: s.now} }

// Create records d against d.SnapshotID. Scope, type and rationale are
// required; a project decision names the project's ext_ref in Ref and a
// cell decision the coverage cell as "a/b", a signal cluster decision
// the signals' term as "scheme/term" and an organisation decision the
// organisation's name; status defaults to open. All
// problems are reported at once (EINVALID with details).
func (b *Decisions) Create(ctx context.Context, d portfolio.Decision) (*portfolio.Decision, error) {
	d.Scope, d.Type, d.Status = strings.TrimSpace(d.Scope), strings.TrimSpace(d.Type), strings.TrimSpace(d.Status)
	d.Ref, d.Owner, d.Rationale = strings.TrimSpace(d.Ref), strings.TrimSpace(d.Owner), strings.TrimSpace(d.Rationale)
	if d.Status == "" {
		d.Status = "open"
	}
	var problems []string
	oneOf := func(field, v string, allowed []string) {
		if !slices.Contains(allowed, v) {
			problems = append(problems, field+" must be one of "+strings.Join(allowed, ", ")+`, not "`+v+`"`)
		}
	}
	oneOf("scope", d.Scope, DecisionScopes)
	oneOf("type", d.Type, DecisionTypes)
	oneOf("status", d.Status, DecisionStatuses)
	if d.Rationale == "" {
		problems = append(problems, "rationale is required: say why")
	} else if utf8.RuneCountInString(d.Rationale) > maxRationale {
		problems = append(problems, "rationale is too long")
	}
	switch d.Scope {
	case "project":
		if d.Ref == "" {
			problems = append(problems, "ref is required for a project decision: the project's ext_ref")
		}
	case "cell":
		if a, bb, ok := strings.Cut(d.Ref, "/"); !ok || a == "" || bb == "" {
			problems = append(problems, `ref of a cell decision must be "a/b", the terms of the coverage cell`)
		}
	case "signal_cluster":
		if a, bb, ok := strings.Cut(d.Ref, "/"); !ok || a == "" || bb == "" {
			problems = append(problems, `ref of a signal cluster decision must be "scheme/term", the term the signals share`)
		}
	case "organisation":
		if d.Ref == "" {
			problems = append(problems, "ref is required for an organisation decision: the organisation's name")
		}
	case "mission":
		if d.Ref != "" {
			problems = append(problems, "a mission decision takes no ref")
		}
	}
	if utf8.RuneCountInString(d.Ref) > maxShort || utf8.RuneCountInString(d.Owner) > maxShort {
		problems = append(problems, "ref and owner are at most 200 characters")
	}
	if d.SnapshotID <= 0 {
		problems = append(problems, "snapshot_id is required")
	}
	if len(problems) > 0 {
		return nil, &portfolio.Error{Code: portfolio.EINVALID,
			Message: "invalid decision: " + strings.Join(problems, "; "), Details: problems}
	}
	if err := b.st.CreateDecision(ctx, &d, b.now()); err != nil {
		return nil, err
	}
	return &d, nil
}

// Get returns one decision with its history.
func (b *Decisions) Get(ctx context.Context, id int64) (*portfolio.Decision, error) {
	return b.st.Decision(ctx, id)
}

// List returns every decision of a mission with the snapshot it was taken
// on and its history, the latest snapshot's first.
func (b *Decisions) List(ctx context.Context, mission string) ([]portfolio.Decision, error) {
	m, err := b.st.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	return b.st.Decisions(ctx, m.ID, 0)
}

// OnSnapshot returns what a snapshot's pack shows: the decisions taken on it
// and on the mission's earlier snapshots (with SnapshotID telling which:
// "decided on snapshot 12"), each with its current status and history.
func (b *Decisions) OnSnapshot(ctx context.Context, id int64) ([]portfolio.Decision, error) {
	sn, err := b.st.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	return b.st.Decisions(ctx, sn.MissionID, sn.ID)
}

// UpdateStatus moves a decision to status, appending the move and its note
// to the history, and returns the decision as it now stands.
func (b *Decisions) UpdateStatus(ctx context.Context, id int64, status, note string) (*portfolio.Decision, error) {
	status, note = strings.TrimSpace(status), strings.TrimSpace(note)
	if !slices.Contains(DecisionStatuses, status) {
		return nil, portfolio.Refusef(portfolio.EINVALID, "refusal.decision_status_value", "status must be one of %s, not %q", strings.Join(DecisionStatuses, ", "), status)
	}
	if utf8.RuneCountInString(note) > maxNote {
		return nil, portfolio.Refusef(portfolio.EINVALID, "refusal.note_long", "note is longer than %d characters", maxNote)
	}
	if err := b.st.UpdateDecisionStatus(ctx, id, status, note, b.now()); err != nil {
		return nil, err
	}
	return b.st.Decision(ctx, id)
}

// Overdue says whether d is late on today (a YYYY-MM-DD date in the
// mission's time zone): its due date has passed and it is neither done nor
// dropped. A decision due today is not late yet.
func Overdue(d portfolio.Decision, today string) bool {
	if d.DueDate == nil || d.Status == "done" || d.Status == "dropped" {
		return false
	}
	return d.DueDate.Format(time.DateOnly) < today
}

// Today is now's date in the time zone tz (UTC when tz is unknown), the day
// against which due dates are read.
func Today(now time.Time, tz string) string {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return now.In(loc).Format(time.DateOnly)
}
