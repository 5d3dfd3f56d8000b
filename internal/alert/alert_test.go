package alert_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/begira/begira/internal/alert"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

const secret = "webhook-secret-for-tests"

// mission has a relevance mask on pillar × level and sends every event to
// the webhook.
const mission = `slug: tiny
title: {en: Tiny}
schemes:
  - code: pillar
    label: {en: Pillar}
    cardinality: multi
    terms:
      - {code: social, label: {en: Social}}
      - {code: green, label: {en: Green}}
  - code: level
    label: {en: Level}
    terms:
      - {code: community, label: {en: Community}}
      - {code: regulation, label: {en: Regulation}}
relevance:
  - {a: pillar, b: level, cells: [[green, community]]}
alerts:
  - on: [coverage_emptied, blind_spot, import_failed, job_failed_twice]
    webhook: URL
`

// receiver is a real HTTP endpoint that records what it is sent and fails
// the first `fail` requests.
type receiver struct {
	mu     sync.Mutex
	fail   int
	bodies [][]byte
	sigs   []string
	events []string
	got    chan struct{}
	url    string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	r.bodies = append(r.bodies, body)
	r.sigs = append(r.sigs, req.Header.Get("X-Begira-Signature"))
	r.events = append(r.events, req.Header.Get("X-Begira-Event"))
	r.got <- struct{}{}
}

func setup(t *testing.T, fail int) (*alert.Alerter, *store.Store, *receiver) {
	t.Helper()
	rec := &receiver{fail: fail, got: make(chan struct{}, 16)}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	rec.url = srv.URL + "/hook"
	st, err := store.Open(context.Background(), store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := missionfile.Parse([]byte(strings.Replace(mission, "URL", srv.URL+"/hook", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyMission(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	a := &alert.Alerter{Store: st, Secret: []byte(secret), Attempts: 3, Backoff: time.Second,
		Wait: func(context.Context, time.Duration) error { return nil }}
	return a, st, rec
}

func (r *receiver) wait(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-r.got:
		case <-time.After(20 * time.Second):
			t.Fatalf("the webhook got %d of %d deliveries", len(r.bodies), n)
		}
	}
}

// TestWebhookIsSignedRetriedAndAudited: the endpoint fails once; the
// delivery is retried, its body carries the event and its signature checks
// with the secret, and the audit log says it was delivered at attempt 2.
func TestWebhookIsSignedRetriedAndAudited(t *testing.T) {
	t.Parallel()
	a, st, rec := setup(t, 1)
	a.Raise(alert.Event{Kind: portfolio.AlertImportFailed, Mission: "tiny", Summary: "Import 7 failed"})
	rec.wait(t, 1)
	a.WaitIdle()
	var ev alert.Event
	if err := json.Unmarshal(rec.bodies[0], &ev); err != nil || ev.Kind != "import_failed" || ev.Mission != "tiny" || ev.Summary != "Import 7 failed" {
		t.Errorf("body %s (%v)", rec.bodies[0], err)
	}
	if want := alert.Signature([]byte(secret), rec.bodies[0]); rec.sigs[0] != want || !strings.HasPrefix(want, "sha256=") {
		t.Errorf("signature %q, want %q", rec.sigs[0], want)
	}
	if alert.Signature([]byte("another key"), rec.bodies[0]) == rec.sigs[0] {
		t.Error("the signature does not depend on the key")
	}
	log, err := st.AuditLog(context.Background(), store.AuditFilter{Action: "alert."})
	if err != nil || len(log) != 1 || log[0].Action != "alert.webhook" || !strings.Contains(log[0].After, `"attempts":2`) ||
		!strings.Contains(log[0].After, `"delivered":true`) || log[0].Actor != "alert" {
		t.Errorf("audit %+v (%v)", log, err)
	}
}

// TestFailedDeliveryIsAudited: an endpoint that never answers 2xx is tried
// Attempts times and the audit log says it failed, and why.
func TestFailedDeliveryIsAudited(t *testing.T) {
	t.Parallel()
	a, st, _ := setup(t, 100)
	a.Raise(alert.Event{Kind: portfolio.AlertBlindSpot, Mission: "tiny", Summary: "x"})
	a.WaitIdle()
	log, _ := st.AuditLog(context.Background(), store.AuditFilter{Action: "alert."})
	if len(log) != 1 || !strings.Contains(log[0].After, `"delivered":false`) || !strings.Contains(log[0].After, "webhook answered 503") ||
		!strings.Contains(log[0].After, `"attempts":3`) {
		t.Errorf("audit %+v", log)
	}
}

// TestJobFailedTwiceInARow: one failure is not an alert, two in a row
// are; a success in between starts again; a failed pull is import_failed.
func TestJobFailedTwiceInARow(t *testing.T) {
	t.Parallel()
	a, _, rec := setup(t, 0)
	a.JobFinished("snapshot", "tiny", "failed", "disk full")
	a.JobFinished("snapshot", "tiny", "ok", "")
	a.JobFinished("snapshot", "tiny", "failed", "disk full")
	a.WaitIdle()
	if len(rec.events) != 0 {
		t.Fatalf("alerts after failures not in a row: %v", rec.events)
	}
	a.JobFinished("snapshot", "tiny", "failed", "disk full")
	rec.wait(t, 1)
	a.JobFinished("pull_feed", "tiny", "failed", "connection refused")
	rec.wait(t, 1)
	a.WaitIdle()
	if strings.Join(rec.events, ",") != "job_failed_twice,import_failed" {
		t.Errorf("events %v, want job_failed_twice then import_failed", rec.events)
	}
}

// TestCoverageCellEmptied: a commit that empties nothing raises nothing;
// rolling back the import of the only project in the relevant cell green ×
// community raises coverage_emptied for that cell.
func TestCoverageCellEmptied(t *testing.T) {
	t.Parallel()
	a, st, rec := setup(t, 0)
	ing := ingest.New(st, time.Now)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.csv")
	os.WriteFile(path, []byte("ext_ref,title,pillars,level\nP1,One,green,community\nP2,Two,social,regulation\n"), 0o600)
	b, err := ing.Import(ctx, ingest.Request{Mission: "tiny", Kind: "projects", Mode: ingest.ModeAppend, Path: path, Filename: "p.csv"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Watch(ctx); err != nil {
		t.Fatal(err)
	}
	ing.OnCommitted(a.Committed)
	path2 := filepath.Join(t.TempDir(), "q.csv")
	os.WriteFile(path2, []byte("ext_ref,title,pillars,level\nP3,Three,social,community\n"), 0o600)
	if _, err := ing.Import(ctx, ingest.Request{Mission: "tiny", Kind: "projects", Mode: ingest.ModeAppend, Path: path2, Filename: "q.csv"}, false); err != nil {
		t.Fatal(err)
	}
	a.WaitIdle()
	if len(rec.events) != 0 {
		t.Fatalf("an import that empties nothing raised %v", rec.events)
	}
	if _, err := ing.Rollback(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, 1)
	a.WaitIdle()
	var ev alert.Event
	json.Unmarshal(rec.bodies[0], &ev)
	if ev.Kind != "coverage_emptied" || !strings.Contains(ev.Summary, "pillar:green × level:community") || len(rec.events) != 1 {
		t.Errorf("events %v, first %+v", rec.events, ev)
	}
}
