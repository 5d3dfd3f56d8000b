package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/config"
)

// TestScheduledJobsAreWired: --schedule plans a job for the demo mission,
// the jobs API shows it with its next run, and running it now takes a
// snapshot recorded as a job run.
func TestScheduledJobsAreWired(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t, "--schedule", "snapshot=0 7 * * 1", "--schedule", "recompute=off")
	client := adminClient(t, s)
	base := "http://" + addr
	var jobs struct {
		Items     []struct{ Job, Mission, Status, Trigger string } `json:"items"`
		Scheduled []struct {
			Job, Mission, Spec, Next string
		} `json:"scheduled"`
	}
	get := func() {
		t.Helper()
		resp, err := client.Get(base + "/api/v1/jobs")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(&jobs); err != nil {
			t.Fatal(err)
		}
	}
	get()
	found := false
	for _, e := range jobs.Scheduled {
		if e.Job == "snapshot" && e.Mission == "gipuzkoa" {
			found = true
			if e.Spec != "0 7 * * 1" || e.Next == "" {
				t.Errorf("snapshot entry %+v: want spec 0 7 * * 1 and a next run", e)
			}
		}
		if e.Job == "recompute" {
			t.Errorf("recompute=off still scheduled: %+v", e)
		}
	}
	if !found {
		t.Fatalf("no scheduled snapshot job: %+v", jobs.Scheduled)
	}
	type snap struct {
		ID      int64  `json:"id"`
		Trigger string `json:"trigger"`
	}
	listSnapshots := func() []snap {
		t.Helper()
		resp, err := client.Get(base + "/api/v1/missions/gipuzkoa/snapshots")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var snaps struct {
			Items []snap `json:"items"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&snaps); err != nil {
			t.Fatal(err)
		}
		return snaps.Items
	}
	before := listSnapshots() // the demo's committees
	resp, err := client.Post(base+"/api/v1/jobs/snapshot/run?mission=gipuzkoa", "application/json", strings.NewReader(""))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("run now: %v %v", resp, err)
	}
	resp.Body.Close()
	get()
	if len(jobs.Items) == 0 || jobs.Items[0].Job != "snapshot" || jobs.Items[0].Status != "ok" || jobs.Items[0].Trigger != "manual" {
		t.Fatalf("latest run %+v, want a manual snapshot run that is ok", jobs.Items)
	}
	after := listSnapshots()
	if len(after) != len(before)+1 || after[0].Trigger != "schedule" || (len(before) > 0 && after[0].ID <= before[0].ID) {
		t.Errorf("snapshots %+v after the run (%+v before), want one more, taken by the snapshot job", after, before)
	}
}

// TestApplyingAMissionReplansItsJobs: a mission document PUT while the
// server runs brings its schedules with it.
func TestApplyingAMissionReplansItsJobs(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t)
	client := adminClient(t, s)
	doc := strings.Replace(tinyMission, "slug: tiny\n", "slug: tiny\nschedules: {digest: \"0 8 * * 1\"}\n", 1)
	req, _ := http.NewRequest("PUT", "http://"+addr+"/api/v1/missions/tiny", strings.NewReader(doc))
	req.Header.Set("Content-Type", "application/yaml")
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = client.Get("http://" + addr + "/api/v1/jobs")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var jobs struct {
		Scheduled []struct{ Job, Mission, Spec string } `json:"scheduled"`
	}
	json.NewDecoder(resp.Body).Decode(&jobs)
	for _, e := range jobs.Scheduled {
		if e.Job == "digest" && e.Mission == "tiny" && e.Spec == "0 8 * * 1" {
			return
		}
	}
	t.Errorf("the applied mission's digest job is not scheduled: %+v", jobs.Scheduled)
}

// TestScheduleOverrideBelowTheMinimum: --schedule cannot ask for snapshots
// more often than --min-snapshot-interval, which the administrator can
// lower.
func TestScheduleOverrideBelowTheMinimum(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"--schedule", "snapshot=@every 2s"}, false},
		{[]string{"--schedule", "snapshot=@every 2s", "--min-snapshot-interval", "1s"}, true},
		{[]string{"--schedule", "snapshot=@hourly"}, true},
	} {
		cfg, err := config.ParseServe(append([]string{"--db", ":memory:", "--addr", "127.0.0.1:0"}, tc.args...), func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		s, err := newServer(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if (err == nil) != tc.ok {
			t.Errorf("%v: error %v, want ok=%v", tc.args, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--min-snapshot-interval") {
			t.Errorf("%v: error %v does not name the flag", tc.args, err)
		}
		if s != nil {
			s.shutdown(5 * time.Second)
		}
	}
}
