package web

import (
	"context"

	"github.com/begira/begira/internal/portfolio"
)

// emptyState is what a page shows where its rows or charts would be: what
// will appear there, and the action that fills it (a link when the reader
// may take it, else who can).
type emptyState struct {
	Text, Action, Link string
}

// Empty words the empty state of a part of the page: "projects",
// "organisations", "signals" (a list with no row), "dashboard" (a mission
// with nothing to draw), "imports", "snapshots", "decisions", "digest",
// "runs". Lists tell a mission without rows of that kind (NoRows) from
// filters that leave none.
func (p *page) Empty(what string) emptyState {
	imports := func(kind string) emptyState {
		e := emptyState{Text: p.T("empty." + what)}
		if p.Mission != nil && p.Allowed("analyst") {
			e.Action, e.Link = p.T("empty.import_"+kind), p.Link("/m/"+p.Mission.Slug+"/imports")
		} else {
			e.Action = p.T("empty.ask_analyst")
		}
		return e
	}
	switch what {
	case "projects", "organisations":
		if p.NoRows {
			return imports("projects")
		}
		return emptyState{Text: p.T(what + ".none"), Action: p.T("empty.reset"), Link: p.ResetLink()}
	case "signals":
		if p.NoRows {
			return imports("signals")
		}
		return emptyState{Text: p.T("signals.none"), Action: p.T("empty.reset"), Link: p.ResetLink()}
	case "dashboard":
		return imports("projects")
	case "imports":
		return emptyState{Text: p.T("empty.imports"), Action: p.T("empty.choose_file"), Link: "#upload"}
	case "snapshots":
		if !p.Allowed("analyst") {
			return emptyState{Text: p.T("empty.snapshots")}
		}
		return emptyState{Text: p.T("empty.snapshots"), Action: p.T("empty.take_snapshot"), Link: "#take-snapshot"}
	case "decisions":
		return emptyState{Text: p.T("empty.decisions"), Action: p.T("empty.open_snapshots"), Link: p.Link("/m/" + p.Mission.Slug + "/snapshots")}
	case "digest":
		if p.NoRows {
			return imports("signals")
		}
		return emptyState{Text: p.T("digest.none"), Action: p.T("empty.signal_list"), Link: p.Link("/m/" + p.Mission.Slug + "/signals")}
	case "runs":
		return emptyState{Text: p.T("empty.runs")}
	}
	return emptyState{}
}

// noRows reports whether a mission holds no row of a kind at all (any
// status, no filter): its pages then say what an import will bring
// instead of blaming the filters. "dashboard" is neither projects nor
// signals.
func noRows(ctx context.Context, st Store, m *portfolio.Mission, kind string) (bool, error) {
	one := portfolio.Page{Limit: 1}
	all := portfolio.Scope{AnyStatus: true}
	projects := func() (bool, error) {
		_, n, err := st.Projects(ctx, m, all, one)
		return n == 0, err
	}
	signals := func() (bool, error) {
		_, n, err := st.Signals(ctx, m, portfolio.SignalFilter{Scope: all}, one)
		return n == 0, err
	}
	switch kind {
	case "projects", "organisations":
		return projects()
	case "signals":
		return signals()
	}
	if none, err := projects(); err != nil || !none {
		return false, err
	}
	return signals()
}
