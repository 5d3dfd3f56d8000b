package alert_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/alert"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// blindMission: projects and signals share the pillar and level schemes.
const blindMission = `slug: t
title: {en: Test}
schemes:
  - code: pillar
    label: {en: Pillar}
    cardinality: multi
    applies_to: [project, signal]
    terms:
      - {code: p1, label: {en: P one}}
      - {code: p3, label: {en: P three}}
  - code: level
    label: {en: Level}
    ordered: true
    applies_to: [project, signal]
    terms:
      - {code: community, ordinal: 1, label: {en: Community}}
      - {code: regulation, ordinal: 2, label: {en: Regulation}}
alerts:
  - on: [blind_spot]
    webhook: URL
`

// TestNewBlindSpotAlerts: a signal at level regulation was answered by a
// project in the first snapshot; the project is gone in the second, which
// raises blind_spot for level regulation. The first snapshot raises none.
func TestNewBlindSpotAlerts(t *testing.T) {
	t.Parallel()
	a, st, rec := setup(t, 0)
	m, err := missionfile.Parse([]byte(strings.Replace(blindMission, "URL", rec.url, 1)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	svc := snapshot.New(st, func() time.Time { return now })
	ing := ingest.New(st, time.Now)
	imp := func(kind, mode, body string) {
		t.Helper()
		path := filepath.Join(t.TempDir(), kind+".csv")
		os.WriteFile(path, []byte(body), 0o600)
		if _, err := ing.Import(ctx, ingest.Request{Mission: "t", Kind: kind, Mode: mode, Path: path, Filename: kind + ".csv"}, false); err != nil {
			t.Fatalf("import %s: %v", kind, err)
		}
	}
	imp("projects", ingest.ModeAppend, "ext_ref,title,pillars,level\nP1,One,p1,community\nP4,Four,p3,regulation\n")
	imp("signals", ingest.ModeAppend, "ext_ref,headline,observed_at,status,pillars,level_observed\nS2,Rules,2025-11-01,approved,p1,regulation\n")
	first, err := svc.Take(ctx, "t", "March", portfolio.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	a.SnapshotTaken(svc, "t", first.ID)
	a.WaitIdle()
	if len(rec.events) != 0 {
		t.Fatalf("the first snapshot raised %v", rec.events)
	}
	imp("projects", ingest.ModeReplace, "ext_ref,title,pillars,level\nP1,One,p1,community\n")
	now = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	second, err := svc.Take(ctx, "t", "June", portfolio.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	a.SnapshotTaken(svc, "t", second.ID)
	rec.wait(t, 1)
	a.WaitIdle()
	var ev alert.Event
	json.Unmarshal(rec.bodies[0], &ev)
	if ev.Kind != "blind_spot" || ev.Mission != "t" || !strings.Contains(ev.Summary, "level:regulation") {
		t.Errorf("event %+v", ev)
	}
}
