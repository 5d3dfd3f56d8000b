package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
)

func (s *Server) apiMissions(c *fiber.Ctx) error {
	items, err := s.store.Missions(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
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
	if m.Slug != c.Params("slug") {
		return portfolio.Errorf(portfolio.EINVALID, "the document's slug %q does not match the URL's %q", m.Slug, c.Params("slug"))
	}
	created, err := s.store.ApplyMission(c.UserContext(), m)
	if err != nil {
		return err
	}
	m, err = s.store.Mission(c.UserContext(), m.Slug)
	if err != nil {
		return err
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
	items, total, err := s.store.Signals(c.UserContext(), m, pg)
	if err != nil {
		return err
	}
	return list(c, items, total, pg)
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
