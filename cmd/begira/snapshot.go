package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
)

// snapshotCmd takes a manual snapshot: the same Take the schedule and the
// UI call.
func snapshotCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB(), "DuckDB database file (default $BEGIRA_DB, else data/begira.duckdb)")
	mission := fs.String("mission", "", "mission slug")
	label := fs.String("label", "", "a name for the snapshot (e.g. \"Steering committee, March\")")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *mission == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: begira snapshot --db PATH --mission SLUG [--label TEXT]")
		return 2
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		printError(stderr, "begira snapshot", err)
		return 2
	}
	defer st.Close()
	start := time.Now()
	snap, err := snapshot.New(st, time.Now).Take(ctx, *mission, *label, portfolio.TriggerManual)
	if err != nil {
		printError(stderr, "begira snapshot", err)
		return 1
	}
	fmt.Fprintf(stdout, "snapshot %d of %s taken at %s: %d projects, %d metric values frozen (%s)\n",
		snap.ID, snap.Mission, snap.TakenAt.Format(time.RFC3339), snap.Projects, snap.Metrics, time.Since(start).Round(time.Millisecond))
	return 0
}
