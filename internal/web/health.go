package web

import (
	"github.com/gofiber/fiber/v2"
)

// healthz answers as long as the process serves HTTP.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 only when the database answers with its migrations
// applied; a load balancer sends no traffic before that.
func (s *Server) readyz(c *fiber.Ctx) error {
	checks := fiber.Map{"database": "ok"}
	ready := true
	if err := s.store.Ping(c.UserContext()); err != nil {
		s.log.Warn("not ready", "reason", err.Error())
		checks["database"], ready = "failing", false
	}
	if s.scheduler != nil {
		checks["scheduler"] = "running"
		if !s.scheduler.Running() {
			checks["scheduler"], ready = "stopped", false
		}
	}
	if !ready {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "checks": checks})
	}
	return c.JSON(fiber.Map{"status": "ready", "checks": checks})
}
