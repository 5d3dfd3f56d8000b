package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPullsStayOffTheServersNetwork: a mission admin's source on the
// server's own machine is refused when pulled, unless the administrator
// allows the host with --pull-allow-hosts. Before the guard the pull read
// it.
func TestPullsStayOffTheServersNetwork(t *testing.T) {
	t.Parallel()
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ext_ref,title\nP-1,Internal secret\n")
	}))
	defer feed.Close()
	doc := tinyMission + "sources:\n  - {slug: feed, kind: projects, url: \"" + feed.URL + "/p.csv\", schedule: \"@daily\"}\n"
	for _, tc := range []struct {
		name, status, inError string
		args                  []string
	}{
		{"refused", "failed", "internal address", nil},
		{"allowed by the administrator", "ok", "", []string{"--pull-allow-hosts", "127.0.0.1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, addr := startDemo(t, tc.args...)
			client := adminClient(t, s)
			req, _ := http.NewRequest("PUT", "http://"+addr+"/api/v1/missions/tiny", strings.NewReader(doc))
			req.Header.Set("Content-Type", "application/yaml")
			resp, err := client.Do(req)
			if err != nil || resp.StatusCode != 201 {
				t.Fatalf("PUT: %v %v", resp, err)
			}
			resp.Body.Close()
			resp, err = client.Post("http://"+addr+"/api/v1/jobs/pull_feed/run?mission=tiny", "", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			// The run's record says how it ended (the run API answers a
			// failed pull as an internal error, without its text).
			resp, err = client.Get("http://" + addr + "/api/v1/jobs")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var jobs struct {
				Items []struct{ Job, Status, Error string } `json:"items"`
			}
			json.NewDecoder(resp.Body).Decode(&jobs)
			for _, r := range jobs.Items {
				if r.Job == "pull_feed" {
					if r.Status != tc.status || !strings.Contains(r.Error, tc.inError) {
						t.Errorf("pull run %+v, want status %s with %q", r, tc.status, tc.inError)
					}
					return
				}
			}
			t.Errorf("no pull_feed run in %+v", jobs.Items)
		})
	}
}
