package web

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/i18n"
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

// JobName names a job in the page's language; a source's pull job
// (pull_<slug>) names its source.
func (v *jobsView) JobName(job string) string {
	if src, ok := strings.CutPrefix(job, schedule.JobPullPrefix); ok {
		return v.T("enum.job.pull", src)
	}
	return v.Enum("job", job)
}

// jobFact is one figure of a run's result, named and written the page's way.
type jobFact struct{ Label, Value string }

// JobFacts reads a run's result (the JSON object its job returned: a
// snapshot id, a batch and its counts, …) as facts in the page's language:
// each key by its catalogue name, numbers grouped, times in the mission's
// zone, known codes by their labels. Keys the catalogue lacks keep their
// name, so nothing a job reports is hidden.
func (v *jobsView) JobFacts(detail json.RawMessage) []jobFact {
	var m map[string]any
	if len(detail) == 0 || json.Unmarshal(detail, &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	facts := make([]jobFact, 0, len(keys))
	for _, k := range keys {
		label := k
		if i18n.Has("jobs.fact." + k) {
			label = v.T("jobs.fact." + k)
		}
		facts = append(facts, jobFact{Label: label, Value: v.jobValue(k, m[k])})
	}
	return facts
}

// jobValue writes one result value: a count grouped, a time in the
// mission's zone, a pull's status by its label, a list item by item,
// anything else as it came.
func (v *jobsView) jobValue(key string, val any) string {
	switch x := val.(type) {
	case float64:
		return v.Int(int64(x))
	case string:
		if key == "status" {
			return v.Enum("pull_status", x)
		}
		if t, err := time.Parse(time.RFC3339, x); err == nil {
			return v.Time(t)
		}
		return x
	case nil:
		return ""
	case map[string]any: // a backup's file
		if name, ok := x["name"].(string); ok {
			return name
		}
		b, _ := json.Marshal(x)
		return string(b)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = v.jobValue(key, e)
		}
		return strings.Join(parts, ", ")
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
