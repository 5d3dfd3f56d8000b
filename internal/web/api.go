package web

import (
	"strings"

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

func (s *Server) apiProjects(c *fiber.Ctx) error {
	m, sc, pg, err := s.apiListArgs(c)
	if err != nil {
		return err
	}
	items, total, err := s.store.Projects(c.UserContext(), m, sc, pg)
	if err != nil {
		return err
	}
	return list(c, items, total, pg)
}

func (s *Server) apiOrganisations(c *fiber.Ctx) error {
	m, _, pg, err := s.apiListArgs(c)
	if err != nil {
		return err
	}
	items, total, err := s.store.Organisations(c.UserContext(), m, pg)
	if err != nil {
		return err
	}
	return list(c, items, total, pg)
}

func (s *Server) apiSignals(c *fiber.Ctx) error {
	m, _, pg, err := s.apiListArgs(c)
	if err != nil {
		return err
	}
	items, total, err := s.store.Signals(c.UserContext(), m, signalFilter(c, m), pg)
	if err != nil {
		return err
	}
	return list(c, items, total, pg)
}

// signalFilter reads ?challenge=water (any signal scheme), level_observed
// and signal_status.
func signalFilter(c *fiber.Ctx, m *portfolio.Mission) portfolio.SignalFilter {
	f := portfolio.SignalFilter{Level: c.Query("level_observed"), Status: c.Query("signal_status")}
	for _, sc := range m.Schemes {
		if v := c.Query(sc.Code); v != "" && sc.AppliesToKind(portfolio.KindSignal) {
			f.Scheme, f.Term = sc.Code, v
			break
		}
	}
	return f
}

func (s *Server) apiListArgs(c *fiber.Ctx) (*portfolio.Mission, portfolio.Scope, portfolio.Page, error) {
	var sc portfolio.Scope
	pg, err := parsePage(c)
	if err != nil {
		return nil, sc, pg, err
	}
	m, err := s.store.Mission(c.UserContext(), c.Params("slug"))
	if err != nil {
		return nil, sc, pg, err
	}
	sc, err = portfolio.ParseScope(queryValues(c))
	return m, sc, pg.Normalize(), err
}

// apiCoverage answers the C1 matrix of two schemes (default pillar × level).
func (s *Server) apiCoverage(c *fiber.Ctx) error {
	m, err := s.store.Mission(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	sc, err := portfolio.ParseScope(queryValues(c))
	if err != nil {
		return err
	}
	a, b := c.Query("a", "pillar"), c.Query("b", "level")
	cells, err := s.store.Coverage(c.UserContext(), m, a, b, sc)
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
		if res, err = s.snapshots.Compute(c.UserContext(), id, sc, params, codes); err != nil {
			return err
		}
		if immutable(c, id) {
			return nil
		}
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
