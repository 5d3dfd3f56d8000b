package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/web"
)

// TestSnapshotScheduleHasAMinimum: a mission admin cannot schedule
// snapshots more often than the instance allows (one hour by default);
// the instance administrator can lower the minimum. Before the fix
// "@every 1s" was accepted and took 28 snapshots in 30 s.
func TestSnapshotScheduleHasAMinimum(t *testing.T) {
	t.Parallel()
	tiny := mustReadTestdata(t, "mission_tiny.yaml")
	every := func(spec string) string {
		return strings.Replace(tiny, "slug: tiny\n", "slug: tiny\nschedules: {snapshot: \""+spec+"\"}\n", 1)
	}
	app, _ := newFreshApp(t, web.Options{})
	runScenarios(t, app, []scenario{
		{name: "every second", method: http.MethodPut, url: "/api/v1/missions/tiny", body: every("@every 1s"), wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "schedules.snapshot", "every 1s", "1h0m0s", "--min-snapshot-interval")},
		{name: "every minute, in cron", method: http.MethodPut, url: "/api/v1/missions/tiny", body: every("* * * * *"), wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "every 1m0s")},
		{name: "hourly", method: http.MethodPut, url: "/api/v1/missions/tiny", body: every("@hourly"), wantStatus: 201},
		{name: "weekly", method: http.MethodPut, url: "/api/v1/missions/tiny", body: every("0 7 * * 1"), wantStatus: 200},
	})
	lower, _ := newFreshApp(t, web.Options{MinSnapshotInterval: time.Minute})
	runScenarios(t, lower, []scenario{
		{name: "a lower minimum", method: http.MethodPut, url: "/api/v1/missions/tiny", body: every("*/5 * * * *"), wantStatus: 201},
	})
}
