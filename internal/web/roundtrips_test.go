package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

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
	computed, gets atomic.Int32
}

func (s *countingSnapshots) Compute(ctx context.Context, id int64, sc portfolio.Scope, p metrics.Params, codes []string) (*metrics.Result, error) {
	s.computed.Add(1)
	return s.Snapshots.Compute(ctx, id, sc, p, codes)
}

// countingImports counts the reads of an import batch.
type countingImports struct {
	web.Importer
	batches atomic.Int32
}

func (i *countingImports) Batch(ctx context.Context, id int64) (*portfolio.ImportBatch, error) {
	i.batches.Add(1)
	return i.Importer.Batch(ctx, id)
}

// countingSnapshots also counts the reads of a snapshot.
func (s *countingSnapshots) Get(ctx context.Context, id int64) (*portfolio.Snapshot, error) {
	s.gets.Add(1)
	return s.Snapshots.Get(ctx, id)
}

// newCountingApp serves mission tiny with one committed import (1) and one
// snapshot, counting what the handlers ask of the import and snapshot
// services.
func newCountingApp(t *testing.T) (*fiber.App, *countingImports, *countingSnapshots, int64) {
	t.Helper()
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
	sn, err := snapshot.New(st, time.Now).Take(ctx, "tiny", "first", portfolio.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	deps := testDeps(st, st, discardLogger())
	imports := &countingImports{Importer: deps.Imports}
	snaps := &countingSnapshots{Snapshots: deps.Snapshots}
	deps.Imports, deps.Snapshots = imports, snaps
	return web.New(deps, web.Options{}), imports, snaps, sn.ID
}

// A client that holds a snapshot's metrics gets 304 before anything is
// computed; one holding another version gets them computed afresh.
func TestSnapshotMetricsETagBeforeCompute(t *testing.T) {
	t.Parallel()
	app, _, counter, id := newCountingApp(t)
	url := fmt.Sprintf("/api/v1/missions/tiny/metrics?snapshot=%d&codes=C1", id)

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

// The guard loads the import or snapshot a route names to check access:
// the handler answers with that one instead of reading it again.
func TestGuardHandsLoadedObjectToHandler(t *testing.T) {
	t.Parallel()
	app, imports, snaps, id := newCountingApp(t)
	res, body := getWith(t, app, "/api/v1/imports/1", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"id":1,`) {
		t.Fatalf("GET import 1: %d %s", res.StatusCode, body)
	}
	if n := imports.batches.Load(); n != 1 {
		t.Errorf("GET import 1 read the batch %d times, want once (by the guard)", n)
	}
	if res, body = getWith(t, app, "/api/v1/imports/1/rejects.csv", nil); res.StatusCode != http.StatusOK || imports.batches.Load() != 2 {
		t.Errorf("rejects.csv: %d, %d batch reads in all, want 200 and 2: %s", res.StatusCode, imports.batches.Load(), body)
	}
	url := fmt.Sprintf("/api/v1/snapshots/%d", id)
	if res, body = getWith(t, app, url, nil); res.StatusCode != http.StatusOK || !strings.Contains(string(body), fmt.Sprintf(`"id":%d,`, id)) {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, body)
	}
	if n := snaps.gets.Load(); n != 1 {
		t.Errorf("GET %s read the snapshot %d times, want once (by the guard)", url, n)
	}
	if res, body = getWith(t, app, url+"/diff?against=live", nil); res.StatusCode != http.StatusOK || snaps.gets.Load() != 2 {
		t.Errorf("diff against live: %d, %d snapshot reads in all, want 200 and 2: %s", res.StatusCode, snaps.gets.Load(), body)
	}
}
