package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// digestNow is the clock of the snapshot-page tests: the day after the
// demo's last signals, so that the weekly digest has some.
var digestNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// newSnapshotApp returns an app over its own copy of the demo database:
// these tests take snapshots and import, which the shared demo
// store must not see.
func newSnapshotApp(t testing.TB) (*fiber.App, *store.Store) {
	t.Helper()
	return newSnapshotAppAt(t, digestNow)
}

// newSnapshotAppAt is newSnapshotApp with the server's clock stopped at now.
func newSnapshotAppAt(t testing.TB, now time.Time) (*fiber.App, *store.Store) {
	t.Helper()
	st := demoDB.Open(t, store.Options{})
	d := testDeps(st, st, discardLogger())
	d.Now = func() time.Time { return now }
	return web.New(d, web.Options{}), st
}

// mustImportMode imports a CSV file in the given mode and fails unless
// every row lands.
func mustImportMode(t testing.TB, st *store.Store, mission, kind, mode, body string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), kind+".csv")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := ingest.New(st, time.Now).Import(context.Background(), ingest.Request{Mission: mission, Kind: kind,
		Mode: mode, Path: path, Filename: kind + ".csv", CreatedBy: "test"}, false)
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	if b.Status != portfolio.ImportCommitted || b.RowsRejected > 0 {
		t.Fatalf("import %s: status %s, %d rows rejected: %+v", kind, b.Status, b.RowsRejected, b.Rejects)
	}
}

// mustTakeSnapshot takes a snapshot through the API and returns its id.
func mustTakeSnapshot(t *testing.T, app *fiber.App, mission, label string) int64 {
	t.Helper()
	status, body := send(t, app, http.MethodPost, "/api/v1/missions/"+mission+"/snapshots", "application/json",
		[]byte(fmt.Sprintf(`{"label": %q}`, label)))
	mustStatus(t, status, http.StatusCreated, body)
	sn := decode[struct {
		ID int64 `json:"id"`
	}](t, body)
	if sn.ID < 1 {
		t.Fatalf("snapshot id = %d, want > 0", sn.ID)
	}
	return sn.ID
}

// Between the two snapshots: a project enters (titled with a script
// break-out), another moves from design to pilot with a new budget and a
// new lead organisation.
const (
	snapImport = "ext_ref,title,pillars,level,stage,status,lead_org,budget_total_eur\n" +
		"PRJ-T-NEW,\"" + `</script><script>alert(1)</script>` + "\",social_cohesion,community,explore,active,Brand New Kooperatiba,1000\n" +
		"PRJ-0002,Lanbide heziketa dualeko programa Goierrin,decarbonisation|adaptation,startup,pilot,active,Itsaso Arrantza S.L.,600000\n"
	// Signals of the digest's week: one with a web link, one whose link
	// is a script.
	snapSignals = "ext_ref,headline,url,observed_at,status,steep\n" +
		"SIG-T-1,Digest headline with a web link,https://example.org/d1,2026-10-30,approved,social\n" +
		"SIG-T-2,\"<img src=x onerror=alert(2)> script link\",javascript:alert(2),2026-10-29,approved,social\n"
)

var svgTag = regexp.MustCompile(`<svg[\s>]`)

func TestSnapshotPages(t *testing.T) {
	t.Parallel()
	app, st := newSnapshotApp(t)
	first := mustTakeSnapshot(t, app, demo.Slug, "Committee March")
	mustImportMode(t, st, demo.Slug, ingest.KindProjects, ingest.ModeUpsert, snapImport)
	mustImportMode(t, st, demo.Slug, ingest.KindSignals, ingest.ModeAppend, snapSignals)
	second := mustTakeSnapshot(t, app, demo.Slug, "Committee June")

	// A snapshot of another mission.
	status, body := send(t, app, http.MethodPut, "/api/v1/missions/tiny", "application/yaml", []byte(mustReadTestdata(t, "mission_tiny.yaml")))
	mustStatus(t, status, http.StatusCreated, body)
	other := mustTakeSnapshot(t, app, "tiny", "Tiny one")

	// The demo arrives with the snapshots of two committees: the mission's
	// first snapshot is the demo's.
	var demoFirst int64
	if err := st.DB().QueryRow(`SELECT min(id) FROM snapshot`).Scan(&demoFirst); err != nil || demoFirst >= first {
		t.Fatalf("the demo's first snapshot is %d (%v), want one before the test's %d", demoFirst, err, first)
	}

	base := "/m/" + demo.Slug + "/snapshots/"
	pack := fmt.Sprintf("%s%d/pack", base, second)
	firstPack := fmt.Sprintf("%s%d/pack", base, first)
	diff := fmt.Sprintf("%s%d/diff", base, second)

	checkDocument := func(t *testing.T, body []byte) {
		t.Helper()
		for _, m := range scriptTag.FindAll(body, -1) {
			if !snapshotsScript.Match(m) {
				t.Errorf("pack carries script %s, want only /static/snapshots.HASH.js", m)
			}
		}
		if bytes.Contains(body, []byte("application/json")) {
			t.Error("pack carries a chart option: it must print without ECharts")
		}
		checkScriptsAndHosts(t, body)
	}
	checkPack := func(t *testing.T, body []byte) {
		t.Helper()
		if n := len(svgTag.FindAll(body, -1)); n < 2 {
			t.Errorf("pack has %d <svg>, want at least 2 (coverage and pipeline)", n)
		}
		checkDocument(t, body)
	}

	runScenarios(t, app, []scenario{
		{
			name: "snapshots page lists both, newest first", url: "/m/" + demo.Slug + "/snapshots", wantStatus: 200,
			wantContains: []string{
				"Committee March", "Committee June",
				fmt.Sprintf(`/m/%s?lang=en&amp;snapshot=%d`, demo.Slug, first),
				fmt.Sprintf(`%s%d/diff?against=%d&amp;lang=en`, base, second, first),
				fmt.Sprintf(`%s%d/pack?lang=en`, base, second),
				`id="take-snapshot"`, `data-api="/api/v1/missions/gipuzkoa/snapshots"`, `src="/static/snapshots.`,
				"Decision log",
			},
			check: func(t *testing.T, body []byte) {
				i, j := bytes.Index(body, []byte(fmt.Sprintf(`data-snapshot="%d"`, second))), bytes.Index(body, []byte(fmt.Sprintf(`data-snapshot="%d"`, first)))
				if i < 0 || j < 0 || i > j {
					t.Errorf("rows of snapshots %d and %d at %d and %d, want both, newest first", second, first, i, j)
				}
				// Every row reaches its pack and a diff: against the previous
				// snapshot when there is one, and to today.
				firstDiffs := regexp.MustCompile(fmt.Sprintf(`%s%d/diff\?against=([a-z0-9]+)`, regexp.QuoteMeta(base), demoFirst)).FindAllSubmatch(body, -1)
				if len(firstDiffs) != 1 || string(firstDiffs[0][1]) != "live" {
					t.Errorf("the first snapshot's diff links: %q, want only the one to today", firstDiffs)
				}
				for _, id := range []int64{demoFirst, first, second} {
					for _, link := range []string{fmt.Sprintf(`%s%d/pack?lang=en`, base, id), fmt.Sprintf(`%s%d/diff?against=live&amp;lang=en`, base, id)} {
						if !bytes.Contains(body, []byte(link)) {
							t.Errorf("snapshot %d's row lacks %s", id, link)
						}
					}
				}
				checkScriptsAndHosts(t, body)
			},
		},
		{
			name: "diff against the previous by default", url: diff, wantStatus: 200,
			wantContains: []string{
				"PRJ-T-NEW", xssTitleHTML, `id="opt-sankey"`, `data-option="opt-sankey"`, `"type":"sankey"`,
				"Explore (before)", "Pilot (after)", "Brand New Kooperatiba", "<table class=\"kpi-deltas\">",
				"<table class=\"budget-changes\">", "PRJ-0002",
			},
			wantNotContains: []string{xssTitle, "<script>alert"},
			check:           checkScriptsAndHosts,
		},
		{
			name: "diff against an explicit snapshot", url: fmt.Sprintf("%s?against=%d", diff, first), wantStatus: 200,
			wantContains: []string{"PRJ-T-NEW", `"type":"sankey"`, fmt.Sprintf("snapshot %d against snapshot %d", second, first)},
		},
		{
			name: "diff of the first snapshot explains there is nothing before", url: fmt.Sprintf("%s%d/diff", base, demoFirst), wantStatus: 200,
			wantContains:    []string{"the mission&#39;s first"},
			wantNotContains: []string{`"type":"sankey"`},
		},
		{
			name: "pack prints without JavaScript", url: pack, wantStatus: 200,
			wantContains: []string{
				"Committee pack", "Committee June", "Coverage: Pillar", "Pipeline by stage", "Decision log",
				fmt.Sprintf("What changed since snapshot %d", first), "PRJ-T-NEW", xssTitleHTML,
				`class="pack-section pack-cover"`, `id="new-decision"`,
				// The first page sums it up; later sections show the balance,
				// the territory and the signals, in labels.
				"Executive summary", "Gaps and blind spots", "Balance against the target mix", "Territory", "Signals and blind spots",
				`class="running-head"`, fmt.Sprintf(`data-api="/api/v1/snapshots/%d/decisions"`, second),
				"<title>Social cohesion × Community action: ",
				// The decision form's pickers: cells by their two labels,
				// projects by ext_ref and title.
				`<option value="adaptation/regulation">Social and climate adaptation × Policy and regulation`,
				`<option value="PRJ-0002">PRJ-0002 · Lanbide heziketa dualeko programa Goierrin</option>`,
				`<option value="PRJ-T-NEW">PRJ-T-NEW · ` + xssTitleHTML + `</option>`,
			},
			wantNotContains: []string{"echarts", xssTitle, "<script>alert", `name="ref"`},
			check:           checkPack,
		},
		{
			name: "the print stylesheet sets A4", url: "/static/begira.css", wantStatus: 200,
			wantContains: []string{"@page { size: A4;", "counter(page)", "counter(pages)", ".pack-cover { break-after: page; }"},
		},
		{
			name: "record a decision on the second snapshot", method: http.MethodPost,
			url:        fmt.Sprintf("/api/v1/snapshots/%d/decisions", second),
			headers:    map[string]string{"Content-Type": "application/json"},
			body:       `{"scope":"project","ref":"PRJ-T-NEW","type":"scale","rationale":"Grow the <b>pilot</b> to three towns","owner":"Ane","due_date":"2026-12-31"}`,
			wantStatus: 201,
		},
		{
			name: "record a decision on the first snapshot", method: http.MethodPost,
			url:        fmt.Sprintf("/api/v1/snapshots/%d/decisions", first),
			headers:    map[string]string{"Content-Type": "application/json"},
			body:       `{"scope":"mission","type":"keep","rationale":"Keep the community focus"}`,
			wantStatus: 201,
		},
		{
			name: "the pack shows this snapshot's decision and the earlier one", url: pack, wantStatus: 200,
			wantContains: []string{
				"Grow the &lt;b&gt;pilot&lt;/b&gt; to three towns", "Keep the community focus",
				fmt.Sprintf("decided on snapshot %d", second), fmt.Sprintf("decided on snapshot %d", first),
				`class="decision-status no-print" data-api="/api/v1/decisions/`, "31 Dec 2026",
			},
			wantNotContains: []string{"<b>pilot</b>"},
			check:           checkPack,
		},
		{
			name: "an earlier snapshot's pack shows no later decision", url: firstPack, wantStatus: 200,
			wantContains:    []string{"Keep the community focus", "No initiative works on social and climate adaptation"},
			wantNotContains: []string{"Grow the"},
			check:           checkPack,
		},
		{
			name: "the demo's first committee: its pack, decisions and no diff", url: fmt.Sprintf("%s%d/pack", base, demoFirst), wantStatus: 200,
			wantContains: []string{"Steering committee, October 2026", "the mission&#39;s first snapshot",
				"No initiative works on social and climate adaptation", "Moved to demonstration in October."},
			wantNotContains: []string{"Keep the community focus", "Grow the"},
			check:           checkPack,
		},
		{
			name: "the snapshots page shows the decision log", url: "/m/" + demo.Slug + "/snapshots", wantStatus: 200,
			wantContains: []string{"Grow the &lt;b&gt;pilot&lt;/b&gt; to three towns", fmt.Sprintf("decided on snapshot %d", second), "Scale", "Open"},
		},
		{
			name: "the pack in Spanish", url: pack + "?lang=es", wantStatus: 200,
			wantContains: []string{`lang="es"`, "Dosier del comité", "Registro de decisiones", "Escalar"},
		},
		{
			name: "the digest groups the week's approved signals", url: "/m/" + demo.Slug + "/digest", wantStatus: 200,
			wantContains: []string{
				"Weekly signal digest", "Social", `href="https://example.org/d1"`, "Digest headline with a web link",
				"&lt;img src=x onerror=alert(2)&gt; script link",
			},
			wantNotContains: []string{"javascript:", "<img src=x"},
		},
		{name: "unknown snapshot: pack", url: base + "999999/pack", wantStatus: 404},
		{name: "unknown snapshot: diff", url: base + "999999/diff", wantStatus: 404},
		{name: "unknown snapshot to compare with", url: diff + "?against=999999", wantStatus: 404},
		{name: "malformed snapshot id", url: base + "abc/pack", wantStatus: 404},
		{
			name: "another mission's snapshot: pack", url: fmt.Sprintf("%s%d/pack", base, other), wantStatus: 404,
			wantContains: []string{"not a snapshot of mission"},
		},
		{name: "another mission's snapshot: diff", url: fmt.Sprintf("%s%d/diff", base, other), wantStatus: 404},
		{name: "another mission's snapshot to compare with", url: fmt.Sprintf("%s?against=%d", diff, other), wantStatus: 404},
		{
			name: "a mission without stages or projects still has a pack", url: fmt.Sprintf("/m/tiny/snapshots/%d/pack", other), wantStatus: 200,
			wantContains: []string{"Tiny one", "the mission&#39;s first snapshot", "<svg", "No figure in this snapshot."},
			check:        checkDocument,
		},
		{name: "unknown mission", url: "/m/nope/snapshots", wantStatus: 404},
		{name: "unknown mission's digest", url: "/m/nope/digest", wantStatus: 404},
	})

	// Moving the decision's status shows in the pack with its note.
	status, body = send(t, app, http.MethodGet, fmt.Sprintf("/api/v1/missions/%s/decisions", demo.Slug), "", nil)
	mustStatus(t, status, http.StatusOK, body)
	ds := decode[struct {
		Items []struct {
			ID         int64 `json:"id"`
			SnapshotID int64 `json:"snapshot_id"`
		} `json:"items"`
	}](t, body)
	var decision int64
	for _, d := range ds.Items {
		if d.SnapshotID == second {
			decision = d.ID
		}
	}
	if decision == 0 {
		t.Fatalf("no decision on snapshot %d in %+v", second, ds.Items)
	}
	runScenarios(t, app, []scenario{
		{
			name: "move the decision", method: http.MethodPatch, url: fmt.Sprintf("/api/v1/decisions/%d", decision),
			headers: map[string]string{"Content-Type": "application/json"}, body: `{"status":"in_progress","note":"Two towns signed"}`,
			wantStatus: 200,
		},
		{
			name: "the pack shows where it stands", url: pack, wantStatus: 200,
			wantContains: []string{"In progress", "Two towns signed", `<option value="in_progress" selected>`},
		},
	})
}

// TestSnapshotPagesWithoutService: a server wired without snapshots says
// so instead of failing.
func TestSnapshotPagesWithoutService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := testDeps(st, st, discardLogger())
	d.Snapshots = nil
	app := web.New(d, web.Options{})
	for _, url := range []string{"/m/x/snapshots", "/m/x/snapshots/1/diff", "/m/x/snapshots/1/pack", "/m/x/digest"} {
		scenario{url: url, wantStatus: 404, wantContains: []string{"snapshots are not enabled"}}.run(t, app)
	}
}

// TestSnapshotListLinksAnswer: every snapshot link of the list page answers.
func TestSnapshotListLinksAnswer(t *testing.T) {
	t.Parallel()
	app, _ := newSnapshotApp(t)
	mustTakeSnapshot(t, app, demo.Slug, "One")
	mustTakeSnapshot(t, app, demo.Slug, "Two")
	body := mustGet(t, app, "/m/"+demo.Slug+"/snapshots")
	links := regexp.MustCompile(`href="(/m/[^"]+)"`).FindAllSubmatch(body, -1)
	seen := 0
	for _, l := range links {
		u := strings.ReplaceAll(string(l[1]), "&amp;", "&")
		if strings.Contains(u, "snapshot") {
			seen++
			mustGet(t, app, u)
		}
	}
	// Two "as of" links, two packs, one diff.
	if seen < 5 {
		t.Errorf("followed %d snapshot links, want at least 5", seen)
	}
}

// snapshotsScript is the snapshot pages' script under its content-hashed name.
var snapshotsScript = regexp.MustCompile(`src="/static/snapshots\.[0-9a-f]{12}\.js"`)
