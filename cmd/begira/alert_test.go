package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/begira/begira/internal/alert"
	"github.com/begira/begira/internal/mailtest"
	"github.com/begira/begira/internal/portfolio"
)

// TestPullFailingTwiceAlerts is the wiring end to end: a scheduled pull
// whose server is down fails twice (run on demand); each failure is an
// import_failed alert and the second a job_failed_twice alert, sent in
// Basque through a real SMTP server and to a webhook as signed JSON.
func TestPullFailingTwiceAlerts(t *testing.T) {
	t.Parallel()
	const secret = "webhook-secret-0123456789"
	mp := mailtest.Start(t, mailtest.Plain)
	var mu sync.Mutex
	var events []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Begira-Signature") != alert.Signature([]byte(secret), body) {
			t.Errorf("unsigned or badly signed webhook: %s", body)
		}
		events = append(events, r.Header.Get("X-Begira-Event"))
	}))
	defer hook.Close()
	s, addr := startDemo(t, "--smtp-url", "smtp://"+mp.SMTP+"?starttls=off", "--mail-from", "begira@example.org", "--webhook-secret", secret)
	admin := adminClient(t, s)

	res, err := admin.Get("http://" + addr + "/api/v1/missions/gipuzkoa")
	if err != nil {
		t.Fatal(err)
	}
	var m portfolio.Mission
	json.NewDecoder(res.Body).Decode(&m)
	res.Body.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // nothing listens there any more
	m.Sources = append(m.Sources, portfolio.SourceDoc{Slug: "feed", Kind: "projects", URL: down.URL + "/p.csv", Schedule: "0 6 * * 1"})
	m.Alerts = []portfolio.AlertRule{{On: []string{"import_failed", "job_failed_twice"}, Email: []string{"ane@example.org"}, Lang: "eu", Webhook: hook.URL}}
	body, _ := json.Marshal(m)
	req, _ := http.NewRequest(http.MethodPut, "http://"+addr+"/api/v1/missions/gipuzkoa", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if res, err := admin.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("apply the mission: %v %v", res, err)
	}
	for range 2 {
		res, err := admin.Post("http://"+addr+"/api/v1/jobs/pull_feed/run?mission=gipuzkoa", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	msgs := mp.WaitFor(t, 3, 30*time.Second)
	var subjects []string
	for _, msg := range msgs {
		subjects = append(subjects, msg.Subject)
		if msg.To[0].Address != "ane@example.org" || !strings.Contains(msg.HTML, `lang="eu"`) {
			t.Errorf("alert email %q to %v", msg.Subject, msg.To)
		}
	}
	sort.Strings(subjects)
	joined := strings.Join(subjects, "\n")
	if strings.Count(joined, "inportazio batek huts egin du") != 2 || strings.Count(joined, "lan batek bi aldiz jarraian huts egin du") != 1 {
		t.Errorf("alert subjects:\n%s", joined)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(events)
		mu.Unlock()
		if n >= 3 || time.Now().After(deadline) {
			break
		}
	}
	mu.Lock()
	sort.Strings(events)
	if strings.Join(events, ",") != "import_failed,import_failed,job_failed_twice" {
		t.Errorf("webhook events %v", events)
	}
	mu.Unlock()
}
