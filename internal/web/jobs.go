package web

import (
	"cmp"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
)

// jobView is what the jobs API and page show: the runs, newest first, and
// the scheduled jobs with their next run times.
type jobView struct {
	Items     []portfolio.JobRun `json:"items"`
	Scheduled []schedule.Entry   `json:"scheduled"`
}

// Only the jobs of missions where the principal is an analyst or more are
// shown; the instance's own jobs (mission "") to its administrator.
func (s *Server) jobView(c *fiber.Ctx) (jobView, error) {
	v := jobView{Items: []portfolio.JobRun{}, Scheduled: []schedule.Entry{}}
	p := principal(c)
	sees := func(mission string) bool { return p.Can(cmp.Or(mission, auth.All), auth.Analyst) }
	if s.jobs != nil {
		runs, err := s.jobs.JobRuns(c.UserContext(), 200)
		if err != nil {
			return v, err
		}
		for _, r := range runs {
			if sees(r.Mission) {
				v.Items = append(v.Items, r)
			}
		}
	}
	if s.scheduler != nil {
		for _, e := range s.scheduler.Entries() {
			if sees(e.Mission) {
				v.Scheduled = append(v.Scheduled, e)
			}
		}
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

// jobsView is the jobs page: the recent runs and the scheduled jobs.
type jobsView struct {
	page
	JobRuns   []portfolio.JobRun
	Scheduled []schedule.Entry
}

// jobsPage shows the scheduled jobs, their next run and the recent runs.
func (s *Server) jobsPage(c *fiber.Ctx) error {
	v, err := s.jobView(c)
	if err != nil {
		return err
	}
	p := &jobsView{page: *s.newPage(c, "jobs")}
	p.Title = p.T("jobs.title")
	p.JobRuns, p.Scheduled = v.Items, v.Scheduled
	return s.render(c, "jobs", p)
}
