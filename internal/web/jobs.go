package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
	"github.com/begira/begira/internal/store"
)

// jobView is what the jobs API and page show: the runs, newest first, and
// the scheduled jobs with their next run times.
type jobView struct {
	Items     []store.JobRun   `json:"items"`
	Scheduled []schedule.Entry `json:"scheduled"`
}

func (s *Server) jobView(c *fiber.Ctx) (jobView, error) {
	v := jobView{Items: []store.JobRun{}, Scheduled: []schedule.Entry{}}
	if s.jobs != nil {
		runs, err := s.jobs.JobRuns(c.UserContext(), 200)
		if err != nil {
			return v, err
		}
		v.Items = runs
	}
	if s.scheduler != nil {
		v.Scheduled = s.scheduler.Entries()
	}
	return v, nil
}

// apiJobs answers {items:[runs], scheduled:[entries with next run times]}.
func (s *Server) apiJobs(c *fiber.Ctx) error {
	v, err := s.jobView(c)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// apiRunJob runs a scheduled job now (?mission=slug for mission jobs) and
// answers its run.
func (s *Server) apiRunJob(c *fiber.Ctx) error {
	if s.scheduler == nil {
		return portfolio.Errorf(portfolio.ENOTFOUND, "no scheduler is running")
	}
	run, err := s.scheduler.RunNow(c.UserContext(), c.Params("job"), c.Query("mission"))
	if err != nil {
		return err
	}
	return c.JSON(run)
}

// jobsPage shows the scheduled jobs, their next run and the recent runs.
func (s *Server) jobsPage(c *fiber.Ctx) error {
	v, err := s.jobView(c)
	if err != nil {
		return err
	}
	p := s.newPage(c, "jobs")
	p.Title = p.T("jobs.title")
	p.JobRuns, p.Scheduled = v.Items, v.Scheduled
	return s.render(c, "jobs", p)
}
