package store_test

// A minimal reproduction, for a report to DuckDB, of the finding of issue 3:
// a transaction that writes TEMPORARY tables and, from them, two ordinary
// tables is not all-or-nothing when its process is killed (SIGKILL) while
// it commits — after a restart one table can hold its rows and the other
// none. Begira's commit avoids TEMPORARY tables for this reason (see
// ingest.commitTable). It uses nothing of Begira: database/sql and the
// DuckDB driver only.
//
// It is skipped by default (it kills processes for a minute or more):
//
//	BEGIRA_REPRO_TEMP_KILL=1 go test -run TestReproTempTableKill -v ./internal/store/
//
// It reports how many of its trials reopened to a half commit; 0 means it
// did not reproduce on this machine this time, not that the bug is gone.
// When it was written (duckdb-go v2.10506.0, 2 shared cores) it did NOT
// reproduce: 0 of 12 kills over the whole transaction, 0 of 15 within the
// COMMIT alone, 0 of 15 with a 64 MB memory limit (TEMP tables spilling).
// The original observation came from Begira's own commit, which also read
// from an ATTACHed staging database and wrote through several statements
// with deletes: the next variants to try before reporting.

import (
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

const (
	envReproTempKill = "BEGIRA_REPRO_TEMP_KILL"
	envReproChild    = "BEGIRA_REPRO_TEMP_KILL_CHILD"
	envReproDB       = "BEGIRA_REPRO_TEMP_KILL_DB"
	reproRows        = 2_000_000
)

// TestReproTempTableKillChild is the process the reproduction kills: one
// transaction stages ids in TEMP tables and inserts them into parent and
// child.
func TestReproTempTableKillChild(t *testing.T) {
	if os.Getenv(envReproChild) != "1" {
		t.Skip("the process TestReproTempTableKill kills")
	}
	db, err := sql.Open("duckdb", os.Getenv(envReproDB))
	if err != nil {
		t.Fatal(err)
	}
	conn := func(q string) {
		if _, err := db.Exec(q); err != nil {
			fmt.Fprintln(os.Stderr, q, err)
			os.Exit(3)
		}
	}
	db.SetMaxOpenConns(1) // TEMP tables belong to one connection
	// Begira's settings: TEMP tables larger than memory spill to disk.
	conn(`SET threads = 2`)
	conn(`SET memory_limit = '` + cmpOr(os.Getenv("BEGIRA_REPRO_MEMORY"), "64MB") + `'`)
	fmt.Println("begin") // the kill lands from here on
	start := time.Now()
	conn(`BEGIN`)
	conn(fmt.Sprintf(`CREATE TEMP TABLE t_ids AS SELECT (SELECT coalesce(max(id), 0) FROM parent) + range AS id FROM range(1, %d)`, reproRows+1))
	conn(`CREATE TEMP TABLE t_names AS SELECT id, 'name ' || id AS name FROM t_ids`)
	conn(`INSERT INTO child SELECT id, name FROM t_names`)
	conn(`INSERT INTO parent SELECT id FROM t_ids`)
	conn(`COMMIT`)
	fmt.Println("committed in", time.Since(start).Milliseconds(), "ms")
	os.Exit(0)
}

func TestReproTempTableKill(t *testing.T) {
	if os.Getenv(envReproTempKill) != "1" {
		t.Skip("a reproduction for DuckDB, not a test of Begira: set " + envReproTempKill + "=1")
	}
	path := filepath.Join(t.TempDir(), "repro.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE parent (id BIGINT); CREATE TABLE child (parent_id BIGINT, name VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	trials, _ := strconv.Atoi(os.Getenv("BEGIRA_REPRO_TRIALS"))
	if trials <= 0 {
		trials = 20
	}
	// How long the transaction takes here: kills land anywhere in it.
	out, err := child(path).Output()
	var ms int64
	if _, serr := fmt.Sscanf(string(out), "begin\ncommitted in %d ms", &ms); err != nil || serr != nil {
		t.Fatalf("a first, unkilled transaction failed: %v %v\n%s", err, serr, out)
	}
	span := time.Duration(ms+1) * time.Millisecond
	half := 0
	for i := range trials {
		cmd := child(path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the transaction to start, then kill within its span.
		line := make([]byte, 6)
		if _, err := io.ReadFull(stdout, line); err != nil || string(line) != "begin\n" {
			t.Fatalf("trial %d: the child said %q (%v)", i, line, err)
		}
		delay := time.Duration(rand.Int64N(int64(span)))
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		db, err := sql.Open("duckdb", path)
		if err != nil {
			t.Fatalf("trial %d: reopen: %v", i, err)
		}
		var parents, children int64
		err = db.QueryRow(`SELECT (SELECT count(*) FROM parent), (SELECT count(*) FROM child)`).Scan(&parents, &children)
		db.Close()
		if err != nil {
			t.Fatalf("trial %d: count: %v", i, err)
		}
		if parents != children || parents%reproRows != 0 {
			half++
			t.Logf("trial %d (killed after %v): parent %d rows, child %d rows: HALF A COMMIT", i, delay, parents, children)
		}
	}
	t.Logf("%d of %d trials reopened to half a commit (transaction ≈ %v; DuckDB driver github.com/duckdb/duckdb-go/v2)", half, trials, span)
	if half > 0 {
		t.Errorf("reproduced: a SIGKILL during the commit of a transaction that wrote TEMP tables left half of it")
	}
}

func child(path string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestReproTempTableKillChild$")
	cmd.Env = append(os.Environ(), envReproChild+"=1", envReproDB+"="+path)
	return cmd
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
