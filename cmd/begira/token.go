package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/store"
)

const tokenUsage = `usage:
  begira token create --db PATH --role ROLE [--mission SLUG] --name NAME
  begira token list --db PATH
  begira token revoke --db PATH ID

ROLE is viewer, leader, analyst or admin; without --mission the role holds
on every mission. create prints the token once, alone on stdout, so
TOKEN=$(begira token create …) works; only its hash is stored. The server
must be stopped (DuckDB lets one process write the file); while it runs,
use the API (POST /api/v1/tokens) or the admin page /admin/tokens.
`

// tokenCmd manages API tokens on a stopped server's database.
func tokenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, tokenUsage)
		return 2
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB(), "DuckDB database file (default $BEGIRA_DB, else data/begira.duckdb)")
	role := fs.String("role", "", "viewer, leader, analyst or admin")
	mission := fs.String("mission", "", "mission slug (default: every mission)")
	name := fs.String("name", "", "what the token is for (e.g. \"nightly import script\")")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	var id int64
	switch args[0] {
	case "create":
		if *role == "" || *name == "" || fs.NArg() != 0 {
			fmt.Fprint(stderr, tokenUsage)
			return 2
		}
	case "list":
		if fs.NArg() != 0 {
			fmt.Fprint(stderr, tokenUsage)
			return 2
		}
	case "revoke":
		var err error
		if id, err = strconv.ParseInt(fs.Arg(0), 10, 64); fs.NArg() != 1 || err != nil {
			fmt.Fprint(stderr, tokenUsage)
			return 2
		}
	default:
		fmt.Fprintf(stderr, "begira token: unknown subcommand %q\n\n%s", args[0], tokenUsage)
		return 2
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		printError(stderr, "begira token", err)
		return 2
	}
	defer st.Close()
	switch args[0] {
	case "create":
		t, secret, err := auth.CreateToken(ctx, st, st, *name, *role, *mission)
		if err != nil {
			printError(stderr, "begira token", err)
			return 1
		}
		fmt.Fprintln(stdout, secret)
		fmt.Fprintf(stderr, "token %d %q: %s on %s. Copy it now: it is not stored and will not be shown again.\n",
			t.ID, t.Name, t.Role, scopeName(t.Mission))
	case "list":
		ts, err := st.Tokens(ctx)
		if err != nil {
			printError(stderr, "begira token", err)
			return 1
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tMISSION\tCREATED\tBY\tSTATUS")
		for _, t := range ts {
			status := "active"
			if t.RevokedAt != nil {
				status = "revoked " + t.RevokedAt.Format(time.DateOnly)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, scopeName(t.Mission),
				t.CreatedAt.Format(time.DateOnly), t.CreatedBy, status)
		}
		w.Flush()
	case "revoke":
		t, err := st.RevokeToken(ctx, id)
		if err != nil {
			printError(stderr, "begira token", err)
			return 1
		}
		fmt.Fprintf(stdout, "token %d %q revoked\n", t.ID, t.Name)
	}
	return 0
}

func scopeName(mission string) string {
	if mission == auth.All {
		return "every mission"
	}
	return mission
}
