package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/dashboards"
	"github.com/begira/begira/data"
	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// TestBackupCommandAndRestore: a stopped server's database is backed up
// and restored; a damaged backup, a used directory and an existing target
// are refused with a message that says why, leaving nothing behind.
func TestBackupCommandAndRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	if code, _, errOut := runCLI(t, "mission", "apply", "--db", db, writeFile(t, dir, "m.yaml", tinyMission)); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := runCLI(t, "snapshot", "--db", db, "--mission", "tiny"); code != 0 {
		t.Fatal(errOut)
	}
	out := filepath.Join(dir, "bk")
	code, stdout, errOut := runCLI(t, "backup", "--db", db, "--out", out)
	if code != 0 || !strings.Contains(stdout, "backup of") {
		t.Fatalf("backup: %d %q %q", code, stdout, errOut)
	}
	if code, _, errOut := runCLI(t, "backup", "--db", db, "--out", out); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("backup into a used directory: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "backup", "--db", filepath.Join(dir, "nope.duckdb"), "--out", filepath.Join(dir, "x")); code != 2 || !strings.Contains(errOut, "no such database") {
		t.Errorf("backup of a missing database: %d %q", code, errOut)
	}

	// A damaged copy is refused before anything is written.
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(bad, 0o750)
	for _, f := range []string{"manifest.json", "begira.duckdb"} {
		b, _ := os.ReadFile(filepath.Join(out, f))
		if f == "begira.duckdb" {
			b[len(b)/2] ^= 0xff
		}
		os.WriteFile(filepath.Join(bad, f), b, 0o640)
	}
	target := filepath.Join(dir, "restored", "r.duckdb")
	if code, _, errOut := runCLI(t, "restore", "--from", bad, "--db", target); code != 1 || !strings.Contains(errOut, "does not match the manifest") {
		t.Errorf("restore of a damaged backup: %d %q", code, errOut)
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("a damaged backup left a database behind")
	}

	code, stdout, errOut = runCLI(t, "restore", "--from", out, "--db", target)
	if code != 0 || !strings.Contains(stdout, "row counts match") {
		t.Fatalf("restore: %d %q %q", code, stdout, errOut)
	}
	if code, _, errOut := runCLI(t, "restore", "--from", out, "--db", target); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("restore over an existing database: %d %q", code, errOut)
	}
	st, err := store.Open(context.Background(), target, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Mission(context.Background(), "tiny"); err != nil {
		t.Errorf("restored database has no mission tiny: %v", err)
	}
}

// TestBackupWhileImportsRun is the test: imports commit one after
// another while the running server backs up (POST /api/v1/backups); the
// backup restores into a fresh file, and the API answers for missions,
// projects, metrics and snapshots of the restored database are
// byte-identical to those of the original as of the backup (the original
// with the imports committed after the backup rolled back).
func TestBackupWhileImportsRun(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	s, addr := startDemo(t, "--backup-dir", filepath.Join(root, "backups"))
	ctx := portfolio.WithActor(context.Background(), "test")
	_, secret, err := auth.CreateToken(ctx, s.store, s.store, "tests", "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: bearer(secret)}

	// One project per import, each with its own ext_ref.
	csv, _ := data.Demo.ReadFile("demo/projects.csv")
	header, rest, _ := bytes.Cut(csv, []byte("\n"))
	row, _, _ := bytes.Cut(rest, []byte("\n"))
	ing := ingest.New(s.store, time.Now)
	var committed []int64
	var mu sync.Mutex
	var stop atomic.Bool
	var importErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; !stop.Load(); i++ {
			body := append(append(append([]byte{}, header...), '\n'), bytes.Replace(row, []byte("PRJ-0001"), []byte(fmt.Sprintf("BKP-%04d", i)), 1)...)
			path := filepath.Join(root, fmt.Sprintf("p%d.csv", i))
			os.WriteFile(path, append(body, '\n'), 0o600)
			b, err := ing.Import(ctx, ingest.Request{Mission: "gipuzkoa", Kind: "projects", Mode: ingest.ModeAppend,
				Path: path, Filename: filepath.Base(path), CreatedBy: "test"}, false)
			if err != nil {
				importErr = err
				return
			}
			mu.Lock()
			committed = append(committed, b.ID)
			mu.Unlock()
		}
	}()
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(committed) }
	for deadline := time.Now().Add(30 * time.Second); count() < 2 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
	}
	res, err := client.Post("http://"+addr+"/api/v1/backups", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("POST /api/v1/backups: %d %s", res.StatusCode, body)
	}
	after := count()
	for deadline := time.Now().Add(30 * time.Second); count() < after+2 && time.Now().Before(deadline) && importErr == nil; time.Sleep(10 * time.Millisecond) {
	}
	stop.Store(true)
	<-done
	if importErr != nil {
		t.Fatalf("import during the backup: %v", importErr)
	}
	var run struct {
		Status string `json:"status"`
		Detail struct {
			Dir string `json:"dir"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(body, &run); err != nil || run.Status != "ok" || run.Detail.Dir == "" {
		t.Fatalf("backup run: %s (%v)", body, err)
	}

	restored := filepath.Join(root, "fresh", "restored.duckdb")
	if code, out, errOut := runCLI(t, "restore", "--from", run.Detail.Dir, "--db", restored); code != 0 {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	rst, err := store.Open(context.Background(), restored, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rst.Close()
	var last int64
	if err := rst.DB().QueryRow(`SELECT coalesce(max(id), 0) FROM import_batch WHERE status = 'committed' AND filename LIKE 'p%.csv'`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	var inBackup, later []int64
	for _, id := range committed {
		if id <= last {
			inBackup = append(inBackup, id)
		} else {
			later = append(later, id)
		}
	}
	if len(inBackup) < 2 || len(later) < 2 {
		t.Fatalf("imports did not run across the backup: %d committed before it, %d after", len(inBackup), len(later))
	}
	// The original as of the backup: the later imports rolled back.
	for i := len(later) - 1; i >= 0; i-- {
		if _, err := ing.Rollback(ctx, later[i]); err != nil {
			t.Fatalf("rollback %d: %v", later[i], err)
		}
	}

	var snapID int64
	if err := rst.DB().QueryRow(`SELECT max(id) FROM snapshot`).Scan(&snapID); err != nil {
		t.Fatal(err)
	}
	orig, back := apiApp(t, s.store), apiApp(t, rst)
	for _, url := range []string{
		"/api/v1/missions",
		"/api/v1/missions/gipuzkoa",
		"/api/v1/missions/gipuzkoa/projects?limit=1000",
		"/api/v1/missions/gipuzkoa/organisations?limit=1000",
		"/api/v1/missions/gipuzkoa/signals?limit=1000",
		"/api/v1/missions/gipuzkoa/metrics",
		"/api/v1/missions/gipuzkoa/coverage?a=pillar&b=challenge",
		"/api/v1/missions/gipuzkoa/snapshots",
		fmt.Sprintf("/api/v1/snapshots/%d", snapID),
		fmt.Sprintf("/api/v1/snapshots/%d/diff?against=%d", snapID, snapID-1),
		"/api/v1/missions/gipuzkoa/decisions",
	} {
		a, b := apiGet(t, orig, secret, url), apiGet(t, back, secret, url)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the restored database answers %d bytes that differ from the original's %d: %.300s … vs %.300s", url, len(b), len(a), b, a)
		}
	}
	// The restored sequences go on from where they were: a new import
	// gets a new batch id, no key collision.
	again := filepath.Join(root, "again.csv")
	os.WriteFile(again, append(append(append(header, '\n'), bytes.Replace(row, []byte("PRJ-0001"), []byte("BKP-AFTER"), 1)...), '\n'), 0o600)
	b, err := ingest.New(rst, time.Now).Import(ctx, ingest.Request{Mission: "gipuzkoa", Kind: "projects", Mode: ingest.ModeAppend,
		Path: again, Filename: "again.csv", CreatedBy: "test"}, false)
	if err != nil || b.ID <= last {
		t.Errorf("import into the restored database: batch %v, err %v (last batch in the backup %d)", b, err, last)
	}
}

// apiApp is the JSON API over st with a fixed clock, so that two stores
// holding the same data answer the same bytes.
func apiApp(t *testing.T, st *store.Store) *fiber.App {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return web.New(web.Deps{Store: st, Imports: ingest.New(st, now), Metrics: metrics.NewEngine(st, now, log),
		Dashboards: dashboard.Load(dashboards.Defaults, "", log), Log: log, Access: st, Snapshots: snapshot.New(st, now), Now: now},
		web.Options{})
}

func apiGet(t *testing.T, app *fiber.App, token, url string) []byte {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: status %d: %.300s", url, res.StatusCode, body)
	}
	return body
}
