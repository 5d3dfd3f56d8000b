package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

func missionCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "apply" {
		fmt.Fprintln(stderr, "usage: begira mission apply --db PATH FILE")
		return 2
	}
	fs := flag.NewFlagSet("mission apply", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB(), "DuckDB database file (default $BEGIRA_DB, else data/begira.duckdb)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: begira mission apply --db PATH FILE")
		return 2
	}
	body, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "begira mission apply:", err)
		return 2
	}
	m, err := missionfile.Parse(body)
	if err != nil {
		printError(stderr, "begira mission apply", err)
		return 1
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		printError(stderr, "begira mission apply", err)
		return 2
	}
	defer st.Close()
	created, err := st.ApplyMission(ctx, m)
	if err != nil {
		printError(stderr, "begira mission apply", err)
		return 1
	}
	verb := "updated"
	if created {
		verb = "created"
	}
	fmt.Fprintf(stdout, "mission %s %s: %d schemes\n", m.Slug, verb, len(m.Schemes))
	return 0
}

func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB(), "DuckDB database file (default $BEGIRA_DB, else data/begira.duckdb)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		printError(stderr, "begira migrate", err)
		return 2
	}
	defer st.Close()
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		printError(stderr, "begira migrate", err)
		return 2
	}
	fmt.Fprintf(stdout, "database %s is at schema version %d\n", *db, v)
	return 0
}

// printError prints a domain error's message and details; anything else
// as is (the CLI runs on the operator's own machine).
func printError(w io.Writer, prefix string, err error) {
	if portfolio.ErrorCode(err) == portfolio.EINTERNAL {
		fmt.Fprintf(w, "%s: %v\n", prefix, err)
		return
	}
	fmt.Fprintf(w, "%s: %s\n", prefix, portfolio.ErrorMessage(err))
	for _, d := range portfolio.ErrorDetails(err) {
		fmt.Fprintf(w, "  - %s\n", d)
	}
}
