package web_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// countingSnapshots counts the metric computations asked of a snapshot.
type countingSnapshots struct {
	web.Snapshots
	computed atomic.Int32
}

func (s *countingSnapshots) Compute(ctx context.Context, id int64, sc portfolio.Scope, p metrics.Params, codes []string) (*metrics.Result, error) {
	s.computed.Add(1)
	return s.Snapshots.Compute(ctx, id, sc, p, codes)
}

// A client that holds a snapshot's metrics gets 304 before anything is
// computed; one holding another version gets them computed afresh.
func TestSnapshotMetricsETagBeforeCompute(t *testing.T) {
	ctx := portfolio.WithActor(context.Background(), "test")
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := missionfile.Parse([]byte(mustReadTestdata(t, "mission_tiny.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	mustImport(t, st, "tiny", "projects", "projects.csv", mustReadTestdata(t, "projects_tiny.csv"))
	sn, err := snapshot.New(st, time.Now).Take(ctx, "tiny", "first", snapshot.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	deps := testDeps(st, st, discardLogger())
	counter := &countingSnapshots{Snapshots: deps.Snapshots}
	deps.Snapshots = counter
	app := web.New(deps, web.Options{})
	url := fmt.Sprintf("/api/v1/missions/tiny/metrics?snapshot=%d&codes=C1", sn.ID)

	res, body := getWith(t, app, url, nil)
	etag := res.Header.Get("ETag")
	if res.StatusCode != http.StatusOK || etag == "" || counter.computed.Load() != 1 {
		t.Fatalf("first GET: status %d, ETag %q, %d computations, want 200, a tag, 1: %s", res.StatusCode, etag, counter.computed.Load(), body)
	}
	res, body = getWith(t, app, url, map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified || len(body) != 0 || res.Header.Get("ETag") != etag {
		t.Errorf("If-None-Match %s: status %d, ETag %q, %d bytes, want 304 with the tag and no body", etag, res.StatusCode, res.Header.Get("ETag"), len(body))
	}
	if n := counter.computed.Load(); n != 1 {
		t.Errorf("a 304 computed the metrics: %d computations, want 1", n)
	}
	if res, body = getWith(t, app, url, map[string]string{"If-None-Match": `"stale"`}); res.StatusCode != http.StatusOK || counter.computed.Load() != 2 {
		t.Errorf("stale tag: status %d, %d computations, want 200 and 2: %s", res.StatusCode, counter.computed.Load(), body)
	}
}
