package schedule_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
)

// plannedMission is a mission document with schedules and sources.
const plannedMission = `slug: alpha
title: {en: Alpha}
timezone: Europe/Madrid
schedules:
  snapshot: "0 7 * * 1"
  digest: "0 8 * * 1"
  pull_portal: "@every 6h"
sources:
  - {slug: portal, kind: projects, url: "https://opendata.example.org/projects.csv", schedule: "@daily"}
  - {slug: feed, kind: signals, url: "https://example.org/signals.json", schedule: "CRON_TZ=UTC 0 5 * * *"}
  - {slug: sheet, kind: organisations}
`

func mustParseMission(tb testing.TB, doc string) *portfolio.Mission {
	tb.Helper()
	m, err := missionfile.Parse([]byte(doc))
	if err != nil {
		tb.Fatalf("parse mission: %v", err)
	}
	return m
}

func plannedString(plan []schedule.Planned) string {
	var out []string
	for _, p := range plan {
		out = append(out, fmt.Sprintf("%s/%s=%s@%s", p.Mission, p.Job, p.Spec, p.Location))
	}
	return strings.Join(out, "\n")
}

func TestPlanMergesDocumentsAndOverrides(t *testing.T) {
	t.Parallel()
	alpha := mustParseMission(t, plannedMission)
	beta := &portfolio.Mission{Slug: "beta", Timezone: "UTC"}
	for name, tc := range map[string]struct {
		overrides map[string]string
		want      []string
	}{
		"documents only": {nil, []string{
			"/prune=30 3 * * *@UTC",
			"alpha/digest=0 8 * * 1@Europe/Madrid",
			"alpha/pull_feed=CRON_TZ=UTC 0 5 * * *@Europe/Madrid",
			"alpha/pull_portal=@every 6h@Europe/Madrid", // schedules.pull_portal beats the source's own
			"alpha/snapshot=0 7 * * 1@Europe/Madrid",
		}},
		"overrides for every mission": {map[string]string{
			"snapshot": "@every 2s", "recompute": "@hourly", "digest": "off", "pull_feed": "@every 1m",
			"pull_sheet": "@hourly", "pull_nowhere": "@hourly", "prune": "0 4 * * *",
		}, []string{
			"/prune=0 4 * * *@UTC",
			"alpha/pull_feed=@every 1m@Europe/Madrid",
			"alpha/pull_portal=@every 6h@Europe/Madrid",
			"alpha/recompute=@hourly@Europe/Madrid",
			"alpha/snapshot=@every 2s@Europe/Madrid",
			"beta/recompute=@hourly@UTC",
			"beta/snapshot=@every 2s@UTC",
		}},
		"prune off": {map[string]string{"prune": "off"}, []string{
			"alpha/digest=0 8 * * 1@Europe/Madrid",
			"alpha/pull_feed=CRON_TZ=UTC 0 5 * * *@Europe/Madrid",
			"alpha/pull_portal=@every 6h@Europe/Madrid",
			"alpha/snapshot=0 7 * * 1@Europe/Madrid",
		}},
	} {
		t.Run(name, func(t *testing.T) {
			got := plannedString(schedule.Plan([]*portfolio.Mission{alpha, beta}, tc.overrides))
			if want := strings.Join(tc.want, "\n"); got != want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestParseOverrides(t *testing.T) {
	t.Parallel()
	got, err := schedule.ParseOverrides(
		[]string{"snapshot=@every 2s", "pull_portal = 0 6 * * *"},
		[]string{"HOME=/root", "BEGIRA_SCHEDULE_SNAPSHOT=@daily", "BEGIRA_SCHEDULE_RECOMPUTE=@hourly", "BEGIRA_SCHEDULE_DIGEST=off"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"snapshot": "@every 2s", "pull_portal": "0 6 * * *", "recompute": "@hourly", "digest": "off"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("overrides: got %v, want %v (flags beat the environment)", got, want)
	}
	for name, tc := range map[string]struct {
		flags, env []string
		want       string
	}{
		"unknown job":   {[]string{"snapshto=@daily"}, nil, `--schedule snapshto: unknown job "snapshto"`},
		"bad spec":      {[]string{"snapshot=0 99 * * *"}, nil, `--schedule snapshot: schedule of job "snapshot": "0 99 * * *" is not a valid cron spec`},
		"no equals":     {[]string{"snapshot"}, nil, "want JOB=SPEC"},
		"bad env":       {nil, []string{"BEGIRA_SCHEDULE_PRUNE=@sometimes"}, "BEGIRA_SCHEDULE_PRUNE"},
		"bad pull slug": {[]string{"pull_Bad Slug=@daily"}, nil, "unknown job"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := schedule.ParseOverrides(tc.flags, tc.env)
			if portfolio.ErrorCode(err) != portfolio.EINVALID || !strings.Contains(portfolio.ErrorMessage(err), tc.want) {
				t.Errorf("got %v, want EINVALID mentioning %q", err, tc.want)
			}
		})
	}
}

func TestRegisterWiresPlannedJobs(t *testing.T) {
	t.Parallel()
	h := mustHarness(t)
	alpha := mustParseMission(t, plannedMission)
	var pulled []string
	jobs := schedule.Jobs{
		Snapshot: func(ctx context.Context, mission string) (string, error) { return `{"mission":"` + mission + `"}`, nil },
		Pull: func(ctx context.Context, mission, source string) (string, error) {
			pulled = append(pulled, mission+"/"+source)
			return "", nil
		},
		Prune: schedule.PruneJob(h.st, h.clock, 30),
	}
	if err := h.s.Register(schedule.Plan([]*portfolio.Mission{alpha}, nil), jobs); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range h.s.Entries() {
		names = append(names, e.Mission+"/"+e.Job)
	}
	if got := strings.Join(names, " "); got != "/prune alpha/pull_feed alpha/pull_portal alpha/snapshot" {
		t.Errorf("registered: %s (digest has no function and must be left out)", got)
	}
	if !strings.Contains(h.log.String(), "job=digest") {
		t.Errorf("the unimplemented digest job was not logged:\n%s", h.log.String())
	}
	if _, err := h.s.RunNow(context.Background(), "pull_portal", "alpha"); err != nil || fmt.Sprint(pulled) != "[alpha/portal]" {
		t.Errorf("run pull_portal: %v, pulled %v", err, pulled)
	}
	run, err := h.s.RunNow(context.Background(), "snapshot", "alpha")
	if err != nil || string(run.Detail) != `{"mission":"alpha"}` {
		t.Errorf("run snapshot: %+v, %v", run, err)
	}
	if run, err := h.s.RunNow(context.Background(), schedule.JobPrune, ""); err != nil || run.Status != portfolio.JobOK {
		t.Errorf("run prune: %+v, %v", run, err)
	}
	bad := []schedule.Planned{{Job: "snapshot", Mission: "beta", Spec: "0 7 * *", Location: time.UTC}}
	if err := h.s.Register(bad, jobs); portfolio.ErrorCode(err) != portfolio.EINVALID {
		t.Errorf("register a bad spec: got %v, want EINVALID", err)
	}
}

func TestMissionDocumentValidatesSchedulesAndSources(t *testing.T) {
	t.Parallel()
	m := mustParseMission(t, plannedMission)
	if src := m.Sources[0]; src.Name != "portal" || src.Mode != "upsert" {
		t.Errorf("source defaults: name %q mode %q, want the slug and upsert", src.Name, src.Mode)
	}
	base := "slug: x\ntitle: {en: X}\n"
	for name, tc := range map[string]struct{ doc, want string }{
		"bad spec":           {base + "schedules: {snapshot: \"0 7 * *\"}\n", `schedules.snapshot: "0 7 * *"`},
		"bad hour":           {base + "schedules: {snapshot: \"0 24 * * *\"}\n", "hour"},
		"unknown job":        {base + "schedules: {backup: \"@daily\"}\n", "schedules.backup: unknown job"},
		"pull of nothing":    {base + "schedules: {pull_ghost: \"@daily\"}\n", `"ghost" is not a source with a url`},
		"bad url":            {base + "sources: [{slug: s, kind: projects, url: \"ftp://x/y.csv\"}]\n", "http or https"},
		"relative url":       {base + "sources: [{slug: s, kind: projects, url: \"/y.csv\"}]\n", "http or https"},
		"bad kind":           {base + "sources: [{slug: s, kind: budgets, url: \"https://x/y.csv\"}]\n", "kind must be projects"},
		"bad mode":           {base + "sources: [{slug: s, kind: projects, mode: merge}]\n", "mode must be"},
		"schedule, no url":   {base + "sources: [{slug: s, kind: projects, schedule: \"@daily\"}]\n", "needs a url"},
		"bad source spec":    {base + "sources: [{slug: s, kind: projects, url: \"https://x/y\", schedule: \"@every 1ms\"}]\n", "at least 1s"},
		"duplicate source":   {base + "sources: [{slug: s, kind: projects}, {slug: s, kind: signals}]\n", "duplicate source"},
		"bad zone in spec":   {base + "schedules: {snapshot: \"CRON_TZ=Mars/Base 0 7 * * *\"}\n", "Mars/Base"},
		"typo in a source":   {base + "sources: [{slug: s, kind: projects, ulr: \"https://x/y\"}]\n", "ulr"},
		"dow out of range":   {base + "schedules: {digest: \"0 7 * * 7\"}\n", "day of week"},
		"range backwards":    {base + "schedules: {digest: \"0 7 * * fri-mon\"}\n", "starts after it ends"},
		"zero step":          {base + "schedules: {digest: \"*/0 7 * * *\"}\n", "step"},
		"seven fields":       {base + "schedules: {digest: \"0 0 7 * * * 2026\"}\n", "got 7"},
		"unknown @keyword":   {base + "schedules: {digest: \"@fortnightly\"}\n", "unknown descriptor"},
		"CRON_TZ, no spec":   {base + "schedules: {digest: \"CRON_TZ=UTC\"}\n", "needs a schedule"},
		"not a month name":   {base + "schedules: {digest: \"0 7 1 foo *\"}\n", "month"},
		"pull of no-url src": {base + "sources: [{slug: s, kind: projects}]\nschedules: {pull_s: \"@daily\"}\n", `"s" is not a source with a url`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := missionfile.Parse([]byte(tc.doc))
			all := portfolio.ErrorMessage(err) + " " + strings.Join(portfolio.ErrorDetails(err), " ")
			if portfolio.ErrorCode(err) != portfolio.EINVALID || !strings.Contains(all, tc.want) {
				t.Errorf("got %v, want EINVALID mentioning %q", all, tc.want)
			}
		})
	}
}

// TestCheckScheduleAgreesWithCron keeps the mission document's check (the
// domain package imports the standard library only) in step with the
// parser the scheduler uses.
func TestCheckScheduleAgreesWithCron(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{
		"0 7 * * *", "0 7 * * 1", "*/15 * * * *", "0 0 7 * * *", "30 6 1,15 * *", "0 9 * jan-mar mon-fri",
		"0 9 ? * SUN", "5/10 * * * *", "0 0 1 1 *", "@daily", "@weekly", "@every 2s", "@every 1h30m", "@hourly",
		"CRON_TZ=Europe/Madrid 30 6 * * *", "TZ=UTC @daily",
		"0 7 * *", "0 60 * * *", "0 7 32 * *", "0 7 * 13 *", "0 7 * * 7", "* * * * * * *", "@every x", "@often",
		"CRON_TZ=Nowhere/City 0 7 * * *", "0 7-5 * * *", "*/0 * * * *", "a b c d e", "0 7 * * mon-", "",
	} {
		_, cronErr := schedule.ParseSpec("j", "", spec)
		docErr := portfolio.CheckSchedule(spec)
		if (cronErr == nil) != (docErr == nil) {
			t.Errorf("spec %q: cron says %v, the document check says %v", spec, cronErr, docErr)
		}
	}
}
