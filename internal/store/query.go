package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

//go:embed queries/*.sql
var queryFiles embed.FS

// query returns the embedded analytic query queries/<name>.sql. The files
// are plain DuckDB SQL: paste one into the DuckDB CLI (with the parameters
// filled in) to see exactly what a chart shows.
func query(name string) string {
	b, err := queryFiles.ReadFile("queries/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("store: missing embedded query %s", name)) // a build defect, caught by every test
	}
	return string(b)
}

// scopeArgs returns the ten leading parameters ($1…$10) of every analytic
// query: the mission and the scope filters of begira_scope ($7: the term
// filter of migration 0012, stages included).
func scopeArgs(missionID int64, s portfolio.Scope) []any {
	statuses := s.StatusSet()
	list := func(v []string) []string {
		if v == nil {
			return []string{}
		}
		return v
	}
	var from, to any
	if s.From != nil {
		from = s.From.Format("2006-01-02")
	}
	if s.To != nil {
		to = s.To.Format("2006-01-02")
	}
	return []any{missionID, list(statuses), list(s.Levels), list(s.Pillars), list(s.Challenges),
		list(s.Levers), s.TermFilter(), s.Places(), dateArg(from), dateArg(to)}
}

// dateArg passes a date or a typed NULL (DuckDB needs the type to bind
// a NULL macro argument compared with a DATE).
func dateArg(v any) any { return v }

// untypedScope is begira_scope called with bare placeholders: DuckDB
// cannot bind an empty list or a NULL date to them. Every query spells the
// types out (begira_scope($1::BIGINT, $2::VARCHAR[], …, $9::DATE,
// $10::DATE)), so that its text runs as written.
const untypedScope = "begira_scope($1, $2"

// ScopedQuery runs an analytic query whose first ten parameters ($1…$10) are
// the mission and the scope filters of begira_scope, followed by args. The
// metrics package keeps its SQL in its own embedded files and runs it here.
func (s *Store) ScopedQuery(ctx context.Context, q string, missionID int64, sc portfolio.Scope, args ...any) (*sql.Rows, error) {
	if strings.Contains(q, untypedScope) {
		return nil, fmt.Errorf("store: scoped query calls %s…) without the placeholders' types", untypedScope)
	}
	rows, err := s.db.QueryContext(ctx, q, append(scopeArgs(missionID, sc), args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: scoped query: %w", err)
	}
	return rows, nil
}
