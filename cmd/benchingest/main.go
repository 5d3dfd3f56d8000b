// Command benchingest measures `begira import` of a large projects CSV on
// this machine and compares it with what DuckDB alone needs to load the same
// file. In one run it:
//
//  1. builds the begira binary (or uses --begira PATH);
//  2. generates a projects CSV of --rows rows with `begira gen` (seed 1);
//  3. creates a fresh database and applies data/demo/mission.yaml with
//     `begira mission apply`;
//  4. runs `begira import --db DB --mission gipuzkoa --kind projects FILE` as
//     a subprocess, timing its wall clock and reading its peak RSS;
//  5. runs the baseline in a fresh database file, also as a subprocess so that
//     the RSS figures compare: this binary re-executed with the hidden flags
//     -child baseline -arg FILE -db DB, which runs a bare
//     CREATE TABLE t AS SELECT * FROM read_csv('FILE')
//     with the DSN settings Begira uses (2 threads, 1 GB memory limit,
//     extension auto-install and auto-load off);
//  6. when the import committed, measures a floor the same way: -child
//     rewrite -arg DB -db FRESH copies the tables the import wrote (project,
//     project_term_link, project_org, organisation) as they are, with CREATE
//     TABLE AS, into a fresh database. No import that stores these rows can
//     write them faster; the ratio of this floor to the baseline shows how
//     much of the target is left for parsing, validation and the preview;
//  7. measures a second floor, that of the import's design: -child stage
//     -arg FILE -db FRESH copies the file, every cell as text and strings
//     uncompressed, into a fresh database, as a preview stages it. A preview
//     that survives a restart keeps such a copy, and a commit then writes the
//     rows again: the staged copy plus the rewrite is what the design cannot
//     go below. -child parse -arg FILE reads every cell of the file once and
//     stores nothing: the cost of each pass of a design that reads the file
//     again instead;
//  8. prints a table and a PASS/FAIL verdict against the targets: import wall
//     time ≤ 1.5 × baseline, import peak RSS ≤ 1 GiB.
//
// This tool is the only code outside internal/store that opens DuckDB: it
// measures the raw baseline, which must not go through the store (no
// migrations, no staging, no validation).
//
// Peak RSS is the child's ru_maxrss (KiB on Linux). Linux starts a child's
// high-water mark at its parent's RSS (Go spawns with vfork, and exec folds
// the shared address space's high-water mark into the child's), so the
// driver's own RSS, printed with the table, is a floor for both figures.
//
// Run from the repository root:
//
//	go run ./cmd/benchingest [--rows 1000000] [--keep] [--begira PATH]
//
// Exit codes: 0 every target met; 1 a target missed or the import failed;
// 2 setup errors (build, generation, mission, baseline).
package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// Targets of the import (see the package comment).
const (
	maxRatio  = 1.5
	maxRSSMiB = 1024.0
)

// dsnSettings are those of internal/store's dsn().
const dsnSettings = "?threads=2&memory_limit=1GB&autoinstall_known_extensions=false&autoload_known_extensions=false"

const missionFile = "data/demo/mission.yaml"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int("rows", 1_000_000, "rows of the generated projects CSV")
	keep := fs.Bool("keep", false, "keep the temporary directory (CSV and databases)")
	begira := fs.String("begira", "", "use this begira binary instead of building ./cmd/begira")
	// Hidden: this binary re-executed as one measured child (see children).
	childMode := fs.String("child", "", "")
	childArg := fs.String("arg", "", "")
	childDB := fs.String("db", "", "")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./cmd/benchingest [--rows N] [--keep] [--begira PATH]")
		fmt.Fprintln(stderr, "  --rows N       rows of the generated projects CSV (default 1000000)")
		fmt.Fprintln(stderr, "  --keep         keep the temporary directory")
		fmt.Fprintln(stderr, "  --begira PATH  use this begira binary instead of building ./cmd/begira")
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *childMode != "" {
		c, ok := children[*childMode]
		if !ok {
			fmt.Fprintf(stderr, "benchingest: no child %q\n", *childMode)
			return 2
		}
		if err := measure(ctx, *childDB, c, *childArg, stdout); err != nil {
			fmt.Fprintf(stderr, "benchingest -child %s: %v\n", *childMode, err)
			return 2
		}
		return 0
	}
	if fs.NArg() != 0 || *rows < 1 {
		fs.Usage()
		return 2
	}
	b := &bench{ctx: ctx, stderr: stderr, rows: *rows, begira: *begira}
	code, err := b.run(*keep)
	if err != nil {
		fmt.Fprintln(stderr, "benchingest:", err)
		return 2
	}
	b.report(stdout)
	return code
}

// A child is one measurement, run by this binary re-executed so that its
// peak RSS is its own: the setup statements of arg (a file), then the timed
// work on arg, which returns the rows it read or wrote.
type child struct {
	setup func(arg string) []string
	work  func(ctx context.Context, conn *sql.Conn, arg string) (int64, error)
}

var children = map[string]child{
	// Step 5: DuckDB alone, Begira's settings.
	"baseline": {work: func(ctx context.Context, conn *sql.Conn, file string) (int64, error) {
		return ctas(ctx, conn, "t", "SELECT * FROM read_csv("+quote(file)+")")
	}},
	// Step 6: the imported rows copied as they are.
	"rewrite": {setup: func(from string) []string { return []string{"ATTACH " + quote(from) + " AS src (READ_ONLY)"} },
		work: func(ctx context.Context, conn *sql.Conn, _ string) (int64, error) {
			var rows int64
			for _, t := range importedTables {
				n, err := ctas(ctx, conn, t, "SELECT * FROM src."+t)
				if err != nil {
					return 0, err
				}
				rows += n
			}
			return rows, nil
		}},
	// Step 7: the file copied the way a preview stages it (every cell as
	// text, string compression off: see ingest.withoutStringCompression).
	"stage": {setup: func(string) []string {
		return []string{"SET disabled_compression_methods = 'dictionary,fsst,dict_fsst'"}
	},
		work: func(ctx context.Context, conn *sql.Conn, file string) (int64, error) {
			return ctas(ctx, conn, "t", "SELECT * FROM read_csv("+quote(file)+", header = true, all_varchar = true)")
		}},
	// Step 7: every cell of the file read once, nothing stored (each
	// column's longest cell: the reader must produce every value).
	"parse": {work: func(ctx context.Context, conn *sql.Conn, file string) (int64, error) {
		rows, err := conn.QueryContext(ctx, "SELECT count(*), max(length(COLUMNS(*))) FROM read_csv("+quote(file)+", header = true, all_varchar = true)")
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		var n int64
		for rows.Next() {
			cols, _ := rows.Columns()
			dst := []any{&n}
			for range cols[1:] {
				dst = append(dst, new(any))
			}
			if err := rows.Scan(dst...); err != nil {
				return 0, err
			}
		}
		return n, rows.Err()
	}},
}

// measure runs child c on arg in the database dbPath ("" = in memory), with
// the DSN settings Begira uses, and prints "rows N seconds S": the seconds
// of the work alone, not of opening the database or the setup.
func measure(ctx context.Context, dbPath string, c child, arg string, stdout io.Writer) error {
	db, err := sql.Open("duckdb", dbPath+dsnSettings)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if c.setup != nil {
		for _, q := range c.setup(arg) {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
	}
	start := time.Now()
	n, err := c.work(ctx, conn, arg)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if err := conn.Close(); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rows %d seconds %.3f\n", n, took.Seconds())
	return nil
}

// ctas creates table as the rows of query and returns how many it wrote.
func ctas(ctx context.Context, conn *sql.Conn, table, query string) (int64, error) {
	if _, err := conn.ExecContext(ctx, "CREATE TABLE "+table+" AS "+query); err != nil {
		return 0, err
	}
	var n int64
	err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	return n, err
}

// quote quotes a path as a SQL string literal (table functions take no
// placeholders for their file).
func quote(path string) string { return "'" + strings.ReplaceAll(path, "'", "''") + "'" }

// importedTables are the tables a projects import writes, heaviest first.
var importedTables = []string{"project", "project_term_link", "project_org", "organisation"}

// result is one measured subprocess.
type result struct {
	wall   time.Duration
	rssKiB int64
	exit   int
	stdout string
	stderr string
}

type bench struct {
	ctx    context.Context
	stderr io.Writer
	rows   int
	begira string
	dir    string

	file      string
	fileBytes int64
	gen       time.Duration
	imp       result
	impRows   int64 // rows the import committed (-1 unknown)
	base      result
	baseRows  int64
	floor     time.Duration // the rewrite's copies (0: not measured)
	floorRows int64
	staged    time.Duration // the file copied as a preview stages it (0: not measured)
	parsed    time.Duration // every cell of the file read once (0: not measured)
	driverKiB int64
}

func (b *bench) logf(format string, a ...any) {
	fmt.Fprintf(b.stderr, "benchingest: "+format+"\n", a...)
}

// run performs steps 1–7 and returns the exit code of the verdict; an
// error means the measurement itself could not be made.
func (b *bench) run(keep bool) (int, error) {
	if _, err := os.Stat(missionFile); err != nil {
		return 0, fmt.Errorf("%s not found: run from the repository root", missionFile)
	}
	mission, _ := filepath.Abs(missionFile)
	dir, err := os.MkdirTemp("", "benchingest-")
	if err != nil {
		return 0, err
	}
	b.dir = dir
	if keep {
		defer b.logf("kept %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	// 1. begira binary
	if b.begira == "" {
		b.begira = filepath.Join(dir, "begira")
		b.logf("building ./cmd/begira …")
		out, err := exec.CommandContext(b.ctx, "go", "build", "-o", b.begira, "./cmd/begira").CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("go build ./cmd/begira: %v\n%s", err, out)
		}
	} else if b.begira, err = filepath.Abs(b.begira); err != nil {
		return 0, err
	}

	// 2. CSV
	b.file = filepath.Join(dir, "projects.csv")
	b.logf("generating %d rows …", b.rows)
	g, err := b.exec(b.begira, "gen", "--kind", "projects", "--rows", strconv.Itoa(b.rows), "--seed", "1", "--out", b.file)
	if err != nil || g.exit != 0 {
		return 0, fmt.Errorf("begira gen: %v %s", err, g.stderr)
	}
	b.gen = g.wall
	b.logf("%s", strings.TrimSpace(g.stderr))
	st, err := os.Stat(b.file)
	if err != nil {
		return 0, err
	}
	b.fileBytes = st.Size()

	// 3. fresh database with the demo mission
	importDB := filepath.Join(dir, "import.duckdb")
	m, err := b.exec(b.begira, "mission", "apply", "--db", importDB, mission)
	if err != nil || m.exit != 0 {
		return 0, fmt.Errorf("begira mission apply: %v %s%s", err, m.stdout, m.stderr)
	}

	// 4. the import
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.driverKiB = ru.Maxrss
	}
	b.logf("importing (begira import) …")
	b.imp, err = b.exec(b.begira, "import", "--db", importDB, "--mission", "gipuzkoa", "--kind", "projects", b.file)
	if err != nil {
		return 0, fmt.Errorf("begira import: %v", err)
	}
	b.impRows = -1
	if mm := regexp.MustCompile(`committed batch \d+: (\d+) rows`).FindStringSubmatch(b.imp.stdout); mm != nil {
		b.impRows, _ = strconv.ParseInt(mm[1], 10, 64)
	}
	if b.imp.exit != 0 {
		// Not a hard failure: show why, still measure the baseline, and exit 1.
		b.logf("begira import exited with status %d after %.2fs", b.imp.exit, b.imp.wall.Seconds())
		fmt.Fprintf(b.stderr, "--- import stderr ---\n%s--- import stdout ---\n%s---\n", b.imp.stderr, tail(b.imp.stdout, 40))
	} else {
		fmt.Fprint(b.stderr, indent(b.imp.stdout))
	}

	// 5. the baseline, re-executing this binary
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	b.logf("baseline (bare DuckDB CREATE TABLE AS read_csv) …")
	if b.base, b.baseRows, _, err = b.child(self, "baseline", b.file, filepath.Join(dir, "baseline.duckdb")); err != nil {
		return 0, err
	}
	if b.baseRows != int64(b.rows) {
		return 0, fmt.Errorf("baseline loaded %d rows, want %d", b.baseRows, b.rows)
	}

	// 6. the floor: what writing the imported rows alone costs
	if b.imp.exit == 0 {
		b.logf("floor (the imported tables copied into a fresh database) …")
		if _, b.floorRows, b.floor, err = b.child(self, "rewrite", importDB, filepath.Join(dir, "rewrite.duckdb")); err != nil {
			return 0, err
		}

		// 7. the floors of the design: the file staged, the file read
		b.logf("floors of the design (the file staged as text, the file read once) …")
		for _, f := range []struct {
			mode, db string
			took     *time.Duration
		}{{"stage", filepath.Join(dir, "stage.duckdb"), &b.staged}, {"parse", "", &b.parsed}} {
			_, n, took, err := b.child(self, f.mode, b.file, f.db)
			if err != nil {
				return 0, err
			}
			if n != int64(b.rows) {
				return 0, fmt.Errorf("%s read %d rows, want %d", f.mode, n, b.rows)
			}
			*f.took = took
		}
	}
	if !b.pass() {
		return 1, nil
	}
	return 0, nil
}

// child runs this binary (self) as the child mode on arg in the database
// db, and returns the subprocess and the rows and seconds it printed.
func (b *bench) child(self, mode, arg, db string) (result, int64, time.Duration, error) {
	r, err := b.exec(self, "-child", mode, "-arg", arg, "-db", db)
	if err != nil || r.exit != 0 {
		return r, 0, 0, fmt.Errorf("%s: %v %s", mode, err, r.stderr)
	}
	var n int64
	var secs float64
	if _, err := fmt.Sscanf(r.stdout, "rows %d seconds %f", &n, &secs); err != nil {
		return r, 0, 0, fmt.Errorf("%s: unexpected output %q", mode, r.stdout)
	}
	return r, n, time.Duration(secs * float64(time.Second)), nil
}

// exec runs one measured subprocess. err is set only when it could not run.
func (b *bench) exec(name string, args ...string) (result, error) {
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(b.ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := result{wall: time.Since(start), stdout: out.String(), stderr: errOut.String()}
	if cmd.ProcessState == nil {
		return r, err
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssKiB = ru.Maxrss
	}
	r.exit = cmd.ProcessState.ExitCode()
	if b.ctx.Err() != nil {
		return r, b.ctx.Err()
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return r, err
	}
	return r, nil
}

func (b *bench) ratio() float64 { return b.imp.wall.Seconds() / b.base.wall.Seconds() }
func (b *bench) rssOK() bool    { return mib(b.imp.rssKiB) <= maxRSSMiB }
func (b *bench) ratioOK() bool  { return b.ratio() <= maxRatio }
func (b *bench) pass() bool     { return b.imp.exit == 0 && b.rssOK() && b.ratioOK() }

func mib(kib int64) float64 { return float64(kib) / 1024 }

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// report prints step 8: the table and the verdict.
func (b *bench) report(w io.Writer) {
	fmt.Fprintf(w, "\nbegira import vs bare DuckDB — %s/%s, %d CPUs, DuckDB threads=2 memory_limit=1GB\n\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tvalue\ttarget\tverdict")
	fmt.Fprintf(tw, "file size\t%.1f MiB\t\t\n", float64(b.fileBytes)/(1<<20))
	fmt.Fprintf(tw, "rows\t%d\t\t\n", b.rows)
	fmt.Fprintf(tw, "gen (begira gen)\t%.2f s (%.0f rows/s)\t\t\n", b.gen.Seconds(), float64(b.rows)/b.gen.Seconds())
	impStatus := "ok"
	if b.imp.exit != 0 {
		impStatus = fmt.Sprintf("exit %d", b.imp.exit)
	}
	fmt.Fprintf(tw, "import status\t%s\texit 0\t%s\n", impStatus, verdict(b.imp.exit == 0))
	if b.impRows >= 0 {
		fmt.Fprintf(tw, "import rows committed\t%d\t\t\n", b.impRows)
	}
	fmt.Fprintf(tw, "import seconds\t%.2f\t\t\n", b.imp.wall.Seconds())
	fmt.Fprintf(tw, "import rows/s\t%.0f\t\t\n", float64(b.rows)/b.imp.wall.Seconds())
	fmt.Fprintf(tw, "import peak RSS\t%.1f MiB\t≤ %.0f MiB\t%s\n", mib(b.imp.rssKiB), maxRSSMiB, verdict(b.rssOK()))
	fmt.Fprintf(tw, "baseline seconds\t%.2f\t\t\n", b.base.wall.Seconds())
	fmt.Fprintf(tw, "baseline peak RSS\t%.1f MiB\t\t\n", mib(b.base.rssKiB))
	fmt.Fprintf(tw, "ratio import÷baseline\t%.2f\t≤ %.1f\t%s\n", b.ratio(), maxRatio, verdict(b.ratioOK()))
	if b.floor > 0 {
		fmt.Fprintf(tw, "floor: imported rows rewritten\t%.2f s (%d rows of %s)\t\t\n", b.floor.Seconds(), b.floorRows, strings.Join(importedTables, ", "))
		fmt.Fprintf(tw, "ratio floor÷baseline\t%.2f\t\t\n", b.floor.Seconds()/b.base.wall.Seconds())
	}
	if b.staged > 0 {
		fmt.Fprintf(tw, "floor: the file staged as text\t%.2f s\t\t\n", b.staged.Seconds())
		fmt.Fprintf(tw, "ratio (staged + rewritten)÷baseline\t%.2f\t\t\n", (b.staged+b.floor).Seconds()/b.base.wall.Seconds())
		fmt.Fprintf(tw, "one read of every cell, nothing stored\t%.2f s (%.2f × baseline)\t\t\n", b.parsed.Seconds(), b.parsed.Seconds()/b.base.wall.Seconds())
	}
	fmt.Fprintf(tw, "driver RSS (floor of both)\t%.1f MiB\t\t\n", mib(b.driverKiB))
	tw.Flush()
	for _, line := range strings.SplitAfter(table.String(), "\n") {
		fmt.Fprint(w, strings.TrimRight(line, " \n")+strings.Repeat("\n", strings.Count(line, "\n")))
	}
	fmt.Fprintf(w, "\n%s\n", verdict(b.pass()))
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}

func tail(s string, lines int) string {
	parts := strings.SplitAfter(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "")
}
