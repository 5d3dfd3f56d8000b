package ingest

import (
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"time"
)

// The pipeline's SQL lives in sql/*.sql, one statement per section named
// by a "-- name: NAME" line (the layout of listmonk's queries.sql), parsed
// once at start. A statement's holes, {{hole}}, are filled with the table
// names and reading expressions of one batch (identifiers and expressions
// cannot be bound); its values are bound parameters: $batch, $mission and
// $now (see params).

//go:embed sql/*.sql
var sqlFiles embed.FS

var statements = parseStatements(sqlFiles)

var nameLine = regexp.MustCompile(`^-- name: ([a-z0-9-]+)\s*$`)

// parseStatements reads every "-- name:" section of the files. The
// comment lines that open a section (and the file's preamble) document the
// statement and are left out of its text.
func parseStatements(fsys fs.FS) map[string]string {
	out := map[string]string{}
	files, _ := fs.Glob(fsys, "sql/*.sql")
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			panic(err)
		}
		name := ""
		var body []string
		flush := func() {
			if name != "" {
				if _, dup := out[name]; dup {
					panic(fmt.Sprintf("ingest: statement %q defined twice (%s)", name, f))
				}
				out[name] = strings.TrimSpace(strings.Join(body, "\n"))
			}
		}
		for _, line := range strings.Split(string(b), "\n") {
			if m := nameLine.FindStringSubmatch(line); m != nil {
				flush()
				name, body = m[1], nil
				continue
			}
			if len(body) == 0 && strings.HasPrefix(strings.TrimSpace(line), "--") {
				continue // the section's opening comment
			}
			body = append(body, line)
		}
		flush()
	}
	return out
}

// holes is what fills the holes of one statement.
type holes map[string]string

var holeRE = regexp.MustCompile(`\{\{([a-z_]+)\}\}`)

// render returns statement name with its holes filled. A hole left empty
// or a value without its hole is a defect of the code, not of the data:
// it panics, and the golden tests of the commit (commit_sql_test.go) run
// every statement.
func render(name string, h holes) string {
	q, ok := statements[name]
	if !ok {
		panic(fmt.Sprintf("ingest: no statement %q in sql/*.sql", name))
	}
	used := map[string]bool{}
	q = holeRE.ReplaceAllStringFunc(q, func(m string) string {
		k := m[2 : len(m)-2]
		v, ok := h[k]
		if !ok {
			panic(fmt.Sprintf("ingest: statement %q: hole {{%s}} not given", name, k))
		}
		used[k] = true
		return v
	})
	for k := range h {
		if !used[k] {
			panic(fmt.Sprintf("ingest: statement %q has no hole {{%s}}", name, k))
		}
	}
	return q
}

// params binds the parameters statement q uses: $batch, $mission, $now.
// DuckDB refuses a named value the statement does not use.
func params(q string, batch, mission int64, now time.Time) []any {
	var out []any
	for _, a := range []sql.NamedArg{sql.Named("batch", batch), sql.Named("mission", mission), sql.Named("now", now.UTC())} {
		if paramRE[a.Name].MatchString(q) {
			out = append(out, a)
		}
	}
	return out
}

var paramRE = map[string]*regexp.Regexp{
	"batch":   regexp.MustCompile(`\$batch\b`),
	"mission": regexp.MustCompile(`\$mission\b`),
	"now":     regexp.MustCompile(`\$now\b`),
}
