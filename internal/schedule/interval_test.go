package schedule

import (
	"strings"
	"testing"
	"time"
)

func TestInterval(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]time.Duration{
		"@every 1s":                       time.Second,
		"@every 90m":                      90 * time.Minute,
		"* * * * *":                       time.Minute,
		"*/5 * * * * *":                   5 * time.Second,
		"0 7 * * 1":                       7 * 24 * time.Hour,
		"0 7,8 * * *":                     time.Hour,
		"@hourly":                         time.Hour,
		"@daily":                          24 * time.Hour,
		"CRON_TZ=Europe/Madrid 0 7 * * *": 24 * time.Hour,
		"0 0 1 1 *":                       8 * 24 * time.Hour, // yearly: more than the eight days looked at
	} {
		got, err := Interval(spec)
		if err != nil || got != want {
			t.Errorf("Interval(%q) = %v, %v; want %v", spec, got, err, want)
		}
	}
}

// TestSnapshotScheduleMinimum: a snapshot job more frequent than the
// minimum is refused with a message naming the limit, and dropped from a
// plan; other jobs are left alone. Before the limit "@every 1s" ran.
func TestSnapshotScheduleMinimum(t *testing.T) {
	t.Parallel()
	err := CheckSnapshotSpec("schedules.snapshot", "@every 1s", time.Hour)
	if err == nil || !strings.Contains(err.Error(), "every 1h0m0s at most often") {
		t.Errorf("@every 1s: %v", err)
	}
	if err := CheckSnapshotSpec("schedules.snapshot", "@hourly", time.Hour); err != nil {
		t.Errorf("@hourly: %v", err)
	}
	plan := []Planned{{Job: JobSnapshot, Mission: "a", Spec: "@every 1s"}, {Job: JobSnapshot, Mission: "b", Spec: "0 7 * * 1"},
		{Job: JobRecompute, Mission: "a", Spec: "@every 1s"}}
	kept, dropped := DropFrequentSnapshots(plan, time.Hour)
	if len(kept) != 2 || kept[0].Mission != "b" || kept[1].Job != JobRecompute || len(dropped) != 1 || !strings.Contains(dropped[0], `mission "a"`) {
		t.Errorf("kept %+v, dropped %v", kept, dropped)
	}
}
