package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
)

// apiBackup takes a backup of the running database now: the scheduled
// "backup" job run on demand, so it is recorded in the job runs, skipped
// (409) while another backup runs, and kept under the same retention. The
// answer is the job run, whose detail names the backup's directory.
func (s *Server) apiBackup(c *fiber.Ctx) error {
	if s.scheduler == nil {
		return portfolio.Errorf(portfolio.ENOTFOUND, "no scheduler is running")
	}
	run, err := s.scheduler.RunNow(c.UserContext(), schedule.JobBackup, "")
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(run)
}
