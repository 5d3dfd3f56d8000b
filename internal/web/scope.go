package web

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
)

// scoped is a request's one scope: the mission, the filters and, when the
// page is opened as of a snapshot, that snapshot. Everything the request
// shows (KPIs, charts, drill-down lists, exports) reads through src and
// lists, which read the snapshot's frozen rows when there is one, so a
// figure and the rows behind it always come from the same place.
type scoped struct {
	Mission  *portfolio.Mission
	Scope    portfolio.Scope
	Snapshot *portfolio.Snapshot // nil: today's data
	src      source              // figures and metrics
	lists    Store               // project, organisation and signal lists
	release  func()
}

// scope builds the request's scope from the mission in the path and the
// query. Call release when done (it returns the snapshot's connection).
func (s *Server) scope(c *fiber.Ctx) (*scoped, error) {
	sc, err := portfolio.ParseScope(queryValues(c))
	if err != nil {
		return nil, err
	}
	slug := c.Params("slug")
	if sc.AsOf == 0 {
		m, err := s.store.Mission(c.UserContext(), slug)
		if err != nil {
			return nil, err
		}
		if err := m.CheckScope(sc); err != nil {
			return nil, err
		}
		return &scoped{Mission: m, Scope: sc, src: source{s.store, s.metrics}, lists: s.store, release: func() {}}, nil
	}
	if s.snapshots == nil {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "snapshots are not enabled on this server")
	}
	snap, err := s.snapshots.Get(c.UserContext(), sc.AsOf)
	if err != nil {
		return nil, err
	}
	if snap.Mission != slug {
		// Never name the other mission: the reader may not know it exists.
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "snapshot %d not found", sc.AsOf)
	}
	st, m, release, err := s.snapshots.AsOf(c.UserContext(), sc.AsOf)
	if err != nil {
		return nil, err
	}
	if err := m.CheckScope(sc); err != nil {
		release()
		return nil, err
	}
	return &scoped{Mission: m, Scope: sc, Snapshot: snap, src: source{st, snapshotMetrics{st: st, taken: snap.TakenAt}},
		lists: st, release: release}, nil
}

// scopeWords states a scope in words: the number of projects, the statuses
// and the filters, e.g. "283 projects, planned and active, no other filter".
func scopeWords(lang string, m *portfolio.Mission, sc portfolio.Scope, n int64) string {
	parts := []string{i18n.T(lang, "projects.count", i18n.Int(lang, n))}
	switch {
	case sc.AnyStatus:
		parts = append(parts, i18n.T(lang, "scope.any_status"))
	case len(sc.Statuses) == 0:
		parts = append(parts, i18n.T(lang, "scope.default_status"))
	default:
		names := make([]string, len(sc.Statuses))
		for i, st := range sc.Statuses {
			names[i] = i18n.Enum(lang, "project_status", st)
		}
		parts = append(parts, strings.Join(names, " / "))
	}
	filtered := false
	schemes := append([]string{}, portfolio.OwnFilterSchemes...)
	for _, t := range sc.Terms {
		if sch, _, _ := strings.Cut(t, ":"); !slices.Contains(schemes, sch) {
			schemes = append(schemes, sch)
		}
	}
	for _, scheme := range schemes {
		terms, _ := sc.SchemeFilter(scheme)
		if len(terms) == 0 {
			continue
		}
		filtered = true
		label, names := scheme, append([]string(nil), terms...)
		if s := m.Scheme(scheme); s != nil {
			label = s.Label.In(lang)
			for i, t := range terms {
				if term := s.Term(t); term != nil {
					names[i] = term.Label.In(lang)
				}
			}
		}
		parts = append(parts, label+": "+strings.Join(names, " / "))
	}
	for _, scheme := range sc.Untagged {
		filtered = true
		label := scheme
		if s := m.Scheme(scheme); s != nil {
			label = s.Label.In(lang)
		}
		parts = append(parts, i18n.T(lang, "scope.untagged", label))
	}
	if len(sc.Comarcas) > 0 {
		filtered = true
		parts = append(parts, i18n.T(lang, "scope.comarca", strings.Join(sc.Comarcas, " / ")))
	}
	if len(sc.Municipalities) > 0 {
		filtered = true
		parts = append(parts, i18n.T(lang, "scope.municipality", strings.Join(sc.Municipalities, " / ")))
	}
	if sc.From != nil || sc.To != nil {
		filtered = true
		from, to := "…", "…"
		if sc.From != nil {
			from = i18n.Date(lang, *sc.From)
		}
		if sc.To != nil {
			to = i18n.Date(lang, *sc.To)
		}
		parts = append(parts, i18n.T(lang, "scope.running", from, to))
	}
	if !filtered {
		parts = append(parts, i18n.T(lang, "scope.no_filter"))
	}
	return strings.Join(parts, ", ")
}
