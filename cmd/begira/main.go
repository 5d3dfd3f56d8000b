// Command begira serves and manages mission portfolios. main is thin: it
// hands the arguments to run, which wires the packages together.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // mission time zones work on minimal images

	"github.com/begira/begira/internal/portfolio"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

const usage = `begira — mission portfolio sense-making

Usage:
  begira serve [--addr 127.0.0.1:8080] [--db data/begira.duckdb] [--demo] [--dashboards DIR]
  begira mission apply --db PATH FILE
  begira import --db PATH --mission SLUG --kind projects|organisations|signals [--mode append] [--dry-run] [--skip-invalid] FILE
  begira snapshot --db PATH --mission SLUG [--label TEXT]
  begira token create --db PATH --role ROLE [--mission SLUG] --name NAME
  begira token list|revoke --db PATH [ID]
  begira user add --db PATH --username NAME --role ROLE [--mission SLUG] < password
  begira user password --db PATH --username NAME < password
  begira migrate --db PATH
  begira backup --db PATH --out DIR
  begira restore --from DIR --db NEWPATH
  begira gen --kind projects --rows N [--seed S] [--out FILE|-]
  begira version

Run "begira COMMAND -h" for the flags of a command.
`

// run executes one command and returns the process exit code: 0 success,
// 1 the command ran but refused the input, 2 usage or I/O errors.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	// Changes made from the command line are the CLI's in the audit log.
	cli := portfolio.WithActor(ctx, "cli")
	switch args[0] {
	case "token":
		return tokenCmd(cli, args[1:], stdout, stderr)
	case "user":
		return userCmd(cli, args[1:], stdout, stderr)
	case "serve":
		return serveCmd(ctx, args[1:], stdout, stderr, getenv)
	case "mission":
		return missionCmd(cli, args[1:], stdout, stderr)
	case "import":
		return importCmd(cli, args[1:], stdout, stderr)
	case "migrate":
		return migrateCmd(cli, args[1:], stdout, stderr)
	case "snapshot":
		return snapshotCmd(cli, args[1:], stdout, stderr)
	case "backup":
		return backupCmd(cli, args[1:], stdout, stderr)
	case "restore":
		return restoreCmd(cli, args[1:], stdout, stderr)
	case "gen":
		return genCmd(cli, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "begira", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "begira: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// defaultDB is the database the commands open without --db: BEGIRA_DB, as
// for serve (the Docker image sets it), else data/begira.duckdb.
func defaultDB() string {
	if v := os.Getenv("BEGIRA_DB"); v != "" {
		return v
	}
	return "data/begira.duckdb"
}
