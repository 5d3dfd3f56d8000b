package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/begira/begira/internal/gen"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Environment of the import process TestKillDuringCommit starts.
const (
	envKillHelper = "BEGIRA_TEST_KILL_HELPER"
	envKillDB     = "BEGIRA_TEST_KILL_DB"
	envKillFile   = "BEGIRA_TEST_KILL_FILE"
)

// TestHelperImportProcess is not a test: TestKillDuringCommit runs the test
// binary again with this test selected, as the separate `begira import`
// process it kills.
func TestHelperImportProcess(t *testing.T) {
	if os.Getenv(envKillHelper) != "1" {
		t.Skip("the import process of TestKillDuringCommit")
	}
	code := run(context.Background(), []string{"import", "--db", os.Getenv(envKillDB), "--mission", "gipuzkoa",
		"--kind", "projects", os.Getenv(envKillFile)}, os.Stdout, os.Stderr, os.Getenv)
	os.Exit(code)
}

// TestKillDuringCommit kills an import process with SIGKILL while it
// commits, reopens the database and finds either the whole batch or none
// of it: the commit is one transaction, and DuckDB's write-ahead log must
// not leave half of one behind.
func TestKillDuringCommit(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts import processes and kills them: not in -short mode")
	}
	dir := t.TempDir()
	// 40,000 generated projects take about a second to commit.
	const rows = 40000
	file := filepath.Join(dir, "projects.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.Projects(f, rows, 42); err != nil {
		t.Fatal(err)
	}
	f.Close()
	template := filepath.Join(dir, "template.duckdb")
	if code, out, errOut := runCLI(t, "mission", "apply", "--db", template, filepath.Join("..", "..", "data", "demo", "mission.yaml")); code != 0 {
		t.Fatalf("mission apply: exit %d: %s %s", code, out, errOut)
	}

	// Three kills land at random moments of the commit transaction (the
	// first at its very start); the last lands just after the commit
	// returned, before the process could close the database cleanly: the
	// batch must then be there in full, from the write-ahead log.
	kills := []struct {
		after string // the line of output the kill waits for
		delay time.Duration
	}{
		{"committing…", 0},
		{"committing…", rand.N(300 * time.Millisecond)},
		{"committing…", rand.N(300 * time.Millisecond)},
		{"committed batch", 0},
	}
	for i, k := range kills {
		t.Run(fmt.Sprintf("kill %v after %q", k.delay.Round(time.Millisecond), k.after), func(t *testing.T) {
			db := filepath.Join(dir, fmt.Sprintf("kill%d.duckdb", i))
			copyFile(t, template, db)
			outcome := killImport(t, db, file, k.after, k.delay)
			got := checkAllOrNothing(t, db, rows, outcome)
			if k.after == "committed batch" && got != rows {
				t.Errorf("killed after the commit returned: %d projects, want all %d", got, rows)
			}
		})
	}
}

// killImport runs the import of file into db in a separate process, kills
// it delay after it printed a line holding after, and says how it ended.
func killImport(t *testing.T, db, file, after string, delay time.Duration) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperImportProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envKillHelper+"=1", envKillDB+"="+db, envKillFile+"="+file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // when the test fails before the kill
	announced := make(chan string, 1)
	go func() {
		var seen strings.Builder
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			seen.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), after) {
				announced <- ""
				io.Copy(io.Discard, stdout)
				return
			}
		}
		announced <- seen.String()
	}()
	select {
	case out := <-announced:
		if out != "" {
			cmd.Wait()
			t.Fatalf("the import ended without printing %q: %s %s", after, out, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the import did not print %q in 60 s: %s", after, stderr.String())
	}
	time.Sleep(delay) // the one deliberate sleep: it picks the moment of the kill
	if err := syscall.Kill(cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "finished before the kill"
	case errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled():
		return "killed"
	}
	t.Fatalf("import process: %v: %s", err, stderr.String())
	return ""
}

// checkAllOrNothing reopens db after the kill: it must hold every row of
// the batch, recorded as committed, or none of them with no committed
// batch; in the second case the batch, still previewed, can be committed.
// It returns the number of projects found after the kill.
func checkAllOrNothing(t *testing.T, db string, rows int, outcome string) int {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatalf("reopen after the kill (%s): %v", outcome, err)
	}
	defer st.Close()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := st.DB().QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	projects := count(`SELECT count(*) FROM project`)
	committed := count(`SELECT count(*) FROM import_batch WHERE status = 'committed'`)
	links := count(`SELECT count(*) FROM project_term`) + count(`SELECT count(*) FROM project_org`) + count(`SELECT count(*) FROM organisation`)
	t.Logf("%s: %d projects, %d committed batches", outcome, projects, committed)
	switch {
	case projects == rows:
		if committed != 1 || links == 0 {
			t.Errorf("all %d projects are there but %d batches are committed and %d terms, links and organisations, want 1 and some", rows, committed, links)
		}
	case projects == 0:
		if committed != 0 || links != 0 {
			t.Errorf("no project is there but %d batches are committed and %d terms, links and organisations remain, want none", committed, links)
		}
		if outcome != "killed" {
			t.Errorf("the import finished, yet no project is stored")
		}
		// The batch is still previewed, its staging tables intact: the
		// analyst can commit it again.
		var id int64
		if err := st.DB().QueryRowContext(ctx, `SELECT id FROM import_batch WHERE status = 'previewed'`).Scan(&id); err != nil {
			t.Fatalf("the killed batch: %v", err)
		}
		b, err := ingest.New(st, time.Now).Commit(ctx, id, false)
		if err != nil {
			t.Fatalf("commit the killed batch again: %v", err)
		}
		if got := count(`SELECT count(*) FROM project`); b.Status != portfolio.ImportCommitted || got != rows {
			t.Errorf("commit again: status %q, %d projects, want committed %d", b.Status, got, rows)
		}
	default:
		t.Errorf("%d projects after the kill (%s), want 0 or all %d: half a batch", projects, outcome, rows)
	}
	return projects
}

// copyFile copies the database src (and its write-ahead log, if any) to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	for _, sfx := range []string{"", ".wal"} {
		b, err := os.ReadFile(src + sfx)
		if errors.Is(err, os.ErrNotExist) && sfx != "" {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+sfx, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
