package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
)

func (s *Server) apiMissions(c *fiber.Ctx) error {
	items, err := s.visibleMissions(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// visibleMissions are the missions the principal may view; the others are
// not mentioned at all.
func (s *Server) visibleMissions(c *fiber.Ctx) ([]portfolio.MissionSummary, error) {
	all, err := s.store.Missions(c.UserContext())
	if err != nil {
		return nil, err
	}
	p := principal(c)
	items := []portfolio.MissionSummary{}
	for _, m := range all {
		if p.Can(m.Slug, auth.Viewer) {
			items = append(items, m)
		}
	}
	return items, nil
}

func (s *Server) apiMission(c *fiber.Ctx) error {
	m, err := s.store.Mission(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	// Subscribers' addresses and alert hooks are personal data or
	// secrets: only the mission's administrators, who may change them,
	// see them.
	if principal(c).Role(m.Slug) < auth.Admin {
		m.Subscriptions, m.Alerts = nil, nil
	}
	return c.JSON(m)
}

// apiPutMission creates or updates a mission from a mission document (YAML
// or JSON) in the body: 201 when created, 200 when updated.
func (s *Server) apiPutMission(c *fiber.Ctx) error {
	m, err := missionfile.Parse(c.Body())
	if err != nil {
		return err
	}
	if err := schedule.CheckSnapshotSpec("schedules.snapshot", m.Schedules[schedule.JobSnapshot], s.minSnapshot); err != nil {
		return err
	}
	if m.Slug != c.Params("slug") {
		return portfolio.Errorf(portfolio.EINVALID, "the document's slug %q does not match the URL's %q", m.Slug, c.Params("slug"))
	}
	created, err := s.store.ApplyMission(c.UserContext(), m)
	if err != nil {
		return err
	}
	// Labels, terms and targets (C7) change: cached figures and pages too.
	s.views.invalidate(m.Slug)
	s.metrics.Invalidate(m.Slug)
	m, err = s.store.Mission(c.UserContext(), m.Slug)
	if err != nil {
		return err
	}
	if s.onApplied != nil {
		if err := s.onApplied(c.UserContext(), m); err != nil {
			return err
		}
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(m)
}

// list answers the paginated {items, total, limit, offset} shape.
func list[T any](c *fiber.Ctx, items []T, total int64, pg portfolio.Page) error {
	return c.JSON(fiber.Map{"items": items, "total": total, "limit": pg.Limit, "offset": pg.Offset})
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

// fracParam reads ?frac=A[,B]: the schemes of a fractional chart whose
// counting a list repeats.
func fracParam(c *fiber.Ctx) ([]string, error) {
	var out []string
	for _, v := range strings.Split(c.Query("frac"), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	if len(out) > 2 {
		return nil, portfolio.Errorf(portfolio.EINVALID, "frac=%q names more than two schemes", c.Query("frac"))
	}
	return out, nil
}

// signalFilter reads ?challenge=water (any signal scheme), level_observed,
// signal_status and answered (yes or no: linked to a project or to none).
func signalFilter(c *fiber.Ctx, m *portfolio.Mission, sc portfolio.Scope) (portfolio.SignalFilter, error) {
	f := portfolio.SignalFilter{Scope: sc, Level: c.Query("level_observed"), Status: c.Query("signal_status"), Answered: c.Query("answered")}
	for _, d := range []struct {
		name string
		dst  **time.Time
	}{{"observed_from", &f.From}, {"observed_to", &f.To}} {
		if v := c.Query(d.name); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return f, portfolio.Errorf(portfolio.EINVALID, "%s=%q is not a date (yyyy-mm-dd)", d.name, v)
			}
			*d.dst = &t
		}
	}
	for _, s := range m.Schemes {
		// The scope's own schemes (pillar, challenge …) already filter
		// through Scope; a parameter names another signal scheme.
		if _, scoped := sc.SchemeFilter(s.Code); scoped {
			continue
		}
		if v := c.Query(s.Code); v != "" && s.AppliesToKind(portfolio.KindSignal) {
			f.Scheme, f.Term = s.Code, v
			break
		}
	}
	return f, nil
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

// apiCoverage answers the C1 matrix of two schemes (default pillar × level).
func (s *Server) apiCoverage(c *fiber.Ctx) error {
	sd, err := s.scope(c)
	if err != nil {
		return err
	}
	defer sd.release()
	a, b := c.Query("a", "pillar"), c.Query("b", "level")
	cells, err := sd.src.Coverage(c.UserContext(), sd.Mission, a, b, sd.Scope)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"a": a, "b": b, "cells": cells})
}

// apiMetrics answers the metric catalogue (or the codes asked) for a scope:
// {computed_at, scope, metrics:[{code, label, dims, value, n}]}.
func (s *Server) apiMetrics(c *fiber.Ctx) error {
	m, err := s.store.Mission(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	q := queryValues(c)
	sc, err := portfolio.ParseScope(q)
	if err != nil {
		return err
	}
	var codes []string
	for _, code := range strings.Split(q.Get("codes"), ",") {
		if code = strings.TrimSpace(code); code != "" {
			codes = append(codes, strings.ToUpper(code))
		}
	}
	params := metrics.Params{A: q.Get("a"), B: q.Get("b"), Scheme: q.Get("scheme"), Basis: q.Get("basis")}
	var res *metrics.Result
	if v := q.Get("snapshot"); v != "" {
		// As of a snapshot: only its frozen tables are read, so the answer
		// never changes and may be cached forever.
		id, err := snapshotID(c, "snapshot")
		if err != nil {
			return err
		}
		snap, err := s.snapshots.Get(c.UserContext(), id)
		if err != nil {
			return err
		}
		if snap.Mission != m.Slug {
			return portfolio.Errorf(portfolio.ENOTFOUND, "snapshot %d is not a snapshot of mission %q", id, m.Slug)
		}
		// The client may hold the answer already: check before computing.
		etag := snapshotETag(c, id)
		if notModified(c, etag) {
			cacheForever(c, etag)
			return nil
		}
		if res, err = s.snapshots.Compute(c.UserContext(), id, sc, params, codes); err != nil {
			return err
		}
		cacheForever(c, etag)
	} else if res, err = s.metrics.Get(c.UserContext(), metrics.Request{Mission: m, Scope: sc, Codes: codes, Params: params}); err != nil {
		return err
	}
	lang := s.language(c)
	out := make([]metrics.Value, len(res.Values))
	for i, v := range res.Values {
		v.Label = metrics.Label(v.Code, lang)
		out[i] = v
	}
	scope := map[string]string{}
	for k := range sc.Query() {
		scope[k] = sc.Query().Get(k)
	}
	return c.JSON(fiber.Map{"computed_at": res.ComputedAt, "scope": scope, "metrics": out})
}
