package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

const userUsage = `usage:
  begira user add --db PATH --username NAME --role ROLE [--mission SLUG] < password
  begira user password --db PATH --username NAME < password

The password is the first line of stdin (at least 12 characters), so it
never shows in the process list or the shell history. add grants ROLE on
one mission, or on every mission without --mission (admin on every mission
is the instance administrator). password sets a new one, ends the user's
sessions and lifts a lockout: the way back in for an administrator who
forgot theirs. The server must be stopped (DuckDB lets one process write
the file); while it runs, use /admin/users.
`

// stdin is where passwords come from (tests replace it).
var stdin = func() io.Reader { return os.Stdin }

// userCmd adds users and resets passwords on a stopped server's database.
func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "password") {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB(), "DuckDB database file (default $BEGIRA_DB, else data/begira.duckdb)")
	name := fs.String("username", "", "username")
	role := fs.String("role", "", "viewer, leader, analyst or admin (add)")
	mission := fs.String("mission", "", "mission slug (add; default: every mission)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *name == "" || fs.NArg() != 0 || (args[0] == "add" && *role == "") {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	line, err := bufio.NewReader(stdin()).ReadString('\n')
	if err != nil && err != io.EOF {
		fmt.Fprintln(stderr, "begira user: reading the password from stdin:", err)
		return 2
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := auth.CheckUsername(*name); err != nil {
		printError(stderr, "begira user", err)
		return 1
	}
	if err := auth.CheckPassword(pw); err != nil {
		printError(stderr, "begira user", err)
		return 1
	}
	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		printError(stderr, "begira user", err)
		return 2
	}
	defer st.Close()
	if err := changeUser(ctx, st, args[0], *name, *role, *mission, pw); err != nil {
		printError(stderr, "begira user", err)
		return 1
	}
	fmt.Fprintf(stdout, "user %s: done\n", strings.ToLower(*name))
	return 0
}

func changeUser(ctx context.Context, st *store.Store, cmd, name, role, mission, pw string) error {
	hash := auth.HashPassword(pw)
	if cmd == "password" {
		u, err := st.UserByName(ctx, name)
		if portfolio.ErrorCode(err) == portfolio.ENOTFOUND {
			return portfolio.Errorf(portfolio.ENOTFOUND, "no user %q", name)
		} else if err != nil {
			return err
		}
		_, err = st.UpdateUser(ctx, u.ID, portfolio.UserChange{PasswordHash: &hash})
		return err
	}
	r, err := auth.ParseRole(role)
	if err != nil {
		return err
	}
	scope := auth.All
	if mission != "" {
		if _, err := st.Mission(ctx, mission); err != nil {
			return portfolio.Errorf(portfolio.EINVALID, "no mission %q", mission)
		}
		scope = mission
	}
	return st.CreateUser(ctx, &portfolio.User{Username: name, PasswordHash: hash, Grants: map[string]string{scope: r.String()}}, false)
}
